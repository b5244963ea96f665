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
import dev.weft.impl.task.StandaloneTask;
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
 *   <li>The accepted items wait in a lock-free {@link Ring} (many producers, one consumer). An item
 *       leaves it only to the consumer (in order, one claim per item for the item consumer, so a
 *       forced close can take whatever the consumer has not begun), to a producer under
 *       {@link Overflow#DROP_OLDEST} (counted as dropped) or to a forced close (handed to the orphan
 *       handler). So every accepted item is delivered, counted as dropped, or orphaned, exactly
 *       once.</li>
 *   <li>Close is a state, the ring's closed bit: set once, never an element; after it no item is
 *       accepted. {@code forced} implies closed.</li>
 *   <li>No one polls or sleeps. The consumer parks only when no item is ready: the ring is empty,
 *       or its oldest item is accepted but not yet published (its producer's carrier may have been
 *       descheduled between the claim and the store: parking there keeps the consumer from burning
 *       the core that producer needs). Blocker "take on empty queue". Producers under
 *       {@link Overflow#BLOCK} park only when the ring is full, in {@code waiters} (blocker "put on
 *       full queue", whose owner is the consumer thread).</li>
 *   <li>Waking the consumer: it sets {@code consumerParked} and then looks at the oldest slot once
 *       more before it parks; a producer publishes its item (a volatile store of the slot's sequence
 *       number) and then reads {@code consumerParked}. Both pairs are volatile, so one of the two
 *       sees the other: a ready item never waits beside a parked consumer.</li>
 *   <li>Waking producers: a producer registers in {@code waiters} (and raises {@code waiting}) and
 *       then looks for room once more before it parks; whoever makes room (the consumer's claim, a
 *       CAS on the ring's head) then reads {@code waiting}. At most one woken producer is on its way
 *       at a time ({@code wakePending}); it clears the flag and, once it has used its room, wakes the
 *       next one if room and waiters remain, and so does everyone who clears the flag. So a producer
 *       never stays parked beside room, and a fast consumer does not pay for a wake-up per item: the
 *       woken producers relay.</li>
 *   <li>{@code terminated} counts down once: when the consumer has ended after the close (normally
 *       or forced), or when the queue gave up on a consumer that kept dying.</li>
 * </ul>
 *
 * <p>Visibility. The ring publishes items (see {@link Ring}). {@code waiters} is guarded by
 * {@code lock}, a slow path taken only to park or wake a producer; {@code Waiter.woken} is written
 * before the unpark and read after the park. {@code forced}, {@code consumerParked},
 * {@code waiting}, {@code wakePending} and {@code consumerThread} are volatile. What the consumer
 * counts on every item is in a {@link ConsumerTally} of its own, away from the fields producers read
 * on every item.
 */
final class QueueCore<T> {
    static final System.Logger LOG = System.getLogger("dev.weft.queue");
    /** How long a forced close waits for the interrupted consumer before it calls it stuck. */
    static final long FORCE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A consumer that dies this many times in a row without handling an item is given up. */
    private static final int MAX_DEATHS_WITHOUT_PROGRESS = 3;
    /** Bounded: an empty queue costs at most this many yields before the consumer parks. */
    private static final int YIELDS_BEFORE_PARK = 2;

    private static final VarHandle CONSUMER_PARKED;
    private static final VarHandle WAKE_PENDING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CONSUMER_PARKED = l.findVarHandle(QueueCore.class, "consumerParked", boolean.class);
            WAKE_PENDING = l.findVarHandle(QueueCore.class, "wakePending", boolean.class);
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

    private final Ring ring;
    private final ReentrantLock lock = new ReentrantLock();
    /** Producers parked for room, longest-waiting first. Guarded by lock. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** {@code waiters.size()}, written under the lock, read by whoever makes room. */
    private volatile int waiting;
    @SuppressWarnings("unused") // through WAKE_PENDING
    private volatile boolean wakePending;
    @SuppressWarnings("unused") // through CONSUMER_PARKED
    private volatile boolean consumerParked;
    private volatile boolean forced;
    private volatile Thread consumerThread;
    private volatile ConsumerTask consumerTask;
    private final ConsumerTally tally = new ConsumerTally();
    private final LongAdder callerAccepted = new LongAdder();
    private final LongAdder callerDelivered = new LongAdder();
    private final LongAdder callerFailed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder undelivered = new LongAdder();
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
        this.batchSize = Math.min(batchSize, capacity);
        this.orphanHandler = orphanHandler != null ? orphanHandler : this::logOrphans;
        this.factory = factory;
        this.itemHandler = itemHandler;
        this.batchHandler = batchHandler;
        this.ring = new Ring(capacity);
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
        for (;;) {
            int outcome = ring.offer(item);
            if (outcome == Ring.OK) {
                accepted();
                return true;
            }
            if (outcome == Ring.CLOSED_TO_PRODUCERS) {
                refused.increment();
                if (throwClosed) {
                    throw new QueueClosedException("queue '" + name + "' is closed; the item was not accepted");
                }
                return false;
            }
            switch (overflow) {
                case DROP_NEWEST -> {
                    dropped.increment();
                    return false;
                }
                case DROP_OLDEST -> {
                    if (ring.poll() != null) {
                        dropped.increment();
                    } else {
                        Thread.onSpinWait(); // the oldest is being published, or the consumer just took it
                    }
                }
                case FAIL -> {
                    refused.increment();
                    throw new QueueFullException("queue '" + name + "' is full (capacity " + capacity
                            + ", policy FAIL); the item was not accepted");
                }
                case CALLER_RUNS -> {
                    callerAccepted.increment();
                    runInCaller(item);
                    return true;
                }
                case BLOCK -> {
                    if (waitNanos == 0 || !awaitRoom(deadline)) {
                        refused.increment();
                        return false;
                    }
                }
            }
        }
    }

    /** An item went into the ring: wake the consumer if it sleeps, and pass room on to parked producers. */
    private void accepted() {
        if ((boolean) CONSUMER_PARKED.getVolatile(this) && CONSUMER_PARKED.compareAndSet(this, true, false)) {
            LockSupport.unpark(consumerThread);
        }
        wakeAProducerIfRoom();
    }

    /**
     * Parks until room may have come (a turn handed to this waiter), the queue closed, or the
     * deadline passed. The caller then tries again.
     *
     * @param deadline {@link System#nanoTime()} to give up at, or 0 for never
     * @return {@code false} if the deadline passed first
     */
    private boolean awaitRoom(long deadline) throws InterruptedException {
        Waiter w = new Waiter(Thread.currentThread());
        lock.lock();
        try {
            waiters.addLast(w);
            waiting = waiters.size();
        } finally {
            lock.unlock();
        }
        // Registered, now look again: room made before our registration was visible is seen here.
        if (ring.hasRoom() || ring.isClosed()) {
            leave(w);
            return true;
        }
        boolean interrupted = false;
        boolean timedOut = false;
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
        if (interrupted || timedOut) {
            // Handed a turn as we gave up: a timed-out waiter takes it, an interrupted one passes it on.
            boolean woken = leave(w);
            if (interrupted) {
                if (woken) {
                    wakeAProducerIfRoom();
                }
                throw new InterruptedException("interrupted while waiting for room in queue '" + name + "'");
            }
            return woken;
        }
        WAKE_PENDING.setVolatile(this, false);
        return true;
    }

    /**
     * Takes {@code w} out of the waiters. If a waker took it out first, it was handed a turn: the
     * pending wake-up is over.
     *
     * @return whether {@code w} had been woken
     */
    private boolean leave(Waiter w) {
        boolean removed;
        lock.lock();
        try {
            removed = waiters.remove(w);
            waiting = waiters.size();
        } finally {
            lock.unlock();
        }
        if (!removed) {
            WAKE_PENDING.setVolatile(this, false);
        }
        return !removed;
    }

    /**
     * Wakes the longest-waiting producer if there is room and no woken producer is on its way yet.
     * Whoever clears {@code wakePending} calls this afterwards, so room made while the flag was
     * up is never left beside a parked producer.
     */
    private void wakeAProducerIfRoom() {
        while (waiting != 0 && !(boolean) WAKE_PENDING.getVolatile(this) && ring.hasRoom()
                && WAKE_PENDING.compareAndSet(this, false, true)) {
            Waiter w;
            lock.lock();
            try {
                w = waiters.pollFirst();
                waiting = waiters.size();
            } finally {
                lock.unlock();
            }
            if (w != null) {
                w.woken = true;
                LockSupport.unpark(w.thread);
                return;
            }
            WAKE_PENDING.setVolatile(this, false); // nobody to wake after all: look again
        }
    }

    /** After close: every parked producer is woken, to be refused. */
    private void wakeAllProducers() {
        List<Waiter> all;
        lock.lock();
        try {
            all = new ArrayList<>(waiters);
            waiters.clear();
            waiting = 0;
        } finally {
            lock.unlock();
        }
        for (Waiter w : all) {
            w.woken = true;
            LockSupport.unpark(w.thread);
        }
    }

    private void wakeConsumer() {
        CONSUMER_PARKED.setVolatile(this, false);
        LockSupport.unpark(consumerThread);
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
        final Ring ring = this.ring;
        for (;;) {
            if (forced) {
                return;
            }
            Object item = ring.poll();
            if (item == null) {
                if (!awaitItems()) {
                    return;
                }
                continue;
            }
            wakeAProducerIfRoom(); // we made room
            tally.handed(1);
            handleItem(task, (T) item);
        }
    }

    private void handleItem(ConsumerTask task, T item) {
        try {
            itemHandler.accept(item);
            tally.delivered(1);
        } catch (Throwable t) {
            tally.failed(1);
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

    @SuppressWarnings("unchecked")
    private void consumeBatches(ConsumerTask task) {
        final Ring ring = this.ring;
        // Drained into a scratch list, then copied to one of the exact size: a consumer that keeps up
        // takes small batches, and each batch is the handler's to keep.
        final ArrayList<Object> scratch = new ArrayList<>(batchSize);
        for (;;) {
            if (forced) {
                return;
            }
            int n = ring.drainTo(scratch, batchSize);
            ArrayList<Object> batch = new ArrayList<>(scratch);
            scratch.clear();
            if (n == 0) {
                if (!awaitItems()) {
                    return;
                }
                continue;
            }
            wakeAProducerIfRoom(); // we made room
            tally.handed(n);
            try {
                batchHandler.accept((List<T>) (List<?>) batch);
                tally.delivered(n);
            } catch (Throwable t) {
                tally.failed(n);
                handlerFailed(task, t);
            }
        }
    }

    /**
     * Waits (parked) while the queue is open and empty; a stray interrupt is cleared so it cannot
     * turn the park into a spin.
     *
     * @return {@code true} when items wait; {@code false} when the consumer should end: closed and
     *         empty, or forced
     */
    private boolean awaitItems() {
        final Ring ring = this.ring;
        for (int yields = 0; ; yields++) {
            if (forced) {
                return false;
            }
            if (ring.headPublished()) {
                return true;
            }
            if (ring.isClosedAndEmpty()) {
                return false;
            }
            if (yields < YIELDS_BEFORE_PARK) {
                // Let producers that share our carrier run once before paying for a park and an unpark.
                Thread.yield();
                continue;
            }
            CONSUMER_PARKED.setVolatile(this, true);
            // Announced, now look again: an item published before its producer could see the flag is seen here.
            if (!ring.headPublished() && !ring.isClosedAndEmpty() && !forced) {
                LockSupport.park(emptyWait);
                Thread.interrupted();
            }
            CONSUMER_PARKED.setVolatile(this, false);
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
        long handedNow = tally.handed();
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
        return ring.isClosed();
    }

    boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** Stops intake without waiting: refuses new items, wakes blocked producers (who are refused) and an idle consumer. */
    void stopIntake() {
        if (ring.close()) {
            wakeAllProducers();
            wakeConsumer();
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
        forced = true;
        ring.close();
        List<Object> left = new ArrayList<>();
        ring.takeAll(left);
        undelivered.add(left.size());
        wakeAllProducers();
        wakeConsumer();
        return left;
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
        return tally.delivered() + callerDelivered.sum();
    }

    private long inFlightCount() {
        return Math.max(0, tally.handed() - tally.delivered()
                - tally.failed());
    }

    private long waitingCount() {
        return ring.size();
    }

    QueueStats stats() {
        return new QueueStats(ring.accepted() + callerAccepted.sum(), deliveredCount(),
                tally.failed() + callerFailed.sum(), dropped.sum(), refused.sum(), undelivered.sum(),
                waitingCount());
    }

    /** @return the consumer thread now, or {@code null} when none runs (for tests and reports) */
    Thread consumerThread() {
        return consumerThread;
    }

    @Override
    public String toString() {
        return "queue '" + name + "'";
    }

    /** A producer parked for room; {@code woken} is its turn, set by its waker before the unpark. */
    private static final class Waiter {
        final Thread thread;
        volatile boolean woken;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    /** The consumer thread's task; its end, normal or not, is reported back to the core. */
    static final class ConsumerTask extends StandaloneTask {
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
