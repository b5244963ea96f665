package dev.weft.impl;

import dev.weft.DeadlockDetector;
import dev.weft.ExecutorBuilder;
import dev.weft.QueueBuilder;
import dev.weft.ScopeBuilder;
import dev.weft.ShutdownCoordinator;
import dev.weft.TaskFactoryBuilder;
import dev.weft.impl.deadlock.DeadlockDetectorImpl;
import dev.weft.impl.executor.ExecutorBuilderImpl;
import dev.weft.impl.queue.QueueBuilderImpl;
import dev.weft.impl.scope.ScopeBuilderImpl;
import dev.weft.impl.shutdown.ShutdownCoordinatorImpl;
import dev.weft.impl.task.TaskFactoryBuilderImpl;
import dev.weft.spi.WeftProvider;

/** Weft's implementation, found by {@link dev.weft.Weft} through {@link java.util.ServiceLoader}. */
public final class WeftProviderImpl implements WeftProvider {
    /** Public no-argument constructor, as {@link java.util.ServiceLoader} requires on the class path. */
    public WeftProviderImpl() {}

    @Override
    public ScopeBuilder scope(String name) {
        return new ScopeBuilderImpl(name);
    }

    @Override
    public TaskFactoryBuilder tasks(String name) {
        return new TaskFactoryBuilderImpl(name);
    }

    @Override
    public QueueBuilder queue(String name) {
        return QueueBuilderImpl.create(name);
    }

    @Override
    public ExecutorBuilder executor(String name) {
        return ExecutorBuilderImpl.create(name);
    }

    @Override
    public DeadlockDetector deadlocks() {
        return DeadlockDetectorImpl.instance();
    }

    @Override
    public ShutdownCoordinator shutdown() {
        return ShutdownCoordinatorImpl.instance();
    }
}
