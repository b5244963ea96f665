package dev.weft.impl.executor;

import dev.weft.ExecutorStats;
import dev.weft.Failure;
import dev.weft.ManagedExecutor;
import dev.weft.ShutdownCoordinator;
import dev.weft.ShutdownPhase;
import dev.weft.ShutdownReport;
import dev.weft.StuckThread;
import dev.weft.impl.shutdown.ShutdownCoordinatorImpl;
import dev.weft.impl.shutdown.StuckThreads;
import dev.weft.impl.task.ManagedTask;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.impl.task.TaskGroup;
import dev.weft.impl.task.ThreadRegistry;
import dev.weft.impl.task.WaitPoint;
import dev.weft.spi.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Weft's {@link java.util.concurrent.ExecutorService}: one virtual thread per task, started through
 * a {@link TaskFactoryImpl}; an optional concurrency limit with a FIFO queue (or rejection); a
 * bounded {@link #close(Duration)} that reports what outlived it; registration with the JVM-wide
 * shutdown coordinator so a forgotten executor is drained at exit.
 *
 * <pre>{@code
 * ManagedExecutor ex = Weft.executor("orders").maxConcurrency(200).build();
 * Future<Receipt> f = ex.submit(() -> pay(order));
 * ShutdownReport r = ex.close(Duration.ofSeconds(5));
 * }</pre>
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>{@code state} only grows: RUNNING → SHUTDOWN → TERMINATED. TERMINATED is reached exactly once,
 *     by CAS in {@link #tryTerminate()}, when the state is SHUTDOWN and {@code live} is zero.</li>
 * <li>{@code live = accepted - settled} counts every accepted task that has neither finished nor
 *     been handed back: the running ones and, with a limit, the queued ones. Each accepted task is
 *     settled exactly once: in {@link #taskFinished}, when {@code shutdownNow}/a forced close takes
 *     it out of the queue, or when it is taken back from its submitter. So every accepted task
 *     either runs to an end or is handed back (returned by {@code shutdownNow}; cancelled or
 *     reported by a forced close; rejected to its submitter), never both, never neither. The two
 *     counts are apart ({@link PaddedCounter}) so that submitting and finishing do not contend.
 *     {@code submitted} and {@code completed} in {@link #stats()} are derived from them.</li>
 * <li>The executor keeps its tasks on a {@link TaskStack} ({@code tasks}, on cache lines of its
 *     own), pushed before each thread starts and pruned of ended tasks now and then (amortised
 *     O(1)). The executor's own fields are not written per task, so the tasks that read them do not
 *     contend with submitters. It is registered with the {@link ThreadRegistry} as a
 *     {@link dev.weft.impl.task.TaskGroup} until it terminates, so its tasks take no registry entry of
 *     their own, and {@code shutdownNow}, a forced close and the stuck-thread report visit only this
 *     executor's tasks. A task costs one CAS on the submitting side and two counter updates, one on
 *     each side.</li>
 * <li>With a limit: {@code active} (started, not finished) never exceeds {@code limit}; a task waits
 *     in {@code waiting} only while {@code active == limit}; a finishing task hands its permit
 *     straight to the head of {@code waiting}, so order is FIFO and no permit is lost.
 *     {@code waiting}, {@code active} and the RUNNING → SHUTDOWN transition are guarded by
 *     {@code lock}, so a task is never queued after the queue was drained.</li>
 * </ul>
 *
 * <h2>Memory visibility</h2>
 * <ul>
 * <li>Without a limit, acceptance races shutdown as in the JDK's thread-per-task executor: the
 *     submitter increments {@code accepted} (an atomic read-modify-write) and then reads
 *     {@code state}; shutdown writes {@code state} and then reads {@code settled} and {@code accepted}.
 *     By sequential consistency of
 *     volatile accesses, either the submitter sees SHUTDOWN (and takes its task back, rejecting it)
 *     or {@link #tryTerminate()} sees the task counted, so termination never overtakes an accepted
 *     task.</li>
 * <li>An interrupt is never missed: the submitter pushes the task (a CAS), starts its thread and
 *     then reads the volatile {@code interrupting}, interrupting the thread if set; {@code shutdownNow}
 *     writes {@code interrupting} and then walks {@code tasks}, interrupting every task that has not
 *     ended, started or not (a thread interrupted before it starts keeps the interrupt). By sequential
 *     consistency one of them sees the other. {@link ExecTask#registered()} checks the flag once more
 *     on the task's own thread.</li>
 * <li>Termination waiters add themselves to a concurrent queue and then read {@code state};
 *     termination writes {@code state} and then unparks every queued waiter: no lost wake-up.</li>
 * <li>Counters are exact once quiet, and {@link #stats()} is a snapshot
 *     whose fields are read one after another, not atomically together.</li>
 * </ul>
 */
public final class ManagedExecutorImpl extends AbstractExecutorService implements ManagedExecutor, TaskGroup {
    private static final System.Logger LOG = System.getLogger("dev.weft.executor");
    private static final int RUNNING = 0, SHUTDOWN = 1, TERMINATED = 2;
    /** How long a forced close waits for interrupted tasks to end before it names them stuck. */
    static final Duration FORCE_BOUND = Duration.ofMillis(500);
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ManagedExecutorImpl.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final TaskFactoryImpl factory;
    private final int limit;
    private final boolean rejectWhenBusy;
    private final Duration grace;

    private volatile int state;
    private volatile boolean interrupting;
    /** Every task whose thread was created, less those pruned after they ended; on lines of its own. */
    private final TaskStack tasks = new TaskStack();
    /** Tasks accepted so far; written by submitters. {@code live = accepted - settled}: see the invariants. */
    private final PaddedCounter accepted = new PaddedCounter();
    /** Accepted tasks that have finished or were handed back; written mostly by finishing tasks. */
    private final PaddedCounter settled = new PaddedCounter();
    private final ConcurrentLinkedQueue<Thread> terminationWaiters = new ConcurrentLinkedQueue<>();
    private final Termination termination = new Termination();
    private volatile ShutdownCoordinator.Registration registration;
    /** This executor's entry in the {@link ThreadRegistry}; written once before the executor is handed out. */
    private volatile ThreadRegistry.Group inRegistry;

    /** Guards {@code waiting}, {@code active} and, with a limit, RUNNING → SHUTDOWN; null without a limit. */
    private final ReentrantLock lock;
    private final ArrayDeque<ExecTask> waiting;
    private int active;

    private final LongAdder queued = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    /** Settled tasks that never ran: undone by a racing shutdown, never started, drained or abandoned. */
    private final LongAdder settledUnrun = new LongAdder();
    /** Accepted tasks taken back from their submitter (a racing shutdown, a thread that could not start). */
    private final LongAdder takenBack = new LongAdder();

    private ManagedExecutorImpl(String name, TaskFactoryImpl factory, int limit, boolean rejectWhenBusy, Duration grace) {
        this.name = name;
        this.factory = factory;
        this.limit = limit;
        this.rejectWhenBusy = rejectWhenBusy;
        this.grace = grace;
        this.lock = limit > 0 ? new ReentrantLock() : null;
        this.waiting = limit > 0 && !rejectWhenBusy ? new ArrayDeque<>() : null;
    }

    /**
     * @param limit 0 for no limit
     * @return a running executor, registered with the shutdown coordinator unless the JVM is already
     *         shutting down (an executor built by a shutdown action belongs to that action)
     */
    static ManagedExecutorImpl start(String name, TaskFactoryImpl factory, int limit, boolean rejectWhenBusy, Duration grace) {
        ManagedExecutorImpl ex = new ManagedExecutorImpl(name, factory, limit, rejectWhenBusy, grace);
        ex.inRegistry = ThreadRegistry.instance().addGroup(ex);
        ShutdownCoordinatorImpl coordinator = ShutdownCoordinatorImpl.instance();
        if (!coordinator.isShuttingDown()) {
            ex.registration = coordinator.register(ShutdownPhase.DRAIN, name, ex::drainAtExit);
        }
        return ex;
    }

    // ---------------------------------------------------------------- intake

    @Override
    public void execute(Runnable command) {
        Checks.notNull("command", command);
        if (command instanceof ExecFuture<?> f && f.admitTo(this)) {
            accept(new ExecTask(this, f, f));
        } else {
            accept(new ExecTask(this, command, null));
        }
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new ExecFuture<>(this, callable);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new ExecFuture<>(this, runnable, value);
    }

    /** Starts {@code task}, queues it, or throws {@link RejectedExecutionException}. */
    private void accept(ExecTask task) {
        if (state != RUNNING) {
            throw reject("is shut down");
        }
        if (lock == null) {
            accepted.increment();
            if (state != RUNNING) { // shutdown raced us: see the class comment
                takenBack.increment();
                settle(null, true);
                throw reject("is shut down");
            }
            startOrTakeBack(task);
            return;
        }
        lock.lock();
        try {
            if (state != RUNNING) {
                throw reject("is shut down");
            }
            if (active == limit) {
                if (rejectWhenBusy) {
                    throw reject("is busy: " + limit + " tasks running (maxConcurrency " + limit + ")");
                }
                accepted.increment();
                waiting.addLast(task);
                queued.increment();
                return;
            }
            active++;
            accepted.increment();
        } finally {
            lock.unlock();
        }
        startOrTakeBack(task);
    }

    private RejectedExecutionException reject(String why) {
        rejected.increment();
        return new RejectedExecutionException("executor '" + name + "' " + why);
    }

    /** Starts the thread of a task its submitter handed us; if it cannot start, the submitter gets it back. */
    private void startOrTakeBack(ExecTask task) {
        try {
            startThread(task);
        } catch (RuntimeException | Error e) {
            takenBack.increment();
            rejected.increment();
            settle(passPermit(), true);
            throw new RejectedExecutionException("executor '" + name + "' could not start a thread", e);
        }
    }

    /** Starts the thread of an admitted task; throws what starting a thread threw. */
    private void startThread(ExecTask task) {
        Thread t = factory.newThread(task);
        task.startingOn(t);
        tasks.push(task);
        try {
            t.start();
        } catch (RuntimeException | Error e) {
            task.markEnded();
            throw e;
        }
        if (interrupting) { // shutdownNow may have scanned before we published the thread
            t.interrupt();
        }
        tasks.pushed(accepted.get(), this);
    }

    // ---------------------------------------------------------------- completion

    /**
     * Called once per started task, last thing on its thread. The permit is passed on before the
     * task is settled, so whoever sees the running count drop may rely on the permit being free.
     */
    void taskFinished(ExecTask task) {
        settle(passPermit(), false);
    }

    /** @return the queued task that inherits the finishing task's permit, or null (the permit is returned) */
    private ExecTask passPermit() {
        if (lock == null) {
            return null;
        }
        lock.lock();
        try {
            ExecTask next = waiting != null ? waiting.pollFirst() : null;
            if (next == null) {
                active--;
            } else {
                queued.decrement();
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Settles one accepted task (it finished, or {@code unrun}: it never will run): starts the heir of
     * its permit (if any), then counts it settled, then checks for termination.
     */
    private void settle(ExecTask heir, boolean unrun) {
        if (heir != null) {
            startQueued(heir);
        }
        if (unrun) {
            settledUnrun.increment(); // first, so that completed = settled - settledUnrun never overshoots
        }
        settled.increment();
        if (state != RUNNING) {
            tryTerminate();
        }
    }

    /** Starts a task taken from the queue; one whose thread cannot start is settled and handed back, never lost. */
    private void startQueued(ExecTask next) {
        try {
            startThread(next);
        } catch (RuntimeException | Error e) {
            settle(passPermit(), true);
            handBack(next, new RejectedExecutionException("executor '" + name + "' could not start a thread", e));
        }
    }

    void countFailure() {
        failed.increment();
    }

    boolean interrupting() {
        return interrupting;
    }

    /** @return the stack of this executor's tasks (for tests of its bound) */
    TaskStack taskStack() {
        return tasks;
    }

    TaskFactoryImpl factory() {
        return factory;
    }

    private void tryTerminate() {
        if (state == SHUTDOWN && live() == 0 && STATE.compareAndSet(this, SHUTDOWN, TERMINATED)) {
            ThreadRegistry.instance().removeGroup(inRegistry);
            for (Thread waiter : terminationWaiters) {
                LockSupport.unpark(waiter);
            }
            unregister();
        }
    }

    private void unregister() {
        ShutdownCoordinator.Registration r = registration;
        if (r != null) {
            registration = null;
            r.close();
        }
    }

    // ---------------------------------------------------------------- shutdown

    @Override
    public void shutdown() {
        beginShutdown();
        tryTerminate();
    }

    private void beginShutdown() {
        if (state != RUNNING) {
            return;
        }
        if (lock == null) {
            STATE.compareAndSet(this, RUNNING, SHUTDOWN);
            return;
        }
        lock.lock();
        try {
            STATE.compareAndSet(this, RUNNING, SHUTDOWN);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops intake, takes every queued task out (they are returned: the futures of submitted tasks,
     * the runnables of executed ones, in queue order) and interrupts every running task.
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<ExecTask> drained = stopAndDrain();
        List<Runnable> handed = new ArrayList<>(drained.size());
        for (ExecTask t : drained) {
            handed.add(t.handedBack());
        }
        tryTerminate();
        return handed;
    }

    /** Shutdown, interrupt, and take the queue out; the caller owns what it returns. */
    private List<ExecTask> stopAndDrain() {
        List<ExecTask> drained = new ArrayList<>();
        if (lock == null) {
            STATE.compareAndSet(this, RUNNING, SHUTDOWN);
            interrupting = true;
        } else {
            lock.lock();
            try {
                STATE.compareAndSet(this, RUNNING, SHUTDOWN);
                interrupting = true;
                if (waiting != null) {
                    for (ExecTask t; (t = waiting.pollFirst()) != null; ) {
                        drained.add(t);
                        queued.decrement();
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        if (!drained.isEmpty()) {
            settledUnrun.add(drained.size());
            settled.add(drained.size());
        }
        // Every task on the stack that has not ended, started or not: one whose thread has not started
        // yet keeps the interrupt and runs its body with it set, as ExecTask#registered would set it.
        Thread me = Thread.currentThread();
        for (ExecTask t = tasks.top(); t != null; t = t.nextTask) {
            Thread th = t.thread();
            if (!t.ended() && th != null && th != me) {
                th.interrupt();
            }
        }
        return drained;
    }

    /** A forced close: like {@link #shutdownNow()}, but nobody receives the queued tasks, so each is settled here. */
    private int force() {
        List<ExecTask> drained = stopAndDrain();
        RejectedExecutionException why = new RejectedExecutionException(
                "executor '" + name + "' was closed before this task started");
        for (ExecTask t : drained) {
            handBack(t, why); // stopAndDrain settled them
        }
        tryTerminate();
        return drained.size();
    }

    /**
     * Hands back a settled task that will never run to whoever waits for it: a submitted one is
     * cancelled (its waiters are released with {@link CancellationException}); an executed one is
     * reported to the failure handler.
     */
    private void handBack(ExecTask task, RejectedExecutionException why) {
        Future<?> f = task.future();
        if (f != null) {
            f.cancel(false);
        } else {
            factory.report(new Failure(name + " (never started: " + task.handedBack() + ")", Thread.currentThread(), why, null));
        }
    }

    @Override
    public boolean isShutdown() {
        return state != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return state == TERMINATED;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        if (state == TERMINATED) {
            return true;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return awaitUntil(System.nanoTime() + Math.max(0, nanos), nanos <= 0);
    }

    /** Parks until terminated or {@code deadline} (a {@link System#nanoTime()} value); interruptible. */
    private boolean awaitUntil(long deadline, boolean expired) throws InterruptedException {
        if (state == TERMINATED) {
            return true;
        }
        if (expired) {
            return false;
        }
        Thread me = Thread.currentThread();
        terminationWaiters.add(me);
        try {
            while (state != TERMINATED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(termination, left);
                if (Thread.interrupted()) {
                    if (state == TERMINATED) {
                        me.interrupt();
                        return true;
                    }
                    throw new InterruptedException();
                }
            }
            return true;
        } finally {
            terminationWaiters.remove(me);
        }
    }

    /** Parks until terminated, however long; interruptible. */
    private void awaitForever() throws InterruptedException {
        while (!awaitUntil(System.nanoTime() + TimeUnit.DAYS.toNanos(1), false)) {
            // a day passed: keep waiting, as ExecutorService.close() specifies
        }
    }

    /**
     * As {@link java.util.concurrent.ExecutorService#close()} specifies, with {@code shutdownGrace} on
     * top: stop intake, wait for every task; once the grace has passed, or if interrupted while
     * waiting, force (interrupt the running tasks, settle the queued ones) and keep waiting until every
     * task has ended. An interrupt is re-asserted before returning.
     */
    @Override
    public void close() {
        if (isTerminated()) {
            return;
        }
        shutdown();
        boolean interrupted = false;
        boolean forced = false;
        long graceDeadline = System.nanoTime() + grace.toNanos();
        while (!isTerminated()) {
            try {
                if (forced) {
                    awaitForever();
                } else if (!awaitUntil(graceDeadline, false)) {
                    force();
                    forced = true;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                if (!forced) {
                    force();
                    forced = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops intake, waits for running and queued tasks until {@code timeout}, then forces (interrupts
     * running tasks, cancels or reports queued ones), waits at most {@link #FORCE_BOUND} more, and
     * reports. An interrupt of the caller ends the waiting at once (the deadline is now) and is
     * re-asserted before returning.
     *
     * @param timeout zero forces at once
     */
    @Override
    public ShutdownReport close(Duration timeout) {
        Checks.nonNegative("timeout", timeout);
        long start = System.nanoTime();
        long completedBefore = completed();
        shutdown();
        boolean interrupted = false;
        boolean terminated;
        try {
            terminated = awaitUntil(start + timeout.toNanos(), timeout.isZero());
        } catch (InterruptedException e) {
            interrupted = true;
            terminated = isTerminated();
        }
        long undelivered = 0;
        List<StuckThread> stuck = List.of();
        long inFlight = 0;
        if (!terminated) {
            undelivered = force();
            long bound = System.nanoTime() + FORCE_BOUND.toNanos();
            for (;;) {
                try {
                    terminated = awaitUntil(bound, false);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (!terminated) {
                stuck = StuckThreads.alive(liveThreads());
                inFlight = stuck.size();
            }
        }
        unregister();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new ShutdownReport(name, completed() - completedBefore, undelivered, inFlight,
                Duration.ofNanos(System.nanoTime() - start), stuck);
    }

    /** The coordinator's action at JVM exit: drain a forgotten executor within its grace. */
    private void drainAtExit() {
        ShutdownReport r = close(grace);
        if (!r.clean()) {
            StringBuilder msg = new StringBuilder("executor '").append(name).append("' did not drain at JVM exit: ")
                    .append(r.undelivered()).append(" task(s) never started, ").append(r.inFlight()).append(" still running");
            for (StuckThread t : r.stuck()) {
                msg.append('\n').append(t.describe());
            }
            LOG.log(System.Logger.Level.WARNING, msg.toString());
        }
    }

    /** @return the threads of this executor's running tasks now (weakly consistent) */
    private List<Thread> liveThreads() {
        List<Thread> threads = new ArrayList<>();
        forEachLive(t -> threads.add(t.thread()));
        return threads;
    }

    @Override
    public void forEachLive(Consumer<? super ManagedTask> visitor) {
        for (ExecTask t = tasks.top(); t != null; t = t.nextTask) {
            if (t.isLive()) {
                visitor.accept(t);
            }
        }
    }

    @Override
    public boolean abandoned() {
        return state == TERMINATED;
    }

    // ---------------------------------------------------------------- invokeAny

    /**
     * Starts every task at once (as the JDK's thread-per-task executor does), returns the first
     * successful result and cancels the rest; {@link ExecutionException} when all failed.
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, false, 0);
        } catch (TimeoutException e) {
            throw new AssertionError("no timeout was given", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        return invokeAny(tasks, true, unit.toNanos(timeout));
    }

    private <T> T invokeAny(Collection<? extends Callable<T>> tasks, boolean timed, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        int size = tasks.size();
        if (size == 0) {
            throw new IllegalArgumentException("tasks must not be empty");
        }
        long deadline = System.nanoTime() + nanos;
        AnyResult<T> any = new AnyResult<>(size);
        List<AnyFuture<T>> futures = new ArrayList<>(size);
        try {
            for (Callable<T> task : tasks) {
                AnyFuture<T> f = new AnyFuture<>(this, Objects.requireNonNull(task, "task"), any);
                futures.add(f);
                execute(f);
            }
            return any.await(timed, deadline);
        } finally {
            for (AnyFuture<T> f : futures) {
                f.cancel(true);
            }
        }
    }

    /**
     * What {@code invokeAny} waits for: the first success, or every task done.
     *
     * <p>Invariant: a task writes {@code winner} (on success) or {@code firstFailure} before it
     * increments {@code done}. So the waiter reads {@code done} first and {@code winner} after: if
     * it saw every task done, it sees every winner there will be, and reports failure only when
     * there is none. (The other order lost a success that landed between the two reads.)
     */
    private final class AnyResult<T> implements WaitPoint {
        private final int size;
        private final Thread waiter = Thread.currentThread();
        private final ConcurrentLinkedQueue<AnyFuture<T>> started = new ConcurrentLinkedQueue<>();
        private final AtomicInteger done = new AtomicInteger();
        private volatile AnyFuture<T> winner;
        private volatile Throwable firstFailure;

        AnyResult(int size) {
            this.size = size;
        }

        void onDone(AnyFuture<T> f) {
            if (f.state() == Future.State.SUCCESS) {
                if (winner == null) {
                    winner = f;
                }
            } else if (firstFailure == null) {
                firstFailure = f.state() == Future.State.FAILED ? f.exceptionNow() : new CancellationException();
            }
            done.incrementAndGet();
            LockSupport.unpark(waiter);
        }

        T await(boolean timed, long deadline) throws InterruptedException, ExecutionException, TimeoutException {
            for (;;) {
                boolean allDone = done.get() == size; // before winner: see the class comment
                AnyFuture<T> w = winner;
                if (w != null) {
                    return w.resultNow();
                }
                if (allDone) {
                    throw new ExecutionException(firstFailure);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (timed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException("invokeAny of executor '" + name + "' timed out");
                    }
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                }
            }
        }

        @Override
        public String describe() {
            return "first result of invokeAny on executor '" + name + "'";
        }

        @Override
        public List<Thread> owners() {
            return liveThreads();
        }
    }

    private static final class AnyFuture<T> extends ExecFuture<T> {
        private final ManagedExecutorImpl.AnyResult<T> any;

        AnyFuture(ManagedExecutorImpl owner, Callable<T> work, ManagedExecutorImpl.AnyResult<T> any) {
            super(owner, work);
            this.any = any;
        }

        @Override
        protected void done() {
            super.done();
            any.onDone(this);
        }
    }

    // ---------------------------------------------------------------- observing

    @Override
    public ExecutorStats stats() {
        long q = queued.sum();
        long submitted = accepted.get() - takenBack.sum();
        return new ExecutorStats(Math.max(0, submitted), Math.max(0, live() - q), q, completed(), failed.sum(), rejected.sum());
    }

    /**
     * @return accepted tasks that are running or queued. {@code settled} is read first: it never
     *         exceeds {@code accepted}, so a zero means every task accepted by then had settled.
     */
    int live() {
        int s = settled.get();
        return accepted.get() - s;
    }

    /** @return tasks that ran to an end (exact once quiet) */
    private long completed() {
        return Math.max(0, settled.get() - settledUnrun.sum());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case RUNNING -> "running";
            case SHUTDOWN -> "shutting down";
            default -> "terminated";
        };
        return "ManagedExecutor[" + name + ", " + s + ", " + stats() + "]";
    }

    /** The blocker of threads waiting for termination: they wait for every live task's thread. */
    private final class Termination implements WaitPoint {
        @Override
        public String describe() {
            return "termination of executor '" + name + "'";
        }

        @Override
        public List<Thread> owners() {
            return liveThreads();
        }
    }
}
