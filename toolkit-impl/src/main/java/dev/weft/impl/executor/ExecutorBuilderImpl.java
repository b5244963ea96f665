package dev.weft.impl.executor;

import dev.weft.ExecutorBuilder;
import dev.weft.ManagedExecutor;
import dev.weft.TaskFactory;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.spi.Checks;
import java.time.Duration;

/**
 * Builds {@link ManagedExecutorImpl}s. Not thread-safe, like every builder; each {@link #build()}
 * makes a new, independent executor from the settings made so far.
 *
 * <pre>{@code
 * ManagedExecutor ex = ExecutorBuilderImpl.create("orders").maxConcurrency(200).build();
 * }</pre>
 */
public final class ExecutorBuilderImpl implements ExecutorBuilder {
    /** Largest accepted {@code maxConcurrency}: beyond it a limit means nothing for virtual threads. */
    static final int MAX_LIMIT = 1 << 24;
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final String name;
    private int limit;
    private boolean rejectWhenBusy;
    private Duration grace = DEFAULT_GRACE;
    private TaskFactoryImpl tasks;

    private ExecutorBuilderImpl(String name) {
        this.name = Checks.check("name", name);
    }

    /** @return a builder for an executor called {@code name} (also the prefix of its threads' names) */
    public static ExecutorBuilder create(String name) {
        return new ExecutorBuilderImpl(name);
    }

    @Override
    public ExecutorBuilder maxConcurrency(int limit) {
        this.limit = Checks.positive("limit", limit, MAX_LIMIT);
        return this;
    }

    @Override
    public ExecutorBuilder rejectWhenBusy() {
        this.rejectWhenBusy = true;
        return this;
    }

    @Override
    public ExecutorBuilder shutdownGrace(Duration grace) {
        this.grace = Checks.nonNegative("grace", grace);
        return this;
    }

    @Override
    public ExecutorBuilder tasks(TaskFactory factory) {
        this.tasks = TaskFactoryImpl.adopt(factory);
        return this;
    }

    /**
     * @throws IllegalStateException if {@link #rejectWhenBusy()} was asked for without a
     *         {@link #maxConcurrency(int)}: there would be nothing to be busy against
     */
    @Override
    public ManagedExecutor build() {
        if (rejectWhenBusy && limit == 0) {
            throw new IllegalStateException("rejectWhenBusy() of executor '" + name + "' needs maxConcurrency(n)");
        }
        TaskFactoryImpl factory = tasks != null ? tasks : TaskFactoryImpl.of(name);
        return ManagedExecutorImpl.start(name, factory, limit, rejectWhenBusy, grace);
    }
}
