package dev.weft.impl.task;

import dev.weft.ContextCarrier;
import dev.weft.Failure;
import dev.weft.TaskFactory;
import dev.weft.spi.Checks;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one way Weft starts threads. Scopes, executors and queues all create their threads here, so
 * naming, failure capture, context carrying and registration are the same everywhere.
 *
 * <p>Thread safety: immutable configuration; the name counter is atomic. The failure handler may be
 * called from many threads at once. The running count is not kept per thread (that would cost every
 * thread two contended updates): {@link #running()} counts this factory's tasks in the
 * {@link ThreadRegistry}, which holds every running Weft thread anyway.
 */
public final class TaskFactoryImpl implements TaskFactory {
    private static final System.Logger LOG = System.getLogger("dev.weft");

    @SuppressWarnings("rawtypes")
    private static final ContextCarrier[] NO_CARRIERS = {};

    private final String name;
    /** Virtual threads, or platform threads (daemon or not). */
    private final boolean virtual, daemon;
    private final Consumer<? super Failure> handler;
    private final ContextCarrier<Object>[] carriers;
    /** Shared by a factory and its {@link #carrying} views: it also tells whose threads are whose. */
    private final AtomicLong counter;

    TaskFactoryImpl(String name, boolean virtual, boolean daemon, Consumer<? super Failure> handler,
                    List<ContextCarrier<?>> carriers) {
        this(name, virtual, daemon, handler == null ? TaskFactoryImpl::log : handler, carriers, new AtomicLong());
    }

    private TaskFactoryImpl(String name, boolean virtual, boolean daemon, Consumer<? super Failure> handler,
                            List<ContextCarrier<?>> carriers, AtomicLong counter) {
        this.name = name;
        this.virtual = virtual;
        this.daemon = daemon;
        this.handler = handler;
        @SuppressWarnings("unchecked")
        ContextCarrier<Object>[] array = carriers.isEmpty() ? NO_CARRIERS : carriers.toArray(new ContextCarrier[0]);
        this.carriers = array;
        this.counter = counter;
    }

    /**
     * @return this factory with {@code more} carriers added: the same name, numbering, threads,
     *         handler and running threads (a view, not a second factory)
     */
    public TaskFactoryImpl carrying(List<ContextCarrier<?>> more) {
        List<ContextCarrier<?>> all = new java.util.ArrayList<>(List.of(carriers));
        for (ContextCarrier<?> c : more) {
            if (!all.contains(c)) {
                all.add(c);
            }
        }
        return all.size() == carriers.length ? this : new TaskFactoryImpl(name, virtual, daemon, handler, all, counter);
    }

    /** Names a task that will never run, with a name from {@link #nextName()}, so reports can still say which one it was. */
    public void nameOnly(ManagedTask task, String threadName) {
        task.bind(null, threadName);
    }

    /** A virtual-thread factory with the default handler and the globally installed carriers. */
    public static TaskFactoryImpl of(String name) {
        return new TaskFactoryBuilderImpl(name).build();
    }

    /** A platform daemon-thread factory, for Weft's own housekeeping threads (timers, shutdown). */
    public static TaskFactoryImpl daemonPlatform(String name) {
        return new TaskFactoryBuilderImpl(name).platform(true).build();
    }

    /** @return {@code factory} as Weft's implementation, or a Weft factory that reports through it */
    public static TaskFactoryImpl adopt(TaskFactory factory) {
        Checks.notNull("factory", factory);
        if (factory instanceof TaskFactoryImpl impl) {
            return impl;
        }
        throw new IllegalArgumentException("factory must be built by Weft.tasks(..), was " + factory.getClass().getName());
    }

    /**
     * Creates an unstarted thread for {@code task}, named {@code name-N} (numbered in creation order)
     * and with the task as its uncaught-exception handler, both given to the thread's builder.
     *
     * <p>Why at creation, on the creating thread: a thread that names itself as it begins calls
     * {@link Thread#setName}, which takes the thread's monitor; on JDK 25 that cost about
     * 100 ns per virtual thread, 14 % of a submit-and-get of an empty task. Naming here instead,
     * name building included, made 1,000 empty tasks 15 % faster (measured by toggling the two
     * between alternating rounds in one JVM; see {@code docs/performance.md}).
     */
    public Thread newThread(ManagedTask task) {
        return newThread(task, nextName());
    }

    /**
     * As {@link #newThread(ManagedTask)}, with a name taken from {@link #nextName()} earlier: a caller
     * that allocates its task between the two keeps the task next to its thread in memory (see
     * {@code ScopeImpl.fork}).
     */
    public Thread newThread(ManagedTask task, String threadName) {
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(daemon);
        Thread t = builder.name(threadName).uncaughtExceptionHandler(task).unstarted(task);
        task.bind(t, threadName);
        return t;
    }

    /** @return {@code name-N}, N the next number of this factory (and of its views); each call takes a number */
    public String nextName() {
        return name + '-' + counter.incrementAndGet();
    }

    /** Creates and starts a thread for {@code task}; see {@link #newThread(ManagedTask)}. */
    public Thread start(ManagedTask task) {
        Thread t = newThread(task);
        t.start();
        return t;
    }

    @Override
    public Thread newThread(Runnable task) {
        return newThread(new PlainTask(this, Checks.notNull("task", task)));
    }

    @Override
    public Thread start(Runnable task) {
        Thread t = newThread(task);
        t.start();
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    /** Counts this factory's tasks (and its views') in the registry: O(running Weft threads), weakly consistent. */
    @Override
    public int running() {
        int[] n = {0};
        ThreadRegistry.instance().forEach(t -> {
            if (t.factory().counter == counter) {
                n[0]++;
            }
        });
        return n[0];
    }

    /** Hands a failure of {@code task} to the handler; a handler that throws is logged, never propagated. */
    public void report(ManagedTask task, Throwable failure) {
        Thread t = task.thread() != null ? task.thread() : Thread.currentThread();
        report(new Failure(task.name() != null ? task.name() : t.getName(), t, failure, task.scopeName()));
    }

    /** Hands {@code failure} to the handler; a handler that throws is logged, never propagated. */
    public void report(Failure failure) {
        try {
            handler.accept(failure);
        } catch (Throwable handlerFailure) {
            handlerFailure.addSuppressed(failure.throwable());
            LOG.log(System.Logger.Level.ERROR, "failure handler of task factory '" + name + "' threw while handling a failure of "
                    + failure.taskName(), handlerFailure);
        }
    }

    private static void log(Failure failure) {
        StringBuilder msg = new StringBuilder("task '").append(failure.taskName()).append('\'');
        if (failure.scope() != null) {
            msg.append(" of scope '").append(failure.scope()).append('\'');
        }
        msg.append(" failed");
        LOG.log(System.Logger.Level.ERROR, msg.toString(), failure.throwable());
    }

    /** @return what each carrier captured on the calling thread, or {@code null} when there are no carriers */
    Object[] capture() {
        if (carriers.length == 0) {
            return null;
        }
        Object[] captured = new Object[carriers.length];
        for (int i = 0; i < carriers.length; i++) {
            captured[i] = carriers[i].capture();
        }
        return captured;
    }

    /** Restores every captured value in order; undoes what was restored if one fails. */
    AutoCloseable[] restore(Object[] captured) {
        AutoCloseable[] restored = new AutoCloseable[carriers.length];
        int i = 0;
        try {
            for (; i < carriers.length; i++) {
                restored[i] = carriers[i].restore(captured[i]);
            }
            return restored;
        } catch (RuntimeException | Error e) {
            undo(restored);
            throw e;
        }
    }

    /** Undoes restorations in reverse order; one that throws does not stop the others. */
    static void undo(AutoCloseable[] restored) {
        for (int i = restored.length - 1; i >= 0; i--) {
            if (restored[i] != null) {
                try {
                    restored[i].close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "a context carrier failed to undo its restore", e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TaskFactory[" + name + "]"; // not running(): that counts, and toString should be cheap
    }
}
