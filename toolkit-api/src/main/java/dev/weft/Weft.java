package dev.weft;

import dev.weft.spi.Checks;
import dev.weft.spi.WeftProvider;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The entry point of Weft: structured scopes, exception-capturing task factories, consumer queues,
 * managed executors, deadlock detection and the JVM-wide shutdown coordinator.
 *
 * <pre>{@code
 * try (Scope scope = Weft.scope("checkout").deadline(Duration.ofMillis(500)).open()) {
 *     Subtask<User> user = scope.fork(() -> users.find(id));
 *     Subtask<Cart> cart = scope.fork(() -> carts.find(id));
 *     scope.join();
 *     return new Page(user.get(), cart.get());
 * }
 * }</pre>
 *
 * <p>The implementation is found once, on first use, through {@link ServiceLoader}. Without
 * {@code dev.weft:toolkit-impl} on the class path or module path every method throws
 * {@link IllegalStateException} naming the artifact to add.
 */
public final class Weft {
    private Weft() {}

    /**
     * Starts building a structured scope.
     *
     * @param name the scope's name, used for its threads ({@code name-1, name-2, ...}) and in reports
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static ScopeBuilder scope(String name) {
        return provider().scope(Checks.check("name", name));
    }

    /** Starts building an exception-capturing task factory; its threads are named {@code name-1, ...}. */
    public static TaskFactoryBuilder tasks(String name) {
        return provider().tasks(Checks.check("name", name));
    }

    /** Starts building a sentinel-free, close-as-state consumer queue. */
    public static QueueBuilder queue(String name) {
        return provider().queue(Checks.check("name", name));
    }

    /** Starts building an {@link java.util.concurrent.ExecutorService} replacement. */
    public static ExecutorBuilder executor(String name) {
        return provider().executor(Checks.check("name", name));
    }

    /** The deadlock detector of this JVM; it sees virtual threads, unlike {@code ThreadMXBean}. */
    public static DeadlockDetector deadlocks() {
        return provider().deadlocks();
    }

    /** The JVM-wide shutdown coordinator: one hook, ordered phases, one deadline. */
    public static ShutdownCoordinator shutdown() {
        return provider().shutdown();
    }

    private static WeftProvider provider() {
        return Holder.PROVIDER;
    }

    /** Lazy, thread-safe initialisation by the class-loading lock (initialization-on-demand holder). */
    private static final class Holder {
        static final WeftProvider PROVIDER = load();

        private static WeftProvider load() {
            try {
                Iterator<WeftProvider> found = ServiceLoader.load(WeftProvider.class, Weft.class.getClassLoader()).iterator();
                if (!found.hasNext()) {
                    found = ServiceLoader.load(WeftProvider.class).iterator();
                }
                if (found.hasNext()) {
                    return found.next();
                }
            } catch (ServiceConfigurationError e) {
                return new MissingProvider("the Weft implementation failed to load: " + e.getMessage());
            }
            return new MissingProvider("no Weft implementation found: add the Maven artifact "
                    + "dev.weft:toolkit-impl (it brings dev.weft:toolkit-api) to the class path or module path");
        }
    }
}
