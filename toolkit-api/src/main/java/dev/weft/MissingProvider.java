package dev.weft;

import dev.weft.spi.WeftProvider;

/** Stands in for the implementation when none is found, so that every call says what to add. */
final class MissingProvider implements WeftProvider {
    private final String message;

    MissingProvider(String message) {
        this.message = message;
    }

    private IllegalStateException missing() {
        return new IllegalStateException(message);
    }

    @Override public ScopeBuilder scope(String name) { throw missing(); }
    @Override public TaskFactoryBuilder tasks(String name) { throw missing(); }
    @Override public QueueBuilder queue(String name) { throw missing(); }
    @Override public ExecutorBuilder executor(String name) { throw missing(); }
    @Override public DeadlockDetector deadlocks() { throw missing(); }
    @Override public ShutdownCoordinator shutdown() { throw missing(); }
}
