package dev.weft;

/**
 * Phases of the JVM shutdown, run in this order; actions of one phase run in parallel.
 *
 * <pre>{@code
 * Weft.shutdown().register(ShutdownPhase.DRAIN, "orders", orders::close);
 * }</pre>
 */
public enum ShutdownPhase {
    /** Stop taking new work: servers, listeners, schedulers. */
    STOP_INTAKE,
    /** Finish accepted work: executors, scopes, queues of business events. */
    DRAIN,
    /** Flush what reports on the rest: logging and metrics queues, last. */
    FLUSH
}
