package dev.weft.impl.task;

import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CancellationException;

/**
 * One task run by a {@link TaskFactoryImpl}: the single place where Weft runs user code on a thread
 * it started. It registers the thread, restores carried context, runs {@link #body()}, classifies
 * how it ended, and deregisters.
 *
 * <p>Outcome rules, applied exactly once per run: a task that returns calls {@link #succeeded()};
 * one that was cancelled before it began, or that ends by {@link CancellationException}, or by an
 * interrupt while {@link #cancelRequested()} holds, calls {@link #cancelled(Throwable)}; any other
 * throwable calls {@link #failed(Throwable)} (by default: the factory's failure handler). A
 * {@link VirtualMachineError} is handed on like any failure and then rethrown, so that it reaches
 * the thread's uncaught-exception handler. {@link #finished()} runs last, after the thread has left
 * the registry: whoever waits for it may rely on the outcome being recorded and on no code of the
 * task running any more.
 *
 * <p>The task is also its thread's uncaught-exception handler, which lets the {@link ThreadRegistry}
 * find it from the thread without a map; it hands every throwable on to the thread's group, exactly
 * what the JDK does for a thread with no handler. A task run on a thread Weft did not start takes
 * that role only while it runs.
 *
 * <p>Two kinds: a task that a {@link TaskGroup} tracks (a scope's subtask, an executor's task) from
 * before it starts until after it ends extends this class directly and needs no registry entry of
 * its own; a task that no group tracks extends {@link StandaloneTask}, which the registry lists
 * while it runs, through links of its own. The links and the factory are not kept here so that a
 * subtask, one per fork, allocated by the forking thread, fits one cache line: 64 bytes, not 88.
 *
 * <p>Visibility: {@link #bind} happens before {@link Thread#start()}, which happens before
 * {@link #run()}; so the fields set there need no volatile. The registry's fields are written under
 * its stripe's lock.
 */
public abstract class ManagedTask implements Runnable, Thread.UncaughtExceptionHandler {
    private static final VarHandle LIVE;

