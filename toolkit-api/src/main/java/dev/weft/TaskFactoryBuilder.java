package dev.weft;

import java.util.function.Consumer;

/**
 * Configures a {@link TaskFactory}.
 *
 * <pre>{@code
 * TaskFactory tasks = Weft.tasks("ingest").onFailure(f -> log.warn(f.describe())).build();
 * }</pre>
 */
public interface TaskFactoryBuilder {
    /** Where every failure goes; the default logs it through {@link System.Logger} at ERROR. */
    TaskFactoryBuilder onFailure(Consumer<? super Failure> handler);

    /** Virtual threads (the default). */
    TaskFactoryBuilder virtual();

    /** Platform threads; {@code daemon} as given. */
    TaskFactoryBuilder platform(boolean daemon);

    /** Carries thread-bound context from the starting thread into each task. */
    TaskFactoryBuilder carry(ContextCarrier<?> carrier);

    /** @return the factory */
    TaskFactory build();
}
