package dev.weft;

import java.time.Duration;

/**
 * The one JVM shutdown hook for everything Weft owns and whatever users register: phases in order,
 * each under its share of one deadline, then a report of what did not finish.
 *
 * <pre>{@code
 * Weft.shutdown()
 *     .deadline(Duration.ofSeconds(20))
 *     .haltWhenStuck(true)
 *     .register(ShutdownPhase.DRAIN, "orders", () -> orders.close());
 * }</pre>
 */
public interface ShutdownCoordinator {
    /** The budget for all phases together; default 30 seconds. */
    ShutdownCoordinator deadline(Duration deadline);

    /** Halt the JVM ({@link Runtime#halt}) once the deadline has passed, so hung hooks cannot keep it alive. */
    ShutdownCoordinator haltWhenStuck(boolean halt);

    /**
     * Runs {@code action} at JVM shutdown in {@code phase}. Registering after shutdown has begun
     * runs the action at once.
     *
     * @return a handle that unregisters the action
     */
    Registration register(ShutdownPhase phase, String name, Runnable action);

    /** @return whether the JVM shutdown has begun */
    boolean isShuttingDown();

    /** A registered action; {@link #close()} unregisters it. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
