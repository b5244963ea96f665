package dev.weft.impl.executor;

import dev.weft.impl.task.WaitPoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * The {@link java.util.concurrent.Future} of a task given to {@code submit}, {@code invokeAll} or
 * {@code invokeAny} of a {@link ManagedExecutorImpl}.
 *
 * <p>It is a {@link FutureTask}, so it has exactly the JDK's future semantics: one outcome, set once;
 * {@code cancel(true)} interrupts the thread running it; running it again, or after cancellation,
 * does nothing. It is also the {@link WaitPoint} of every thread parked in {@link #get()}
 * ({@link FutureTask} parks with the future itself as blocker), naming the thread that would release
 * them.
 *
 * <p>Invariants: {@link #admit()} succeeds at most once, so the executor accepts a future at most
 * once however often it is passed to {@code execute}. {@code runner} is volatile: written by the
 * executor before the thread starts, read by any observer.
 *
 * <pre>{@code
 * Future<Receipt> f = executor.submit(() -> pay(order)); // an ExecFuture under the hood
 * }</pre>
 */
class ExecFuture<V> extends FutureTask<V> implements WaitPoint {
    private static final VarHandle ADMITTED;

    static {
        try {
            ADMITTED = MethodHandles.lookup().findVarHandle(ExecFuture.class, "admitted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ManagedExecutorImpl owner;
    private volatile boolean admitted;
    private volatile Thread runner;

    ExecFuture(ManagedExecutorImpl owner, Callable<V> work) {
        super(work);
        this.owner = owner;
    }

    ExecFuture(ManagedExecutorImpl owner, Runnable work, V result) {
        super(work, result);
        this.owner = owner;
    }

    /** @return whether this future was made by {@code executor} and is now admitted there for the first time */
    final boolean admitTo(ManagedExecutorImpl executor) {
        return owner == executor && !admitted && ADMITTED.compareAndSet(this, false, true);
    }

    final void runsOn(Thread thread) {
        runner = thread;
    }

    /** Lets go of the thread once done: a future a caller keeps must not keep the task's thread. */
    @Override
    protected void done() {
        runner = null;
    }

    @Override
    public String describe() {
        return "result of a task of executor '" + owner.name() + "'";
    }

    @Override
    public List<Thread> owners() {
        Thread t = runner;
        return t != null && !isDone() ? List.of(t) : List.of();
    }

    @Override
    public String toString() {
        Thread t = runner;
        return "Future[" + state() + (t != null ? ", " + t.getName() : "") + "] of executor '" + owner.name() + "'";
    }
}
