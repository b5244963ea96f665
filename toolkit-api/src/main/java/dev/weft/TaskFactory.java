package dev.weft;

import java.util.concurrent.ThreadFactory;

/**
 * Starts named threads whose every failure is reported, never lost. It is a {@link ThreadFactory},
 * so JDK executors can use it too.
 *
 * <pre>{@code
 * TaskFactory tasks = Weft.tasks("ingest").build();
 * Thread t = tasks.start(() -> work());                        // "ingest-1"
 * ExecutorService ex = Executors.newThreadPerTaskExecutor(tasks);
 * }</pre>
 *
 * <p>What a task throws reaches the failure handler exactly once as a {@link Failure}. A
 * {@link VirtualMachineError} is reported and then propagates. A task that ends by
 * {@link java.util.concurrent.CancellationException}, or by an interrupt while it was being
 * cancelled, counts as cancelled, not failed. Every thread is listed in Weft's thread registry
 * while it runs, which the deadlock detector reads.
 */
public interface TaskFactory extends ThreadFactory {
    /** Creates and starts a thread running {@code task}. */
    Thread start(Runnable task);

    /** Creates an unstarted thread running {@code task}. */
    @Override
    Thread newThread(Runnable task);

    /** @return the factory's name, the prefix of its threads' names */
    String name();

    /**
     * @return how many of this factory's threads are running now; counted when called, in time
     *         proportional to the number of running Weft threads, so that starting a thread costs no
     *         shared counter
     */
    int running();
}
