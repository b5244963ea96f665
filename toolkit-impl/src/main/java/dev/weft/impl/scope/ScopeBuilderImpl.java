package dev.weft.impl.scope;

import dev.weft.ContextCarrier;
import dev.weft.Scope;
import dev.weft.ScopeBody;
import dev.weft.ScopeBuilder;
import dev.weft.ScopeFailedException;
import dev.weft.Subtask;
import dev.weft.TaskFactory;
import dev.weft.impl.task.TaskFactoryBuilderImpl;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.spi.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/** Builds {@link ScopeImpl}s. Not thread-safe, like every builder. */
public final class ScopeBuilderImpl implements ScopeBuilder {
    /** Far above any sensible limit, far below what would overflow a permit count. */
    static final int MAX_CONCURRENCY = 1 << 24;

    private final String name;
    private boolean failFast = true;
    private Duration timeout;
    private int maxConcurrency;
    private TaskFactoryImpl userFactory;
    private TaskFactoryImpl factory;
    private final List<ContextCarrier<?>> carriers = new ArrayList<>();
    private boolean detectDeadlocks = true;

    public ScopeBuilderImpl(String name) {
        this.name = Checks.check("name", name);
    }

    @Override
    public ScopeBuilder failFast() {
        failFast = true;
        return this;
    }

    @Override
    public ScopeBuilder collectAll() {
        failFast = false;
        return this;
    }

    @Override
    public ScopeBuilder deadline(Duration timeout) {
        this.timeout = Checks.positive("timeout", timeout);
        return this;
    }

    @Override
    public ScopeBuilder maxConcurrency(int limit) {
        this.maxConcurrency = Checks.positive("limit", limit, MAX_CONCURRENCY);
        return this;
    }

    @Override
    public ScopeBuilder tasks(TaskFactory factory) {
        this.userFactory = TaskFactoryImpl.adopt(factory);
        this.factory = null;
        return this;
    }

    @Override
    public ScopeBuilder carry(ContextCarrier<?> carrier) {
        carriers.add(Checks.notNull("carrier", carrier));
        factory = null;
        return this;
    }

    @Override
    public ScopeBuilder detectDeadlocks(boolean enabled) {
        this.detectDeadlocks = enabled;
        return this;
    }

    /**
     * One factory per builder, so scopes opened from one builder share thread numbering: the user's
     * (with the builder's carriers added to it), or one named after the scope.
     */
    private TaskFactoryImpl factory() {
        if (factory == null) {
            factory = userFactory != null
                    ? userFactory.carrying(carriers)
                    : new TaskFactoryBuilderImpl(name).carryAll(carriers).build();
        }
        return factory;
    }

    @Override
    public Scope open() {
        return open(failFast, false);
    }

    private ScopeImpl open(boolean failFast, boolean firstSuccessWins) {
        return ScopeImpl.open(name, factory(), failFast, firstSuccessWins, timeout, maxConcurrency, detectDeadlocks);
    }

    @Override
    public <R> R call(ScopeBody<R> body) throws InterruptedException {
        Checks.notNull("body", body);
        try (ScopeImpl scope = open(failFast, false)) {
            R result;
            try {
                result = body.run(scope);
            } catch (RuntimeException | Error | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new ScopeFailedException(name, "the body of scope '" + name + "' threw " + e, e);
            }
            if (!scope.isJoined()) {
                scope.join();
            }
            return result;
        }
    }

    @Override
    public <T> List<T> all(Collection<? extends Callable<? extends T>> tasks) throws InterruptedException {
        List<Callable<? extends T>> checked = checkTasks(tasks);
        try (ScopeImpl scope = open(true, false)) {
            List<Subtask<? extends T>> forked = new ArrayList<>(checked.size());
            for (Callable<? extends T> task : checked) {
                forked.add(scope.fork(task));
            }
            scope.join();
            List<T> results = new ArrayList<>(forked.size());
            for (Subtask<? extends T> subtask : forked) {
                results.add(subtask.get());
            }
            return Collections.unmodifiableList(results);
        }
    }

    @Override
    public <T> T any(Collection<? extends Callable<? extends T>> tasks) throws InterruptedException {
        List<Callable<? extends T>> checked = checkTasks(tasks);
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("tasks must not be empty: any() needs at least one task");
        }
        try (ScopeImpl scope = open(false, true)) {
            for (Callable<? extends T> task : checked) {
                scope.fork(task);
            }
            scope.join();
            SubtaskImpl<?> winner = scope.winner();
            if (winner != null) {
                scope.markFailuresObserved(); // the caller asked for one success: the losers' failures are expected
                @SuppressWarnings("unchecked")
                T result = (T) winner.result();
                return result;
            }
            throw scope.allFailedException();
        }
    }

    private static <T> List<Callable<? extends T>> checkTasks(Collection<? extends Callable<? extends T>> tasks) {
        Checks.notNull("tasks", tasks);
        List<Callable<? extends T>> copy = new ArrayList<>(tasks);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i) == null) {
                throw new NullPointerException("tasks must not contain null, found null at index " + i);
            }
        }
        return copy;
    }
}
