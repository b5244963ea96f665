package dev.weft.impl.queue;

import dev.weft.Failure;
import dev.weft.Overflow;
import dev.weft.QueueClosedException;
import dev.weft.QueueFullException;
import dev.weft.QueueStats;
import dev.weft.ShutdownCoordinator;
import dev.weft.ShutdownReport;
import dev.weft.StuckThread;
import dev.weft.impl.shutdown.StuckThreads;
import dev.weft.impl.task.ManagedTask;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.impl.task.WaitPoint;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Cleaner;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The state and the consumer of one consumer queue. Users never hold this object: they hold a
 * {@link ConsumerQueueImpl}, a thin handle whose unreachability a {@link Cleaner}
 * watches. The consumer thread, the shutdown coordinator's registration and the cleaning action hold
 * only this core, so none of them keeps the handle alive.
 *
 * <p>Invariants.
 * <ul>
 *   <li>{@code ring} is a FIFO of at most {@code capacity} accepted items, guarded by {@code lock};
 *       items leave it only to the consumer (in order) or, under {@link Overflow#DROP_OLDEST} and a
 *       forced close, to a counter or the orphan handler. So every accepted item is delivered,
 *       counted as dropped, or handed to the orphan handler, exactly once.</li>
 *   <li>Close is a state: {@code closed} flips once, under the lock, and is never an element of the
 *       ring; after it no item is accepted. {@code forced} implies {@code closed}.</li>
 *   <li>The item consumer moves up to {@code chunk.length} items from the ring into {@code chunk}
 *       under the lock and then claims them one by one with a CAS on {@code cursor}. A forced close
 *       steals the unclaimed rest with one {@code getAndSet} of {@code cursor}; the CAS makes the
 *       claim and the steal exclusive, so each item is either handled or orphaned, never both.</li>
 *   <li>The consumer waits only by parking: when the ring is empty (blocker "take on empty queue"),
 *       and producers under {@link Overflow#BLOCK} wait in {@code waiters} (blocker "put on full
 *       queue", whose owner is the consumer thread). Whoever changes the state that a waiter waits
 *       for unparks it while holding the lock; no one polls or sleeps.</li>
 *   <li>{@code terminated} counts down once: when the consumer has ended after the close (normally
 *       or forced), or when the queue gave up on a consumer that kept dying.</li>
 * </ul>
 *
 * <p>Visibility. Ring, waiters, {@code chunkEnd} and the lock-guarded counters are written and read
 * under {@code lock}. {@code closed}, {@code forced}, {@code cursor} and {@code consumerThread} are
 * volatile so that the lock-free reads (the consumer's claim loop, {@link #isClosed()}, the blockers)
 * see them. {@code handed}, {@code delivered} and {@code failed} have one writer at a time (the
 * current consumer thread; a restarted consumer starts after its predecessor ended, which orders
 * their writes) and are published with release stores; readers use volatile reads.
 */
final class QueueCore<T> {
    static final System.Logger LOG = System.getLogger("dev.weft.queue");
    /** How long a forced close waits for the interrupted consumer before it calls it stuck. */
    static final long FORCE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A consumer that dies this many times in a row without handling an item is given up. */
    private static final int MAX_DEATHS_WITHOUT_PROGRESS = 3;
    /** Bounded: an empty queue costs at most this many yields before the consumer parks. */
    private static final int YIELDS_BEFORE_PARK = 2;

    private static final VarHandle CURSOR;
    private static final VarHandle HANDED;
    private static final VarHandle DELIVERED;
    private static final VarHandle FAILED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CURSOR = l.findVarHandle(QueueCore.class, "cursor", int.class);
            HANDED = l.findVarHandle(QueueCore.class, "handed", long.class);
            DELIVERED = l.findVarHandle(QueueCore.class, "delivered", long.class);
            FAILED = l.findVarHandle(QueueCore.class, "failed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String name;
    final Duration drainTimeout;
    final TaskFactoryImpl factory;
    private final int capacity;
    private final Overflow overflow;
    private final Consumer<? super T> itemHandler;
    private final Consumer<? super List<T>> batchHandler;
    private final int batchSize;
    private final Consumer<? super List<Object>> orphanHandler;

    private final ReentrantLock lock = new ReentrantLock();
    // ---- guarded by lock ----
    private final Object[] ring;
    private int head;
    private int tail;
    private int count;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean consumerIdle;
    private long accepted;
    private long dropped;
    private long refused;
    private long undelivered;
    private int chunkEnd;
    // ---- lock-free reads ----
    private volatile boolean closed;
    private volatile boolean forced;
    private volatile int cursor;
    private volatile Thread consumerThread;
    private volatile ConsumerTask consumerTask;
    @SuppressWarnings("unused") // through HANDED
    private volatile long handed;
    @SuppressWarnings("unused") // through DELIVERED
    private volatile long delivered;
    @SuppressWarnings("unused") // through FAILED
    private volatile long failed;
    private final LongAdder callerDelivered = new LongAdder();
    private final LongAdder callerFailed = new LongAdder();
    /** Items the consumer claims from; only the item consumer has one. */
    private final Object[] chunk;
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Written by successive consumer threads only, each after its predecessor ended. */
    private int deathsWithoutProgress;
    private long handedAtLastDeath = -1;
    private volatile ShutdownCoordinator.Registration registration;
    private volatile Thread ownerWatcher;
    /**
     * The handle's registration with the Cleaner. Cleaned when the queue terminates: the Cleaner's
     * list is a GC root, and a consumer that refers to its own queue (a handler object that owns the
     * queue and consumes with one of its methods) would otherwise keep the handle, and so this core,
     * reachable from that root forever.
     */
    private volatile Cleaner.Cleanable cleanable;

    private final WaitPoint fullWait = new WaitPoint() {
        @Override
        public String describe() {
            return "put on full queue '" + name + "'";
        }

        @Override
        public List<Thread> owners() {
            Thread t = consumerThread;
            return t == null ? List.of() : List.of(t);
        }
    };

    private final WaitPoint emptyWait = new WaitPoint() {
        @Override
        public String describe() {
            return "take on empty queue '" + name + "'";
        }

        @Override
        public List<Thread> owners() {
            return List.of();
        }
    };

    QueueCore(String name, int capacity, Overflow overflow, Duration drainTimeout, int batchSize,
              Consumer<? super List<Object>> orphanHandler, TaskFactoryImpl factory,
              Consumer<? super T> itemHandler, Consumer<? super List<T>> batchHandler) {
        this.name = name;
        this.capacity = capacity;
        this.overflow = overflow;
        this.drainTimeout = drainTimeout;
        this.batchSize = batchSize;
        this.orphanHandler = orphanHandler != null ? orphanHandler : this::logOrphans;
        this.factory = factory;
        this.itemHandler = itemHandler;
        this.batchHandler = batchHandler;
        this.ring = new Object[capacity];
        this.chunk = itemHandler != null ? new Object[Math.min(batchSize, capacity)] : null;
    }

    // ------------------------------------------------------------------ producers

    /**
     * Hands {@code item} to the queue under the overflow policy.
     *
     * @param waitNanos  how long to wait for room under BLOCK: negative forever, 0 not at all
     * @param throwClosed whether a closed queue throws (put) or answers {@code false} (offer)
     * @return whether the item was accepted
     */
    boolean send(T item, long waitNanos, boolean throwClosed) throws InterruptedException {
        if (item == null) {
            throw new NullPointerException("item must not be null");
        }
        long deadline = waitNanos > 0 ? System.nanoTime() + waitNanos : 0;
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            for (;;) {
                if (closed) {
                    refused++;
                    if (throwClosed) {
                        throw new QueueClosedException("queue '" + name + "' is closed; the item was not accepted");
                    }
                    return false;
                }
                if (count < capacity) {
                    acceptLocked(item);
                    return true;
                }
                switch (overflow) {
                    case DROP_NEWEST -> {
                        dropped++;
                        return false;
                    }
                    case DROP_OLDEST -> {
                        ring[head] = null;
                        head = next(head);
                        count--;
                        dropped++;
                        acceptLocked(item);
                        return true;
                    }
                    case FAIL -> {
                        refused++;
                        throw new QueueFullException("queue '" + name + "' is full (capacity " + capacity
                                + ", policy FAIL); the item was not accepted");
                    }
                    case CALLER_RUNS -> {
                        accepted++;
                        lock.unlock();
                        try {
                            runInCaller(item);
                        } finally {
                            lock.lock();
                        }
                        return true;
                    }
                    case BLOCK -> {
                        if (waitNanos == 0) {
                            refused++;
                            return false;
                        }
                        if (!awaitRoom(deadline)) {
                            refused++;
                            return false;
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. Appends and wakes an idle consumer. */
    private void acceptLocked(T item) {
        ring[tail] = item;
        tail = next(tail);
        count++;
        accepted++;
        if (consumerIdle) {
            consumerIdle = false;
            LockSupport.unpark(consumerThread);
        }
    }

    private int next(int i) {
        return ++i == ring.length ? 0 : i;
    }

    /**
     * Lock held on entry and on return. Parks until the consumer (or close) hands this waiter a turn.
     *
     * @param deadline {@link System#nanoTime()} to give up at, or 0 for never
     * @return {@code false} if the deadline passed first
     */
    private boolean awaitRoom(long deadline) throws InterruptedException {
        Waiter w = new Waiter(Thread.currentThread());
        waiters.addLast(w);
        lock.unlock();
        boolean interrupted = false;
        boolean timedOut = false;
        try {
            while (!w.woken) {
                if (deadline == 0) {
                    LockSupport.park(fullWait);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        timedOut = true;
                        break;
                    }
                    LockSupport.parkNanos(fullWait, left);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
        } finally {
            lock.lock();
        }
        if (interrupted || timedOut) {
            if (!waiters.remove(w)) {
                passTurnOn(); // we were handed a turn we will not use: the next waiter may use it
            }
            if (interrupted) {
                throw new InterruptedException("interrupted while waiting for room in queue '" + name + "'");
            }
            return false;
        }
        return true;
    }

    /** Lock held. */
    private void passTurnOn() {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            w.woken = true;
            LockSupport.unpark(w.thread);
        }
    }

    /** Lock held. Hands {@code turns} freed slots to the longest-waiting producers. */
    private void wakeProducers(int turns) {
        for (int i = 0; i < turns && !waiters.isEmpty(); i++) {
            passTurnOn();
        }
    }

    /** Lock held. */
    private void wakeAllLocked() {
        while (!waiters.isEmpty()) {
            passTurnOn();
        }
        if (consumerIdle) {
            consumerIdle = false;
            LockSupport.unpark(consumerThread);
        }
    }

    private void runInCaller(T item) {
        try {
            if (itemHandler != null) {
                itemHandler.accept(item);
            } else {
                batchHandler.accept(new ArrayList<>(List.of(item)));
            }
            callerDelivered.increment();
        } catch (Throwable t) {
            callerFailed.increment();
            factory.report(new Failure(name + " (caller runs)", Thread.currentThread(), t, null));
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
        }
    }

    // ------------------------------------------------------------------ consumer

    void start() {
        startConsumer();
    }

    private void startConsumer() {
        ConsumerTask task = new ConsumerTask(this);
        consumerTask = task;
        factory.start(task);
    }

    /** The consumer task's body. Returns normally once the queue is closed and drained, or forced. */
    void consume(ConsumerTask task) {
        consumerThread = Thread.currentThread();
        if (itemHandler != null) {
            consumeItems(task);
        } else {
            consumeBatches(task);
        }
    }

    @SuppressWarnings("unchecked")
    private void consumeItems(ConsumerTask task) {
        final Object[] chunk = this.chunk;
        for (;;) {
            int i = cursor;
            if (i < chunkEnd) {
                if (!CURSOR.compareAndSet(this, i, i + 1)) {
                    continue; // a forced close stole the rest of the chunk
                }
                T item = (T) chunk[i];
                chunk[i] = null;
                HANDED.setRelease(this, (long) HANDED.get(this) + 1);
                handleItem(task, item);
            } else if (!refillChunk()) {
                return;
            }
        }
    }

    private void handleItem(ConsumerTask task, T item) {
        try {
            itemHandler.accept(item);
            DELIVERED.setRelease(this, (long) DELIVERED.get(this) + 1);
        } catch (Throwable t) {
            FAILED.setRelease(this, (long) FAILED.get(this) + 1);
            handlerFailed(task, t);
        }
    }

    /** Exceptions are reported and the consumer goes on; an Error ends this consumer thread, which is restarted. */
    private void handlerFailed(ConsumerTask task, Throwable t) {
        if (t instanceof Error e) {
            throw e; // reported once by the task machinery, then the consumer is restarted
        }
        factory.report(task, t);
    }

    /**
     * Moves the next run of items into the chunk, waiting (parked) while the queue is open and empty.
     *
     * @return {@code false} when the consumer should end: closed and empty, or forced
     */
    private boolean refillChunk() {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            if (!awaitItemsLocked()) {
                return false;
            }
            int n = Math.min(count, chunk.length);
            for (int i = 0; i < n; i++) {
                chunk[i] = ring[head];
                ring[head] = null;
                head = next(head);
            }
            count -= n;
            chunkEnd = n;
            cursor = 0;
            wakeProducers(n);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void consumeBatches(ConsumerTask task) {
        for (;;) {
            List<T> batch = takeBatch();
            if (batch == null) {
                return;
            }
            int n = batch.size();
            HANDED.setRelease(this, (long) HANDED.get(this) + n);
            try {
                batchHandler.accept(batch);
                DELIVERED.setRelease(this, (long) DELIVERED.get(this) + n);
            } catch (Throwable t) {
                FAILED.setRelease(this, (long) FAILED.get(this) + n);
                handlerFailed(task, t);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<T> takeBatch() {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            if (!awaitItemsLocked()) {
                return null;
            }
            int n = Math.min(count, batchSize);
            ArrayList<T> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add((T) ring[head]);
                ring[head] = null;
                head = next(head);
            }
            count -= n;
            wakeProducers(n);
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lock held. Parks while the queue is open and empty; a stray interrupt is cleared so it cannot
     * turn the park into a spin.
     *
     * @return {@code true} when items wait; {@code false} when the consumer should end
     */
    private boolean awaitItemsLocked() {
        for (int yields = 0; ; yields++) {
            if (forced) {
                return false;
            }
            if (count > 0) {
                return true;
            }
            if (closed) {
                return false;
            }
            if (yields < YIELDS_BEFORE_PARK) {
                // Let producers that share our carrier run once before paying for a park and an unpark.
                lock.unlock();
                try {
                    Thread.yield();
                } finally {
                    lock.lock();
                }
                continue;
            }
            consumerIdle = true;
            lock.unlock();
            try {
                LockSupport.park(emptyWait);
                Thread.interrupted();
            } finally {
                lock.lock();
            }
        }
    }

    /**
     * The consumer task ended: normally (the queue is done), or by an Error, in which case a new
     * consumer takes over — unless it keeps dying without handling anything, in which case the queue
     * gives up so that no producer waits for a consumer that will never come.
     */
    void consumerEnded(ConsumerTask task, boolean normally) {
        if (normally || forced) {
            terminate();
            return;
        }
        long handedNow = (long) HANDED.getVolatile(this);
        deathsWithoutProgress = handedNow == handedAtLastDeath ? deathsWithoutProgress + 1 : 0;
        handedAtLastDeath = handedNow;
        if (deathsWithoutProgress >= MAX_DEATHS_WITHOUT_PROGRESS) {
            giveUp("its consumer died " + MAX_DEATHS_WITHOUT_PROGRESS + " times in a row without handling an item");
            return;
        }
        try {
            startConsumer();
        } catch (Throwable t) {
            giveUp("its consumer could not be restarted: " + t);
        }
    }

    private void giveUp(String why) {
        LOG.log(System.Logger.Level.ERROR, "queue '" + name + "' stops: " + why);
        List<Object> left = stealEverything();
        handOrphans(left);
        terminate();
    }

    private void terminate() {
        consumerThread = null;
        terminated.countDown();
        ShutdownCoordinator.Registration r = registration;
        if (r != null) {
            r.close();
        }
        Thread watcher = ownerWatcher;
        if (watcher != null && watcher != Thread.currentThread()) {
            watcher.interrupt();
        }
        Cleaner.Cleanable c = cleanable;
        if (c != null) {
            c.clean(); // its action sees the queue terminated and does nothing
        }
    }

    // ------------------------------------------------------------------ close

    boolean isClosed() {
        return closed;
    }

    boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** Stops intake without waiting: refuses new items, wakes blocked producers (who are refused) and an idle consumer. */
    void stopIntake() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                wakeAllLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean awaitTermination(long nanos) throws InterruptedException {
        if (Thread.currentThread() == consumerThread) {
            throw new IllegalStateException("the consumer of queue '" + name + "' cannot wait for its own termination");
        }
        return terminated.await(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes: stop intake, let the consumer drain for up to {@code timeoutNanos}, then force. An
     * interrupt of the closing thread forces at once; the interrupt is kept.
     */
    ShutdownReport close(long timeoutNanos) {
        long start = System.nanoTime();
        long deliveredBefore = deliveredCount();
        stopIntake();
        if (Thread.currentThread() == consumerThread) {
            // The consumer's own handler closed the queue: it ends once it has drained; it cannot wait for itself.
            return new ShutdownReport(name, 0, 0, waitingCount(), elapsedSince(start), List.of());
        }
        boolean interrupted = false;
        boolean done;
        try {
            done = terminated.await(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            done = isTerminated();
        }
        long orphaned = 0;
        List<StuckThread> stuck = List.of();
        if (!done) {
            Thread consumer = consumerThread;
            List<Object> left = stealEverything();
            orphaned = left.size();
            ManagedTask task = consumerTask;
            if (task != null) {
                task.cancel();
            }
            handOrphans(left);
            boolean ended = false;
            try {
                ended = terminated.await(FORCE_GRACE_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (!ended && consumer != null && consumer.isAlive()) {
                stuck = List.of(StuckThreads.of(consumer));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        long inFlight = isTerminated() ? 0 : inFlightCount();
        return new ShutdownReport(name, deliveredCount() - deliveredBefore, orphaned, inFlight, elapsedSince(start), stuck);
    }

    private static Duration elapsedSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Forces: marks the queue forced and takes every item the consumer has not begun, in acceptance order. */
    private List<Object> stealEverything() {
        lock.lock();
        try {
            closed = true;
            forced = true;
            List<Object> left = new ArrayList<>();
            if (chunk != null) {
                int end = chunkEnd;
                int from = (int) CURSOR.getAndSet(this, end);
                for (int i = from; i < end; i++) {
                    left.add(chunk[i]);
                    chunk[i] = null;
                }
            }
            for (; count > 0; count--) {
                left.add(ring[head]);
                ring[head] = null;
                head = next(head);
            }
            undelivered += left.size();
            wakeAllLocked();
            return left;
        } finally {
            lock.unlock();
        }
    }

    private void handOrphans(List<Object> left) {
        if (left.isEmpty()) {
            return;
        }
        try {
            orphanHandler.accept(left);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "the orphan handler of queue '" + name + "' threw while handling "
                    + left.size() + " undelivered item(s); they are lost", t);
        }
    }

    private void logOrphans(List<Object> left) {
        LOG.log(System.Logger.Level.ERROR, "queue '" + name + "': " + left.size()
                + " accepted item(s) were not delivered before the forced close and are dropped here;"
                + " set QueueBuilder.onOrphans(..) to keep them");
    }

    /** The action of the shutdown coordinator and of the Cleaner: close within {@code budgetNanos}, say what was lost. */
    void closeUnattended(String why, long budgetNanos) {
        if (isTerminated()) {
            return;
        }
        ShutdownReport r = close(budgetNanos);
        if (!r.clean()) {
            StringBuilder msg = new StringBuilder("Weft queue '").append(name).append("' closed ").append(why)
                    .append(": delivered ").append(r.delivered()).append(", undelivered ").append(r.undelivered())
                    .append(" (handed to the orphan handler), in flight ").append(r.inFlight())
                    .append(", elapsed ").append(r.elapsed().toMillis()).append(" ms");
            for (StuckThread t : r.stuck()) {
                msg.append("\nstuck: ").append(t.describe());
            }
            System.err.println(msg);
            LOG.log(System.Logger.Level.WARNING, msg.toString());
        }
    }

    void registration(ShutdownCoordinator.Registration r) {
        registration = r;
        if (isTerminated()) {
            r.close();
        }
    }

    void cleanable(Cleaner.Cleanable c) {
        cleanable = c;
        if (isTerminated()) {
            c.clean();
        }
    }

    void ownerWatcher(Thread watcher) {
        ownerWatcher = watcher;
        if (isTerminated()) {
            watcher.interrupt();
        }
    }

    // ------------------------------------------------------------------ counters

    private long deliveredCount() {
        return (long) DELIVERED.getVolatile(this) + callerDelivered.sum();
    }

    private long inFlightCount() {
        return Math.max(0, (long) HANDED.getVolatile(this) - (long) DELIVERED.getVolatile(this)
                - (long) FAILED.getVolatile(this));
    }

    private long waitingCount() {
        lock.lock();
        try {
            return waitingLocked();
        } finally {
            lock.unlock();
        }
    }

    private long waitingLocked() {
        return count + (chunk == null ? 0 : Math.max(0, chunkEnd - cursor));
    }

    QueueStats stats() {
        lock.lock();
        try {
            return new QueueStats(accepted, deliveredCount(), (long) FAILED.getVolatile(this) + callerFailed.sum(),
                    dropped, refused, undelivered, waitingLocked());
        } finally {
            lock.unlock();
        }
    }

    /** @return the consumer thread now, or {@code null} when none runs (for tests and reports) */
    Thread consumerThread() {
        return consumerThread;
    }

    @Override
    public String toString() {
        return "queue '" + name + "'";
    }

    /** A producer parked for room; {@code woken} is its turn, set under the lock before the unpark. */
    private static final class Waiter {
        final Thread thread;
        volatile boolean woken;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    /** The consumer thread's task; its end, normal or not, is reported back to the core. */
    static final class ConsumerTask extends ManagedTask {
        private final QueueCore<?> core;
        private boolean endedNormally;

        ConsumerTask(QueueCore<?> core) {
            super(core.factory);
            this.core = core;
        }

        @Override
        protected void body() {
            core.consume(this);
            endedNormally = true;
        }

        @Override
        protected void finished() {
            core.consumerEnded(this, endedNormally);
        }
    }
}
