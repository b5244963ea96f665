package dev.weft.impl.scope;

import dev.weft.Subtask;
import dev.weft.impl.task.ManagedTask;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.impl.task.WaitPoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * A task forked into a {@link ScopeImpl}.
 *
 * <p>Invariants: {@code state} has one writer, so a subtask has one outcome however failure,
 * success and cancellation race: the subtask's own thread once it runs (failure, success and
 * cancellation are all classified there, by {@link ManagedTask#run()}), or the forking thread
 * before the thread starts, whose writes the start publishes. So {@code state} leaves
 * {@code RUNNING} by a check and a release store, no CAS, and the first outcome stays.
 * {@code value} holds the work while {@code state} is {@code RUNNING} and the outcome after: the
 * result, or the throwable of a failure. It is written (by the same one writer) before that store
 * and read after an acquire read of {@code state} that sees it; never once {@code state} has left
 * {@code RUNNING}, so an outcome is never overwritten.
 *
 * <p>Waiting in {@link #get()}: a waiter pushes itself on a Treiber stack and then reads
 * {@code ended}; {@link #markEnded()} writes {@code ended} and then drains the stack. Both volatile,
 * so either the waiter sees {@code ended} or the finisher sees the waiter and unparks it (the same
 * argument as {@link java.util.concurrent.FutureTask}, with {@code ended} in the role of its state);
 * and {@code ended}, written after the outcome, orders the outcome for the waiter. Why not wait on
 * {@code state} itself: then its write would need a fence of its own, a second one on every
 * subtask's thread besides {@code ended}'s (the CAS this replaced was about 4 % of a carrier's time
 * in a fan-out of 100 empty subtasks, by profile).
 *
 * <p>Size: 64 bytes, one cache line (with compressed references), which the forking owner allocates
 * for each fork; one slot for work and outcome, and the factory read from the scope, keep it there.
 */
final class SubtaskImpl<T> extends ManagedTask implements Subtask<T>, WaitPoint {
    private static final int RUNNING = 0, SUCCESS = 1, FAILED = 2, CANCELLED = 3;
    private static final State[] STATES = {State.RUNNING, State.SUCCESS, State.FAILED, State.CANCELLED};
    private static final VarHandle STATE, WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(SubtaskImpl.class, "state", int.class);
            WAITERS = l.findVarHandle(SubtaskImpl.class, "waiters", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ScopeImpl scope;
    /** The {@link Callable} until the body runs, then its result, or the throwable it failed with; see the class comment. */
    private Object value;
    private volatile int state;
    private volatile Waiter waiters;
    private volatile boolean observed;
    /**
     * The subtask forked before this one in the same scope. Written before the push that publishes
     * this subtask (a CAS), and afterwards only by the scope's owner when it unlinks ended subtasks.
     */
    volatile SubtaskImpl<?> nextForked;
    /** Set once {@link #finished()} has run: the subtask has left the scope's books. */
    private volatile boolean ended;
    /** The thread waiting for {@link #ended} (the joining owner, or a closer), if any. */
    private volatile Thread joiner;

    SubtaskImpl(ScopeImpl scope, Callable<? extends T> work) {
        super(scope.factory());
        this.scope = scope;
        this.value = work;
    }

    @Override
    public TaskFactoryImpl factory() {
        return scope.factory();
    }

    // ---- running (on the subtask's thread) ----

    @Override
    protected void body() throws Exception {
        @SuppressWarnings("unchecked")
        Callable<? extends T> work = (Callable<? extends T>) value;
        value = work.call(); // state is RUNNING until succeeded(), on this same thread
    }

    @Override
    protected boolean cancelRequested() {
        return scope.isCancelled() || super.cancelRequested();
    }

    @Override
    protected void succeeded() {
        if (complete(SUCCESS)) {
            scope.onSuccess(this);
        }
    }

    /**
     * The body failed: the subtask's outcome. Or Weft's own bookkeeping failed after the outcome was
     * recorded ({@link ScopeImpl#onSuccess} threw, say out of memory): that one cannot replace the
     * outcome, and goes to the factory's failure handler instead of vanishing.
     */
    @Override
    protected void failed(Throwable failure) {
        if (isRunning()) {
            value = failure; // one writer: nobody reads value before the store in complete
            complete(FAILED);
            scope.onFailure(this);
        } else {
            super.failed(failure); // after the outcome (scope.onSuccess threw): reported, not lost
        }
    }

    @Override
    protected void cancelled(Throwable cause) {
        complete(CANCELLED);
    }

    @Override
    protected void finished() {
        scope.onFinished(this);
    }

    boolean ended() {
        return ended;
    }

    /**
     * Marks this subtask ended, then wakes its waiters in {@link #get()} and its joiner: the
     * finisher's half of the Dekker pairs here and in {@link ScopeImpl}.
     */
    void markEnded() {
        ended = true;
        if (waiters != null) {
            for (Waiter w = (Waiter) WAITERS.getAndSet(this, Waiter.DONE); w != null && w != Waiter.DONE; w = w.next) {
                LockSupport.unpark(w.thread);
            }
        }
        Thread j = joiner;
        if (j != null) {
            LockSupport.unpark(j);
        }
    }

    /**
     * The joiner's half: registers {@code me}, then parks once unless this subtask has ended.
     * May return early (a spurious wake-up, an interrupt, the scope's own wake-ups).
     *
     * @return whether this subtask has ended
     */
    boolean awaitEnd(Thread me, Object blocker) {
        if (ended) {
            return true;
        }
        joiner = me;
        if (!ended) {
            LockSupport.park(blocker);
        }
        return ended;
    }

    /**
     * Marks a subtask that will never run (forked after cancellation, or its thread would not
     * start): cancelled, and ended, so that a {@link #get()} that reaches it without the fork's
     * publication still returns.
     */
    void cancelBeforeStart() {
        complete(CANCELLED);
        markEnded();
    }

    /** @return whether {@code outcome} was recorded: it is the first one (one writer: see the class comment) */
    private boolean complete(int outcome) {
        if ((int) STATE.getOpaque(this) != RUNNING) {
            return false;
        }
        STATE.setRelease(this, outcome);
        return true;
    }

    // ---- observing (any thread) ----

    @Override
    public T get() {
        int s = state;
        if (s == RUNNING) {
            s = awaitDone();
        }
        switch (s) {
            case SUCCESS:
                return resultValue();
            case FAILED:
                observed = true;
                Throwable exception = (Throwable) value;
                throw new IllegalStateException("subtask '" + name() + "' failed: " + exception, exception);
            default:
                throw new CancellationException("subtask '" + name() + "' was cancelled");
        }
    }

    private int awaitDone() {
        if (Thread.currentThread() == thread()) {
            throw new IllegalStateException("subtask '" + name() + "' cannot wait for its own result");
        }
        Waiter me = new Waiter(Thread.currentThread());
        for (;;) {
            Waiter head = waiters;
            if (head == Waiter.DONE) {
                break;
            }
            me.next = head;
            if (WAITERS.compareAndSet(this, head, me)) {
                break;
            }
        }
        while (!ended) {
            LockSupport.park(this);
            if (Thread.interrupted() && !ended) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for subtask '" + name() + "'");
            }
        }
        return state; // written before ended, which we saw
    }

    @Override
    public State state() {
        int s = state;
        if (s == FAILED) {
            observed = true;
        }
        return STATES[s];
    }

    @Override
    public Throwable exception() {
        if (state != FAILED) {
            return null;
        }
        observed = true;
        return (Throwable) value;
    }

    boolean isFailed() {
        return state == FAILED;
    }

    boolean isRunning() {
        return state == RUNNING;
    }

    boolean observed() {
        return observed;
    }

    void markObserved() {
        observed = true;
    }

    /** @return the throwable this subtask failed with, or {@code null} if it has not failed */
    Throwable failure() {
        return state == FAILED ? (Throwable) value : null;
    }

    /** @return this subtask's result, or {@code null} if it has not succeeded */
    T result() {
        return state == SUCCESS ? resultValue() : null;
    }

    /** Call only after reading {@code state} as {@code SUCCESS}. */
    @SuppressWarnings("unchecked")
    private T resultValue() {
        return (T) value;
    }

    @Override
    public Object scope() {
        return scope;
    }

    @Override
    public String scopeName() {
        return scope.name();
    }

    // ---- WaitPoint: a thread parked in get() waits for this subtask's thread ----

    @Override
    public String describe() {
        return "result of subtask '" + name() + "'";
    }

    @Override
    public List<Thread> owners() {
        Thread t = thread();
        return state == RUNNING && t != null ? List.of(t) : List.of();
    }

    @Override
    public String toString() {
        return "Subtask[" + name() + ", " + STATES[state] + "]";
    }

    private static final class Waiter {
        static final Waiter DONE = new Waiter(null);
        final Thread thread;
        Waiter next;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }
}
