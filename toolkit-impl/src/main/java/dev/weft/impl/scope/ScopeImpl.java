package dev.weft.impl.scope;

import dev.weft.DeadlockException;
import dev.weft.DeadlockReport;
import dev.weft.Scope;
import dev.weft.ScopeFailedException;
import dev.weft.ScopeTimeoutException;
import dev.weft.Subtask;
import dev.weft.impl.deadlock.ScopeDeadlocks;
import dev.weft.impl.task.CoarseClock;
import dev.weft.impl.task.ManagedTask;
import dev.weft.impl.task.TaskGroup;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.impl.task.ThreadRegistry;
import dev.weft.impl.task.WaitPoint;
import dev.weft.impl.task.WeftTimer;
import dev.weft.spi.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A structured scope over virtual threads.
 *
 * <p>Invariants:
 * <ul>
 * <li>No counter is shared by the subtasks: a finishing subtask writes only its own
 *     {@link SubtaskImpl#ended} flag. Counting on every finish would make the subtasks of a fan-out,
 *     finishing on every core at once, take one cache line from each other ten thousand times.
 *     Whoever needs to know what is still active walks {@code forked}. Forks happen only in
 *     {@code fork}, which runs on the owner before {@code join} or on a subtask that has not ended;
 *     a subtask's fork is pushed before it ends, so a walk that saw every subtask it started from
 *     ended, and then finds the head unchanged, has seen every subtask there will be.</li>
 * <li>{@code reason} leaves {@code NONE} at most once (CAS); every path that cancels goes through
 *     {@link #cancel(int)}, which first publishes the reason and only then interrupts the running
 *     subtasks and cancels child scopes. A subtask reads the reason before its body starts, so a
 *     subtask either sees the cancellation and never runs its body, or was already on {@code forked}
 *     when the canceller iterated it and is interrupted: none escapes.</li>
 * <li>Join and close walk {@code forked} and park the owner on each subtask that has not ended:
 *     the owner writes the subtask's {@code joiner} and then reads its {@code ended}; the finisher
 *     writes {@code ended} and then reads {@code joiner}, and unparks it if set. Both volatile, so
 *     one side sees the other (Dekker) and no wake-up is lost. {@code waiter} is set meanwhile so
 *     that a deadline, a cancellation or the deadlock watchdog can wake the owner too. A platform
 *     thread in a scope without a deadline joins the subtasks' threads instead, oldest first, and
 *     parks on a flag only for a thread not yet started (see {@link #awaitThreadsOldestFirst}); a
 *     thread terminates only after its subtask has ended, and a watched join wakes on the
 *     watchdog's period to read the verdict.</li>
 * <li>Only the owner changes {@code phase}; other threads only read it.</li>
 * <li>A join that saw every subtask end joins their threads too and sets {@code threadsJoined}
 *     (owner only): from then on no subtask runs and none can be forked (the subtasks have ended,
 *     the owner is refused once joined), so close has nothing of its own left to wait for.</li>
 * <li>From open to close every subtask is reachable by the {@link ThreadRegistry}: an outermost
 *     scope is registered as a {@link TaskGroup} for that time, and a nested one is a child of its
 *     parent for that time; subtasks are on {@code forked} from before they start until close, which
 *     comes after they end. So subtasks take no registry entry of their own.</li>
 * </ul>
 */
public final class ScopeImpl extends ScopeForkPadding implements Scope, WaitPoint, TaskGroup {
    static final int NONE = 0, CANCELLED = 1, FAILED = 2, TIMEOUT = 3, PARENT = 4, SATISFIED = 5;
    private static final int OPEN = 0, JOINED = 1, CLOSED = 2;
    private static final int MAX_SUPPRESSED = 64;
    /** A watched join's longest wait, in the unit of {@link Thread#join(long)}; see {@link #joinThread}. */
    private static final long WATCH_PERIOD_MILLIS = JoinWatchdog.PERIOD_NANOS / 1_000_000L;
    /** Pushes between two looks at whether the forked stack is worth pruning; see {@link #push}. */
    static final int PRUNE_EVERY = 1024;
    /** The least time between two prunes; see {@link #pruneEnded}. */
    static final long PRUNE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final VarHandle REASON, FIRST_FAILURE, WINNER, FORKED, NEXT_FORKED, ONLY_CHILD, CHILDREN, LATER_FAILURES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REASON = l.findVarHandle(ScopeImpl.class, "reason", int.class);
            FIRST_FAILURE = l.findVarHandle(ScopeImpl.class, "firstFailure", SubtaskImpl.class);
            WINNER = l.findVarHandle(ScopeImpl.class, "winner", SubtaskImpl.class);
            FORKED = l.findVarHandle(ScopeForkFields.class, "forked", SubtaskImpl.class);
            NEXT_FORKED = l.findVarHandle(SubtaskImpl.class, "nextForked", SubtaskImpl.class);
            ONLY_CHILD = l.findVarHandle(ScopeImpl.class, "onlyChild", ScopeImpl.class);
            CHILDREN = l.findVarHandle(ScopeImpl.class, "children", Set.class);
            LATER_FAILURES = l.findVarHandle(ScopeImpl.class, "laterFailures", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The innermost open scope of each thread that is not a Weft task, for nesting order and parent
     * lookup. A Weft task keeps its own in {@link ManagedTask#innermostScope()}: a subtask that opens
     * a scope then costs no thread-local map.
     */
    private static final ThreadLocal<ScopeImpl> INNERMOST = new ThreadLocal<>();

    private final String name;
    private final Thread owner;
    private final ScopeImpl parent;
    private final ScopeImpl enclosingInThread;
    /** The Weft task the owner runs, or {@code null}: where the owner's innermost scope is kept. */
    private final ManagedTask ownerTask;
    private final TaskFactoryImpl factory;
    private final boolean failFast;
    private final boolean firstSuccessWins;
    private final long deadlineNanos;
    private final Duration timeout;
    private final ConcurrencyLimit limit;
    private final boolean detectDeadlocks;

    /**
     * Scopes opened inside this one and not yet closed: the first in {@code onlyChild} (most scopes
     * have at most one at a time, and it costs no set), the others in {@code children}, created on
     * first use.
     */
    private volatile ScopeImpl onlyChild;
    private volatile Set<ScopeImpl> children;
    /** Failures after the first; created on first use. */
    private volatile ConcurrentLinkedQueue<SubtaskImpl<?>> laterFailures;
    private volatile int reason;
    private volatile SubtaskImpl<?> firstFailure;
    private volatile SubtaskImpl<?> winner;
    private volatile Thread waiter;
    private volatile int phase;
    /** Set while the waiter of {@link #awaitSubtasks} is in {@link #awaitThreadsOldestFirst}; read by the deadlock check. */
    private volatile boolean ownerAwaitsThread;
    /** Set by a join that saw every subtask end and joined every subtask thread; owner only. */
    private boolean threadsJoined;
    private volatile List<String> timedOut = List.of();
    /** The {@link JoinWatchdog}'s own notes on this scope; read and written by the watchdog thread only. */
    Watch watch;
    /**
     * When the owner's current watched join began ({@link CoarseClock}), never 0; 0 when the owner
     * is not in a watched join. Larger for each join than for the one before, so the watchdog tells
     * joins apart by it. Written by the owner, read by the {@link JoinWatchdog}.
     */
    volatile long joinSince;
    /** The {@link #joinSince} of the owner's last watched join, or when the scope opened; owner only. */
    long lastJoinSince;
    /** Set by the join watchdog when this scope is confirmed all asleep; read by the owner in join. */
    private volatile DeadlockReport deadlock;
    private final ScheduledFuture<?> timer;
    /** An outermost scope's entry in the {@link ThreadRegistry}, from open to close; owner only. */
    private ThreadRegistry.Group registration;

    private ScopeImpl(String name, TaskFactoryImpl factory, boolean failFast, boolean firstSuccessWins,
                      Duration ownTimeout, int maxConcurrency, boolean detectDeadlocks, ManagedTask ownerTask) {
        this.name = name;
        this.owner = Thread.currentThread();
        this.factory = factory;
        this.failFast = failFast;
        this.firstSuccessWins = firstSuccessWins;
        this.detectDeadlocks = detectDeadlocks;
        this.limit = maxConcurrency > 0 ? new ConcurrencyLimit(this, maxConcurrency) : null;
        this.ownerTask = ownerTask;
        this.enclosingInThread = innermost(ownerTask);
        this.parent = enclosingInThread != null ? enclosingInThread
                : ownerTask != null && ownerTask.scope() instanceof ScopeImpl s ? s : null;

        this.lastPruneNanos = this.lastJoinSince = CoarseClock.now();
        long deadline = 0, now = 0;
        if (ownTimeout != null || (parent != null && parent.deadlineNanos != 0)) {
            now = System.nanoTime(); // a deadline needs the real clock; a scope without one reads none
            deadline = ownTimeout == null ? 0 : now + ownTimeout.toNanos();
            if (parent != null && parent.deadlineNanos != 0 && (deadline == 0 || parent.deadlineNanos - deadline < 0)) {
                deadline = parent.deadlineNanos;
            }
        }
        this.deadlineNanos = deadline;
        this.timeout = deadline == 0 ? null : Duration.ofMillis(Math.max(0, (deadline - now) / 1_000_000));
        this.timer = deadline == 0 ? null : WeftTimer.at(deadline, this::deadlinePassed);
    }

    static ScopeImpl open(String name, TaskFactoryImpl factory, boolean failFast, boolean firstSuccessWins,
                          Duration ownTimeout, int maxConcurrency, boolean detectDeadlocks) {
        ScopeImpl scope = new ScopeImpl(name, factory, failFast, firstSuccessWins, ownTimeout, maxConcurrency,
                detectDeadlocks, ThreadRegistry.instance().current());
        if (scope.parent != null) {
            scope.parent.addChild(scope);
            if (scope.parent.isCancelled()) {
                scope.cancel(PARENT);
            }
        } else {
            scope.registration = ThreadRegistry.instance().addGroup(scope);
        }
        setInnermost(scope.ownerTask, scope);
        return scope;
    }

    private static ScopeImpl innermost(ManagedTask ownerTask) {
        return ownerTask != null ? (ScopeImpl) ownerTask.innermostScope() : INNERMOST.get();
    }

    private static void setInnermost(ManagedTask ownerTask, ScopeImpl scope) {
        if (ownerTask != null) {
            ownerTask.innermostScope(scope);
        } else if (scope == null) {
            INNERMOST.remove();
        } else {
            INNERMOST.set(scope);
        }
    }

    // ---- fork ----

    @Override
    public <T> Subtask<T> fork(Callable<? extends T> task) {
        Checks.notNull("task", task);
        checkMayFork();
        // The name before the subtask, so that the subtask is allocated right before its thread: the
        // carrier that runs it then finds the subtask's last cache line in the one it fetches for
        // the thread's first. Measured: a fan-out of 10,000 3-4 % faster (docs/performance.md).
        String threadName = factory.nextName();
        SubtaskImpl<T> subtask = new SubtaskImpl<>(this, task);
        if (isCancelled() || deadlineReachedAtFork()) {
            return neverRun(subtask, threadName);
        }
        if (limit != null && !acquirePermit(subtask)) {
            return neverRun(subtask, threadName);
        }
        Thread thread = factory.newThread(subtask, threadName);
        push(subtask);
        try {
            thread.start();
        } catch (Throwable startFailed) {
            subtask.cancelBeforeStart();
            onFinished(subtask);
            throw startFailed;
        }
        return subtask;
    }

    @Override
    public Subtask<Void> fork(Runnable task) {
        Checks.notNull("task", task);
        return fork(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Publishes {@code subtask} on the forked stack before its thread starts, so a canceller that
     * iterates after publishing its reason finds every subtask that could have missed the reason,
     * and a joining owner finds it before it can end.
     */
    private void push(SubtaskImpl<?> subtask) {
        for (;;) {
            SubtaskImpl<?> head = forked;
            NEXT_FORKED.setRelease(subtask, head); // no fence of its own: the CAS below publishes it
            if (FORKED.compareAndSet(this, head, subtask)) {
                break;
            }
        }
        if (Thread.currentThread() == owner && ++pushesSincePrune >= pruneAt) {
            pruneEnded();
        }
    }

    /**
     * Unlinks subtasks whose thread has terminated, so a long-lived scope does not keep every
     * subtask it ever forked. Only the owner prunes, and never the head (which concurrent pushes
     * CAS): unlinking a node rewrites only its predecessor's link, and the node keeps its own, so a
     * concurrent reader standing on it still reaches the rest. Threads that have terminated (or
     * never started) need neither cancelling nor joining, so losing sight of them is harmless.
     *
     * <p>At most once per {@link #PRUNE_PERIOD_NANOS}: a scope that has forked thousands of subtasks
     * within milliseconds is a fan-out about to be joined, not a long-lived scope, and the walk would
     * cost it for nothing. It reads each subtask and its thread just as the carriers write them, one
     * cache miss after another: 1-7 % of a fan-out of 10,000 (docs/performance.md). A long-lived
     * scope so drops its ended subtasks at the first look, one every {@code pruneAt} forks, that
     * comes at least the period after the last prune.
     */
    private void pruneEnded() {
        pushesSincePrune = 0;
        long now = CoarseClock.now();
        if (now - lastPruneNanos < PRUNE_PERIOD_NANOS) {
            return; // look again after pruneAt more pushes
        }
        lastPruneNanos = now;
        SubtaskImpl<?> prev = forked;
        if (prev == null) {
            return;
        }
        int kept = 1;
        for (SubtaskImpl<?> s = prev.nextForked; s != null; s = s.nextForked) {
            if (done(s)) {
                NEXT_FORKED.setRelease(prev, s.nextForked); // readers need the node, not a fence
            } else {
                prev = s;
                kept++;
            }
        }
        // The next prune walks about kept + pruneAt nodes after pruneAt pushes: O(1) per push.
        pruneAt = Math.max(PRUNE_EVERY, 2 * kept);
    }

    /** Publishes {@code child} (a volatile write) before the child reads this scope's reason: see {@link #cancel(int)}. */
    private void addChild(ScopeImpl child) {
        if (onlyChild == null && ONLY_CHILD.compareAndSet(this, null, child)) {
            return;
        }
        Set<ScopeImpl> set = children;
        if (set == null) {
            Set<ScopeImpl> created = ConcurrentHashMap.newKeySet();
            set = CHILDREN.compareAndSet(this, null, created) ? created : children;
        }
        set.add(child);
    }

    private void removeChild(ScopeImpl child) {
        if (onlyChild == child && ONLY_CHILD.compareAndSet(this, child, null)) {
            return;
        }
        Set<ScopeImpl> set = children;
        if (set != null) {
            set.remove(child);
        }
    }

    private ConcurrentLinkedQueue<SubtaskImpl<?>> laterFailureQueue() {
        ConcurrentLinkedQueue<SubtaskImpl<?>> q = laterFailures;
        if (q == null) {
            ConcurrentLinkedQueue<SubtaskImpl<?>> created = new ConcurrentLinkedQueue<>();
            q = LATER_FAILURES.compareAndSet(this, null, created) ? created : laterFailures;
        }
        return q;
    }

    /** @return the failures after the first, oldest first; empty if none */
    private List<SubtaskImpl<?>> laterFailureList() {
        ConcurrentLinkedQueue<SubtaskImpl<?>> q = laterFailures;
        return q == null ? List.of() : new ArrayList<>(q);
    }

    /**
     * @return the child scopes now (weakly consistent: a child added meanwhile may be missing, and
     *         then reads the reason itself); empty if none
     */
    private Iterable<ScopeImpl> childScopesNow() {
        ScopeImpl one = onlyChild;
        Set<ScopeImpl> set = children;
        if (set == null || set.isEmpty()) {
            return one == null ? List.of() : List.of(one);
        }
        if (one == null) {
            return set;
        }
        List<ScopeImpl> all = new ArrayList<>(set.size() + 1);
        all.add(one);
        all.addAll(set);
        return all;
    }

    private <T> SubtaskImpl<T> neverRun(SubtaskImpl<T> subtask, String threadName) {
        factory.nameOnly(subtask, threadName);
        subtask.cancelBeforeStart();
        return subtask;
    }

    private void checkMayFork() {
        Thread me = Thread.currentThread();
        if (me != owner) {
            ManagedTask task = ThreadRegistry.instance().lookup(me);
            if (task == null || task.scope() != this) {
                throw new WrongThreadException("scope '" + name + "' is owned by " + owner
                        + "; only its owner and its own subtasks may fork, not " + me);
            }
        }
        int p = phase;
        if (p != OPEN) {
            throw new IllegalStateException("scope '" + name + "' is " + (p == JOINED ? "joined" : "closed")
                    + ": fork before join()");
        }
    }

    private boolean deadlineReachedAtFork() {
        if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos >= 0) {
            cancel(TIMEOUT);
            return true;
        }
        return false;
    }

    /** @return whether a permit was taken; if not, the subtask has been marked cancelled */
    private boolean acquirePermit(SubtaskImpl<?> subtask) {
        try {
            limit.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a concurrency permit of scope '" + name + "'");
        }
        if (isCancelled()) {
            limit.release();
            return false;
        }
        return true;
    }

    // ---- completion (on subtask threads) ----

    void onSuccess(SubtaskImpl<?> subtask) {
        if (firstSuccessWins && winner == null && WINNER.compareAndSet(this, null, subtask)) {
            cancel(SATISFIED);
        }
    }

    void onFailure(SubtaskImpl<?> subtask) {
        if (FIRST_FAILURE.compareAndSet(this, null, subtask)) {
            if (failFast) {
                cancel(FAILED);
            }
        } else {
            laterFailureQueue().add(subtask);
        }
    }

    void onFinished(SubtaskImpl<?> subtask) {
        if (limit != null) {
            limit.release();
        }
        subtask.markEnded(); // and wakes whoever waits for this one: see the class comment
    }

    private void deadlinePassed() {
        if (anyActive()) {
            List<String> unfinished = new ArrayList<>();
            for (SubtaskImpl<?> s = forked; s != null; s = s.nextForked) {
                if (s.isRunning()) {
                    unfinished.add(s.name());
                }
            }
            java.util.Collections.reverse(unfinished);
            timedOut = unfinished;
            cancel(TIMEOUT);
        }
    }

    // ---- cancellation ----

    @Override
    public void cancel() {
        checkOwner("cancel");
        cancel(CANCELLED);
    }

    /** Publishes {@code why}, then interrupts running subtasks and cancels child scopes; once. */
    boolean cancel(int why) {
        if (!REASON.compareAndSet(this, NONE, why)) {
            return false;
        }
        for (SubtaskImpl<?> s = forked; s != null; s = s.nextForked) {
            if (s.isRunning()) {
                s.cancel();
            }
        }
        for (ScopeImpl child : childScopesNow()) {
            child.cancel(PARENT);
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        if (timer != null && why != TIMEOUT) {
            timer.cancel(false);
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return reason != NONE;
    }

    // ---- join and close (owner only) ----

    @Override
    public void join() throws InterruptedException {
        checkOwner("join");
        if (phase == CLOSED) {
            throw new IllegalStateException("scope '" + name + "' is closed");
        }
        boolean allEnded = awaitSubtasks(true);
        phase = JOINED;
        if (allEnded && !threadsJoined) {
            // Nothing can fork any more (the subtasks have ended, the owner is refused), so once
            // their threads are joined here, close() has nothing left to wait for: one walk over
            // the subtasks after the last one ends, where close() took three.
            joinEveryThread();
            threadsJoined = true;
        }
        throwOutcome();
    }

    /**
     * Waits until every subtask has ended, walking {@code forked} newest first and parking on each
     * one that has not (see the class comment); then looks whether the head moved (subtasks that
     * forked meanwhile) and walks the new part. An interruptible wait (join) also returns at the
     * deadline and throws on an interrupt or a confirmed deadlock; the other one (close) keeps
     * waiting and re-asserts the interrupt at the end. A platform owner in a scope without a
     * deadline waits for the threads instead, oldest first ({@link #awaitThreadsOldestFirst}), and
     * then sets {@code threadsJoined}.
     *
     * @return whether every subtask has ended ({@code false}: the wait returned at the deadline)
     */
    private boolean awaitSubtasks(boolean interruptible) throws InterruptedException {
        SubtaskImpl<?> top = forked;
        SubtaskImpl<?> bottom = null; // the walked part is [top, bottom)
        SubtaskImpl<?> s = firstNotEnded(top, bottom);
        if (s == null && forked == top) {
            return true;
        }
        Thread me = Thread.currentThread();
        boolean interrupted = false;
        waiter = me;
        // A scope with a deadline is not watched: its deadline ends the wait anyway.
        boolean watched = interruptible && detectDeadlocks && deadlineNanos == 0;
        if (watched) {
            deadlock = null;
            JoinWatchdog.watch(this);
        }
        // A platform thread waits for the subtasks' threads to terminate, not for their ended flags;
        // see awaitThreadsOldestFirst. A deadline needs the scope's own wake-up, so those keep the flags.
        boolean onThreads = !me.isVirtual() && deadlineNanos == 0;
        try {
            if (onThreads) {
                awaitThreadsOldestFirst(interruptible, watched);
                threadsJoined = true;
                return true;
            }
            for (;;) {
                if (s == null) {
                    SubtaskImpl<?> head = forked;
                    if (head == top) {
                        return true;
                    }
                    bottom = top;
                    top = head;
                    s = firstNotEnded(top, bottom);
                    continue;
                }
                if (interruptible && reason == TIMEOUT) {
                    return false;
                }
                interrupted |= interruptOrVerdict(interruptible, watched);
                if (s.awaitEnd(me, this)) {
                    s = firstNotEnded(s.nextForked, bottom);
                }
            }
        } finally {
            waiter = null;
            if (watched) {
                JoinWatchdog.unwatch(this);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@link #awaitSubtasks} for a platform owner in a scope without a deadline: returns once every
     * subtask has ended and its thread has terminated (or never started), so join and close have no
     * threads left to join. An interrupt ends an interruptible wait (join) at once; the other one
     * (close) keeps waiting and re-asserts it at the end. A watched join wakes on the watchdog's
     * period to read the verdict.
     *
     * <p>Why the threads and not the {@link SubtaskImpl#ended} flags: a subtask sets {@code ended}
     * and wakes its waiter a little before its thread terminates. A platform owner so woken is
     * often put on the core of the carrier that woke it, preempts it, finds the thread still alive
     * when it joins the threads, and parks a second time until the carrier has run again. Waiting
     * for the termination takes one wake-up: in a fan-out of 100 the owner parked 1.0 times
     * instead of 1.4-1.5, and the fan-out took 0-10 % less time (session 8, docs/performance.md).
     *
     * <p>Why oldest first: that is the order the scheduler runs them in, so the owner finds most of
     * them done as it goes, while the carriers run the rest, and parks on one near the end. Newest
     * first, it parked on the newest, that is until every subtask had run, and only then walked
     * them all: a fan-out of 100 took about 1.13x as long (median of eight pairs, each version in
     * a JVM of its own), and the same pattern written with plain threads 1.4-1.6x (session 13).
     *
     * <p>{@link #ownerAwaitsThread} tells the deadlock check that the owner, parked on a thread's
     * termination latch or running between two such waits, still waits in {@code join}.
     */
    private void awaitThreadsOldestFirst(boolean interruptible, boolean watched) throws InterruptedException {
        Thread me = Thread.currentThread();
        boolean interrupted = false;
        ownerAwaitsThread = true;
        try {
            SubtaskImpl<?> top = forked;
            SubtaskImpl<?> bottom = null; // the walked part is [top, bottom)
            for (;;) {
                SubtaskImpl<?>[] oldestLast = newestFirst(top, bottom);
                for (int i = oldestLast.length - 1; i >= 0; i--) {
                    SubtaskImpl<?> s = oldestLast[i];
                    if (s == null) {
                        continue; // past the newest
                    }
                    // Most are done by the time the owner gets here: one look, no interrupt check.
                    while (!done(s)) { // a wake-up on the period, an interrupt, or a thread about to start
                        interrupted |= interruptOrVerdict(interruptible, watched);
                        Thread t = s.thread();
                        if (t != null && t.isAlive()) {
                            joinThread(t, watched);
                        } else if (!s.ended()) {
                            s.awaitEnd(me, this); // its thread has not started yet
                        }
                    }
                }
                SubtaskImpl<?> head = forked;
                if (head == top) {
                    return;
                }
                bottom = top; // subtasks forked meanwhile: wait for the new part
                top = head;
            }
        } finally {
            ownerAwaitsThread = false;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Between two waits for the subtasks: an interrupt ends a join ({@code interruptible}) and is
     * taken for later by close; a confirmed deadlock ends a watched join.
     *
     * @return whether an interrupt was taken, to be re-asserted when the wait ends
     */
    private boolean interruptOrVerdict(boolean interruptible, boolean watched) throws InterruptedException {
        boolean interrupted = Thread.interrupted();
        if (interrupted && interruptible) {
            throw new InterruptedException("interrupted while joining scope '" + name + "'");
        }
        DeadlockReport found = deadlock;
        if (watched && found != null) {
            throw deadlockException(found);
        }
        return interrupted;
    }

    /**
     * Joins {@code t}; a watched join for at most one watchdog period. An interrupt is left set for
     * the caller's loop. {@code join(long)}, not {@code join(Duration)}: for a virtual thread that
     * runs, the latter first asks for the thread's state, which takes a lock and reads its carrier.
     */
    private static void joinThread(Thread t, boolean watched) {
        try {
            if (watched) {
                t.join(WATCH_PERIOD_MILLIS);
            } else {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return whether the thread waiting for this scope's subtasks waits for their threads'
     *         termination (see {@link #awaitThreadsOldestFirst}): for the deadlock check, the same
     *         untimed wait for the subtasks as a park on the scope
     */
    public boolean ownerAwaitsThread() {
        return ownerAwaitsThread;
    }

    /**
     * Called by the {@link JoinWatchdog} thread when this scope is confirmed all asleep: publishes
     * the report, then wakes the owner, which throws it from {@code join}.
     */
    void deadlockFound(DeadlockReport report) {
        deadlock = report;
        LockSupport.unpark(owner);
    }

    private DeadlockException deadlockException(DeadlockReport report) {
        return new DeadlockException("scope '" + name + "' is deadlocked: its owner " + owner.getName()
                + " waits in join() and every thread it waits for waits on another one of them\n"
                + report.toText(), report);
    }

    private void throwOutcome() {
        switch (reason) {
            case TIMEOUT -> throw timeoutException();
            case PARENT -> throw new CancellationException("scope '" + name + "' was cancelled by an enclosing scope");
            default -> {
                if (failFast && firstFailure != null) {
                    throw failedException();
                }
            }
        }
    }

    @Override
    public void close() {
        checkOwner("close");
        if (phase == CLOSED) {
            return;
        }
        ScopeImpl inner = innermost(ownerTask);
        if (inner != this) {
            throw new IllegalStateException("scope '" + name + "' cannot close while scope '"
                    + (inner == null ? "?" : inner.name) + "', opened later by this thread, is still open; close that first");
        }
        phase = CLOSED;
        if (!threadsJoined) {
            if (anyActive()) {
                cancel(CANCELLED);
            }
            try {
                awaitSubtasks(false);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible);
            }
        }
        for (ScopeImpl child : childScopesNow()) {
            child.cancel(PARENT);
            child.awaitQuiescence();
        }
        if (!threadsJoined) {
            joinEveryThread();
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (parent != null) {
            parent.removeChild(this);
        } else {
            ThreadRegistry.instance().removeGroup(registration);
        }
        setInnermost(ownerTask, enclosingInThread);
        reportUnobservedFailures();
    }

    /**
     * A subtask that has ended has left Weft's code, but its thread may still be returning. Joining
     * each one makes "no thread of the scope is alive after a full join, or after close" hold to the
     * letter. A thread that has ended returns at once; interrupts are kept for later.
     */
    private void joinEveryThread() {
        boolean interrupted = false;
        // A virtual owner yields once to the threads that are just returning, so that the common case
        // (the last subtask woke us and is ending) costs no second park; a platform owner does not, as
        // an OS-level yield can cost a whole time slice.
        boolean mayYield = Thread.currentThread().isVirtual();
        for (SubtaskImpl<?> s = forked; s != null; s = s.nextForked) {
            Thread t = s.thread();
            if (mayYield && t != null && t.isAlive()) {
                Thread.yield();
                mayYield = false;
            }
            while (t != null) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits, from the thread closing an enclosing scope, until no subtask of this forgotten child
     * scope runs. Its owner was a subtask of the enclosing scope and has ended, so the closer waits
     * in the owner's place, the same way join does: parked on each subtask that has not ended.
     */
    private void awaitQuiescence() {
        try {
            awaitSubtasks(false); // keeps and re-asserts an interrupt
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
        for (ScopeImpl child : childScopesNow()) {
            child.awaitQuiescence();
        }
        joinEveryThread();
    }

    void markFailuresObserved() {
        SubtaskImpl<?> first = firstFailure;
        if (first != null) {
            first.markObserved();
        }
        laterFailureList().forEach(SubtaskImpl::markObserved);
    }

    private void reportUnobservedFailures() {
        SubtaskImpl<?> first = firstFailure;
        if (first != null && !first.observed()) {
            first.markObserved();
            factory.report(first, first.failure());
        }
        for (SubtaskImpl<?> s : laterFailureList()) {
            if (!s.observed()) {
                s.markObserved();
                factory.report(s, s.failure());
            }
        }
    }

    private void checkOwner(String operation) {
        Thread me = Thread.currentThread();
        if (me != owner) {
            throw new WrongThreadException("only the owner of scope '" + name + "' (" + owner + ") may "
                    + operation + " it, not " + me);
        }
    }

    // ---- outcomes ----

    private ScopeFailedException failedException() {
        SubtaskImpl<?> first = firstFailure;
        List<SubtaskImpl<?>> others = laterFailureList();
        return failure("scope '" + name + "' failed", first, others);
    }

    /** For {@code any}: every subtask failed. */
    RuntimeException allFailedException() {
        if (firstFailure == null) {
            return new CancellationException("scope '" + name + "': no task succeeded; every one was cancelled");
        }
        return failure("scope '" + name + "': every task failed", firstFailure, laterFailureList());
    }

    private ScopeFailedException failure(String headline, SubtaskImpl<?> first, List<SubtaskImpl<?>> others) {
        StringBuilder msg = new StringBuilder(headline).append(": subtask '").append(first.name())
                .append("' threw ").append(first.failure());
        if (!others.isEmpty()) {
            msg.append("; ").append(others.size()).append(" more failed (");
            for (int i = 0; i < Math.min(others.size(), 8); i++) {
                msg.append(i == 0 ? "" : ", ").append(others.get(i).name());
            }
            msg.append(others.size() > 8 ? ", ...)" : ")");
            if (others.size() > MAX_SUPPRESSED) {
                msg.append("; ").append(others.size() - MAX_SUPPRESSED).append(" of them left out of the suppressed list");
            }
        }
        ScopeFailedException e = new ScopeFailedException(name, msg.toString(), first.failure());
        first.markObserved();
        for (int i = 0; i < others.size(); i++) {
            others.get(i).markObserved();
            if (i < MAX_SUPPRESSED) {
                e.addSuppressed(others.get(i).failure());
            }
        }
        return e;
    }

    private ScopeTimeoutException timeoutException() {
        List<String> unfinished = timedOut;
        String which = unfinished.isEmpty() ? "its unfinished subtasks"
                : unfinished.size() <= 8 ? String.join(", ", unfinished)
                : String.join(", ", unfinished.subList(0, 8)) + " and " + (unfinished.size() - 8) + " more";
        ScopeTimeoutException e = new ScopeTimeoutException(name, timeout,
                "scope '" + name + "' timed out after " + timeout.toMillis() + " ms; cancelled " + which);
        SubtaskImpl<?> first = firstFailure;
        if (first != null) {
            first.markObserved();
            e.addSuppressed(first.failure());
            for (SubtaskImpl<?> s : laterFailureList()) {
                s.markObserved();
                e.addSuppressed(s.failure());
            }
        }
        return e;
    }

    /**
     * @return the subtasks from {@code from} (inclusive) to {@code stop} (exclusive), newest first,
     *         followed by nulls up to the array's length
     */
    private static SubtaskImpl<?>[] newestFirst(SubtaskImpl<?> from, SubtaskImpl<?> stop) {
        SubtaskImpl<?>[] a = new SubtaskImpl<?>[16];
        int n = 0;
        for (SubtaskImpl<?> s = from; s != stop; s = s.nextForked) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = s;
        }
        return a;
    }

    /**
     * Whether the owner is done with {@code s}: neither its join nor its prune need look at it again.
     * {@code isAlive}, not {@code getState}: for a virtual thread that still runs, {@code getState}
     * takes the lock its carrier needs to unmount it, and a subtask that has ended is exactly one
     * whose thread is on its way out.
     *
     * @return whether {@code s} has ended and its thread has terminated, or will never start (a
     *         subtask that ended without running, whose thread is null or was never started)
     */
    private static boolean done(SubtaskImpl<?> s) {
        if (!s.ended()) {
            return false;
        }
        Thread t = s.thread();
        return t == null || !t.isAlive();
    }

    /** @return the first subtask from {@code from} (inclusive) to {@code stop} (exclusive) that has not ended, or null */
    private static SubtaskImpl<?> firstNotEnded(SubtaskImpl<?> from, SubtaskImpl<?> stop) {
        for (SubtaskImpl<?> s = from; s != stop; s = s.nextForked) {
            if (!s.ended()) {
                return s;
            }
        }
        return null;
    }

    /** @return whether a forked subtask has not ended (weakly consistent, exact once none can fork) */
    private boolean anyActive() {
        return firstNotEnded(forked, null) != null;
    }

    /** @return how many forked subtasks have not ended (a walk: for reports and the watchdog) */
    private int active() {
        int n = 0;
        for (SubtaskImpl<?> s = forked; s != null; s = s.nextForked) {
            if (!s.ended()) {
                n++;
            }
        }
        return n;
    }

    // ---- the registry's view ----

    @Override
    public void forEachLive(Consumer<? super ManagedTask> visitor) {
        for (SubtaskImpl<?> s = forked; s != null; s = s.nextForked) {
            if (s.isLive()) {
                visitor.accept(s);
            }
        }
        for (ScopeImpl child : childScopesNow()) {
            child.forEachLive(visitor);
        }
    }

    @Override
    public boolean abandoned() {
        return !owner.isAlive() && !anyActive();
    }

    // ---- accessors for the builder, subtasks and the deadlock detector ----

    TaskFactoryImpl factory() {
        return factory;
    }

    boolean isJoined() {
        return phase != OPEN;
    }

    SubtaskImpl<?> winner() {
        return winner;
    }

    int reason() {
        return reason;
    }

    boolean detectDeadlocks() {
        return detectDeadlocks;
    }

    /** @return whether the owner is inside {@code join} or {@code close}, waiting for subtasks (parked or checking for deadlocks) */
    public boolean isOwnerWaiting() {
        return waiter != null;
    }

    /** @return whether this scope has a deadline (its own or an enclosing scope's), which ends every wait in it */
    public boolean hasDeadline() {
        return deadlineNanos != 0;
    }

    /** Visits the scopes opened inside this one that are still open (weakly consistent): for the watchdog. */
    void forEachChildScope(Consumer<? super ScopeImpl> visitor) {
        childScopesNow().forEach(visitor);
    }

    /** @return the threads of subtasks running now (weakly consistent) */
    public List<Thread> runningThreads() {
        List<Thread> threads = new ArrayList<>();
        for (SubtaskImpl<?> s = forked; s != null; s = s.nextForked) {
            if (!s.isRunning()) {
                continue;
            }
            Thread t = s.thread();
            if (t != null) {
                threads.add(t);
            }
        }
        return threads;
    }

    /** @return the thread that opened this scope */
    public Thread owner() {
        return owner;
    }

    /** @return the enclosing scope, or {@code null} */
    public ScopeImpl parent() {
        return parent;
    }

    /** @return how many forked subtasks have not finished */
    public int activeCount() {
        return active();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "join of scope '" + name + "'";
    }

    @Override
    public List<Thread> owners() {
        return runningThreads();
    }

    @Override
    public Object scope() {
        return this;
    }

    @Override
    public String toString() {
        return "Scope[" + name + ", active=" + active() + (isCancelled() ? ", cancelled" : "") + "]";
    }

    /** What the {@link JoinWatchdog} has found about this scope's current join; watchdog thread only. */
    static final class Watch {
        /** The {@code joinSince} of the join the verdict below is about. */
        long checkedJoin;
        ScopeDeadlocks.Check check;
        boolean broken;
    }
}
