package dev.weft.spi;

import dev.weft.DeadlockDetector;
import dev.weft.ExecutorBuilder;
import dev.weft.QueueBuilder;
import dev.weft.ScopeBuilder;
import dev.weft.ShutdownCoordinator;
import dev.weft.TaskFactoryBuilder;

/**
 * The service that {@link dev.weft.Weft} delegates to. {@code dev.weft:toolkit-impl} provides it
 * (through {@code module-info} on the module path and {@code META-INF/services} on the class path).
 *
 * <p>Users never call this interface; it exists so that the API module has no implementation logic.
 * Every method receives arguments that {@link dev.weft.Weft} has already checked.
 */
public interface WeftProvider {
    /** @return a builder for a scope named {@code name} */
    ScopeBuilder scope(String name);

    /** @return a builder for a task factory named {@code name} */
    TaskFactoryBuilder tasks(String name);

    /** @return a builder for a consumer queue named {@code name} */
    QueueBuilder queue(String name);

    /** @return a builder for a managed executor named {@code name} */
    ExecutorBuilder executor(String name);

    /** @return the JVM-wide deadlock detector */
    DeadlockDetector deadlocks();

    /** @return the JVM-wide shutdown coordinator */
    ShutdownCoordinator shutdown();
}
