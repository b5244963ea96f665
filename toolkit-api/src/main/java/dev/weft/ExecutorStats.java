package dev.weft;

/**
 * Counters of a {@link ManagedExecutor}.
 *
 * <pre>{@code
 * ExecutorStats s = executor.stats();
 * }</pre>
 */
public record ExecutorStats(long submitted, long running, long queued, long completed, long failed, long rejected) {}
