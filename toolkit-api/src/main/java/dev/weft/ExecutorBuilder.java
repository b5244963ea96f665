package dev.weft;

import java.time.Duration;

/**
 * Configures a {@link ManagedExecutor}.
 *
 * <pre>{@code
 * ManagedExecutor ex = Weft.executor("orders").maxConcurrency(200).build();
 * }</pre>
 */
public interface ExecutorBuilder {
    /** At most {@code limit} tasks run at once; the rest wait in order. Default: no limit. */
    ExecutorBuilder maxConcurrency(int limit);

    /** With a limit: reject tasks beyond it with {@link java.util.concurrent.RejectedExecutionException} instead of queueing them. */
    ExecutorBuilder rejectWhenBusy();

    /** How long {@link ManagedExecutor#close()} waits before interrupting; default 10 seconds. */
    ExecutorBuilder shutdownGrace(Duration grace);

    /** The factory for task threads, which also receives failures of {@code execute}d tasks. */
    ExecutorBuilder tasks(TaskFactory factory);

    /** @return a running executor */
    ManagedExecutor build();
}
