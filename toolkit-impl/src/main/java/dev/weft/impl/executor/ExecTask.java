package dev.weft.impl.executor;

import dev.weft.impl.task.ManagedTask;
import dev.weft.impl.task.TaskFactoryImpl;
import java.util.concurrent.Future;

/**
 * One accepted task of a {@link ManagedExecutorImpl}: what its virtual thread runs. Being a
 * {@link ManagedTask}, it shares the registry, the naming and the failure capture of every other
 * Weft thread. Its executor keeps it on a stack of tasks from before its thread starts until after
 * it ends, and registry scans visit that stack, so it takes no registry entry of its own.
 *
 * <p>Two kinds: a task given to {@code execute} ({@code future == null}) runs the user's
 * {@link Runnable}, and what it throws goes to the task factory's failure handler exactly once
 * ({@link ManagedTask#failed}); a task given to {@code submit} runs its {@link ExecFuture}, which
 * keeps the outcome (a {@link java.util.concurrent.FutureTask} never throws), and the failure is
 * only counted.
 *
 * <p>An interrupt from {@code shutdownNow} (or a forced close) counts as cancellation, not failure,
 * once the body has begun: {@link #cancelRequested()} says so. Before the body begins it does not:
 * a started task always runs its body (with its interrupt status set), as the JDK's executors do,
 * so no accepted task silently vanishes.
 *
 * <p>Visibility: the task's thread is bound, and the task pushed on its executor's stack of tasks,
 * before {@link Thread#start()}; {@link #registered()} reads the executor's volatile
 * {@code interrupting} once more on the task's own thread; see
 * {@link ManagedExecutorImpl} for the argument that an interrupt is never missed. {@code began} is
 * written and read on the task's own thread only.
 */
final class ExecTask extends ManagedTask {
    private final ManagedExecutorImpl executor;
    private final Runnable work;
    private final ExecFuture<?> future;
    private boolean began;
    /** The task started before this one; see {@link ManagedExecutorImpl}'s stack of tasks. */
    volatile ExecTask nextTask;
    /** Set once the task has run to its end (or its thread could not start): it may be pruned. */
    private volatile boolean ended;

    ExecTask(ManagedExecutorImpl executor, Runnable work, ExecFuture<?> future) {
        super(executor.factory());
        this.executor = executor;
        this.work = work;
        this.future = future;
    }

    /** Tells the future which thread it is about to run on, for {@code cancel(true)}. */
    void startingOn(Thread t) {
        if (future != null) {
            future.runsOn(t);
        }
    }

    ManagedExecutorImpl executor() {
        return executor;
    }

    /** A last check on the task's own thread, besides the submitter's and {@code shutdownNow}'s (see the executor). */
    @Override
    protected void registered() {
        if (executor.interrupting()) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return what a caller gave us: the future of a submitted task, the runnable of an executed one */
    Runnable handedBack() {
        return future != null ? future : work;
    }

    /** @return the future of a submitted task, or {@code null} for an executed one */
    Future<?> future() {
        return future;
    }

    @Override
    protected void body() {
        began = true;
        if (future != null) {
            future.run();
        } else {
            work.run();
        }
    }

    @Override
    protected boolean cancelRequested() {
        return super.cancelRequested() || (began && executor.interrupting());
    }

    @Override
    protected void succeeded() {
        if (future != null && future.state() == Future.State.FAILED) {
            executor.countFailure();
        }
    }

    @Override
    protected void failed(Throwable failure) {
        executor.countFailure();
        super.failed(failure);
    }

    @Override
    public TaskFactoryImpl factory() {
        return executor.factory();
    }

    boolean ended() {
        return ended;
    }

    void markEnded() {
        ended = true;
    }

    @Override
    protected void finished() {
        ended = true;
        executor.taskFinished(this);
    }

    @Override
    public String scopeName() {
        return null;
    }

    @Override
    public String toString() {
        String n = name();
        return (n != null ? n : "queued task") + " of executor '" + executor.name() + "'";
    }
}