    static {
        try {
            LIVE = MethodHandles.lookup().findVarHandle(ManagedTask.class, "live", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] context;
    private Thread thread;
    /** Set at bind. */
    private String name;
    /** Written before {@code live} is set, and read after it is seen set. */
    private long startNanos;
    private volatile boolean cancelled;
    /** The innermost scope open on this task's thread; read and written by that thread only. */
    private Object innermostScope;
    /**
     * Whether the task runs and is visible to registry scans: in a stripe (written under its
     * lock) or in a {@link TaskGroup} that tracks it (written with release semantics by the task).
     */
    boolean live;

    /** @param factory the factory that runs this task, which {@link #factory()} must return */
    protected ManagedTask(TaskFactoryImpl factory) {
        this.context = factory.capture();
    }

    final void bind(Thread thread, String name) {
        this.thread = thread;
        this.name = name;
    }

    /** @return the thread this task runs on */
    public final Thread thread() {
        return thread;
    }

    /** @return the task's name, which is also its thread's name */
    public final String name() {
        return name;
    }

    /** @return the factory that runs this task (the one given to the constructor) */
    public abstract TaskFactoryImpl factory();

    /**
     * @return {@link System#nanoTime()} when the task began (to within {@link CoarseClock#RESOLUTION_NANOS}),
     *         or 0 before
     */
    public final long startNanos() {
        return isLive() ? startNanos : 0;
    }

    /** @return whether the task runs now and registry scans can see it (weakly consistent from other threads) */
    public final boolean isLive() {
        return (boolean) LIVE.getAcquire(this);
    }

    /** @return the scope this task belongs to, or {@code null}; for reports and the deadlock detector */
    public Object scope() {
        return null;
    }

    /** @return the scope's name for failure reports, or {@code null} */
    public String scopeName() {
        return null;
    }

    /** @return the innermost scope this task's own thread has open, or {@code null}; call on that thread only */
    public final Object innermostScope() {
        return innermostScope;
    }

    /** Records the innermost scope this task's own thread has open; call on that thread only. */
    public final void innermostScope(Object scope) {
        innermostScope = scope;
    }

    /** Asks the task to stop: marks it cancelled, then interrupts its thread. Idempotent. */
    public final void cancel() {
        cancelled = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    /** @return whether this task, or what it belongs to, was asked to stop */
    protected boolean cancelRequested() {
        return cancelled;
    }

    /**
     * Runs on the task's thread once the registry holds it, before the body: a canceller that scans
     * the registry from now on will find this task, so it is the place to catch up on a request to
     * stop that scanned too early.
     */
    protected void registered() {}

    /** The task's work. */
    protected abstract void body() throws Exception;

    /** The body returned normally. */
    protected void succeeded() {}

    /** The body threw a real failure. The default reports it to the factory's handler. */
    protected void failed(Throwable failure) {
        factory().report(this, failure);
    }

    /** The task was cancelled, before it began ({@code cause} is {@code null}) or while it ran. */
    protected void cancelled(Throwable cause) {}

    /** Runs last, after the thread has left the registry. */
    protected void finished() {}

    @Override
    public final void run() {
        Thread self = Thread.currentThread();
        Thread.UncaughtExceptionHandler foreignHandler = null;
        if (thread == null) {
            bind(self, self.getName());
            foreignHandler = self.getUncaughtExceptionHandler();
            self.setUncaughtExceptionHandler(this);
        }
        startNanos = CoarseClock.now();
        ThreadRegistry registry = ThreadRegistry.instance();
        StandaloneTask listed = this instanceof StandaloneTask st ? st : null;
        if (listed == null) {
            LIVE.setRelease(this, true); // its group makes it visible to scans
        } else {
            registry.add(listed);
        }
        Throwable fatal = null;
        try {
            registered();
            if (cancelRequested()) {
                cancelled(null);
            } else {
                runBodyInContext();
                succeeded();
            }
        } catch (Throwable t) {
            if (isCancellation(t)) {
                cancelled(t);
            } else {
                failed(t);
            }
            if (t instanceof VirtualMachineError) {
                fatal = t;
            }
        } finally {
            if (listed == null) {
                LIVE.setRelease(this, false);
            } else {
                registry.remove(listed);
            }
            if (foreignHandler != null) {
                self.setUncaughtExceptionHandler(foreignHandler instanceof ThreadGroup ? null : foreignHandler);
            }
            finished();
        }
        if (fatal != null) {
            throw (VirtualMachineError) fatal;
        }
    }

    /**
     * What happens to a throwable that leaves {@link #run()} (a {@link VirtualMachineError}, rethrown
     * after it was reported): the same as on a thread with no handler of its own.
     */
    @Override
    public final void uncaughtException(Thread t, Throwable e) {
        // A thread's group is null only once it has ended, and a thread that is dispatching its
        // uncaught throwable has not; the group prints it unless a default handler is installed.
        ThreadGroup group = t.getThreadGroup();
        Thread.UncaughtExceptionHandler next = group != null ? group : Thread.getDefaultUncaughtExceptionHandler();
        if (next != null) {
            next.uncaughtException(t, e);
        }
    }

    private void runBodyInContext() throws Exception {
        if (context == null) {
            body();
            return;
        }
        AutoCloseable[] restored = factory().restore(context);
        try {
            body();
        } finally {
            TaskFactoryImpl.undo(restored);
        }
    }

    /**
     * Cancellation, not failure: a {@link CancellationException} always; an interrupt-shaped
     * exception (in the cause chain) only when the task was asked to stop. Any other throwable is a
     * real failure even if the interrupt status is set: a failure racing a cancellation must not be
     * mistaken for it and lost.
     */
    private boolean isCancellation(Throwable t) {
        if (t instanceof CancellationException) {
            return true;
        }
        if (!cancelRequested()) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof ClosedByInterruptException
                    || c instanceof InterruptedIOException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name == null ? super.toString() : name;
    }
}
