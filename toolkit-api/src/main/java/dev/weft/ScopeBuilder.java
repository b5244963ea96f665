package dev.weft;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Configures and opens a {@link Scope}. A builder may be used for one scope or several; each
 * {@link #open()} makes a new scope owned by the calling thread.
 *
 * <pre>{@code
 * List<Price> prices = Weft.scope("prices").deadline(Duration.ofSeconds(1)).all(List.of(() -> a(), () -> b()));
 * }</pre>
 */
public interface ScopeBuilder {
    /** The first real failure cancels every sibling; {@code join()} throws {@link ScopeFailedException}. The default. */
    ScopeBuilder failFast();

    /** Failures cancel nothing; {@code join()} returns and each {@link Subtask} tells its outcome. */
    ScopeBuilder collectAll();

    /**
     * At the deadline, unfinished subtasks are cancelled and {@code join()} throws
     * {@link ScopeTimeoutException}. A nested scope's effective deadline is the earlier of its own and
     * its parent's.
     *
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    ScopeBuilder deadline(Duration timeout);

    /**
     * At most {@code limit} subtasks run at once; {@code fork} blocks (interruptibly) while the limit is reached.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    ScopeBuilder maxConcurrency(int limit);

    /** Failures of subtasks that nobody observed go to this factory's handler; threads are its threads. */
    ScopeBuilder tasks(TaskFactory factory);

    /** Captures a value on fork and restores it in the subtask (MDC, tracing, security context). */
    ScopeBuilder carry(ContextCarrier<?> carrier);

    /**
     * Whether {@code join()} throws {@link DeadlockException} when the owner and every subtask wait,
     * untimed, on one another through Weft's primitives. On by default.
     */
    ScopeBuilder detectDeadlocks(boolean enabled);

    /** Opens the scope; the calling thread becomes its owner. */
    Scope open();

    /**
     * Opens a scope, runs {@code body} in it, joins if the body did not, and closes it.
     *
     * @throws ScopeFailedException if a subtask failed (fail-fast) or the body threw a checked exception
     */
    <R> R call(ScopeBody<R> body) throws InterruptedException;

    /**
     * Runs every task in its own subtask and returns their results in the order given. Fail-fast
     * whatever the builder says: the first failure cancels the rest.
     */
    <T> List<T> all(Collection<? extends Callable<? extends T>> tasks) throws InterruptedException;

    /**
     * Returns the result of the first task to succeed and cancels the rest.
     *
     * @throws ScopeFailedException if every task failed: the first failure as cause, the rest suppressed
     * @throws IllegalArgumentException if {@code tasks} is empty
     */
    <T> T any(Collection<? extends Callable<? extends T>> tasks) throws InterruptedException;
}
