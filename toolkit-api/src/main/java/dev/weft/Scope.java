package dev.weft;

import java.util.concurrent.Callable;

/**
 * A structured scope: subtasks forked into it run on their own virtual threads, and none outlives
 * it. Only the owner (the thread that opened it) may {@link #join()}, {@link #cancel()} or
 * {@link #close()} it; the owner and the scope's own subtasks may {@link #fork}.
 *
 * <pre>{@code
 * try (Scope scope = Weft.scope("checkout").open()) {
 *     Subtask<User> user = scope.fork(() -> users.find(id));
 *     Subtask<Cart> cart = scope.fork(() -> carts.find(id));
 *     scope.join();
 *     return new Page(user.get(), cart.get());
 * }
 * }</pre>
 *
 * <p>Scopes nest: a scope opened by a subtask, or by the owner inside another open scope, is a child
 * of it. Cancelling a scope cancels its subtasks and every scope they opened, transitively. Scopes
 * of one thread must be closed in the reverse order of opening.
 */
public interface Scope extends AutoCloseable {
    /**
     * Starts {@code task} in a new subtask. After {@link #cancel()} the subtask is returned
     * {@link Subtask.State#CANCELLED} and never runs.
     *
     * @throws IllegalStateException after {@code join()} or {@code close()}
     * @throws WrongThreadException from a thread that is neither the owner nor a subtask of this scope
     * @throws java.util.concurrent.CancellationException if interrupted while waiting for a concurrency permit
     */
    <T> Subtask<T> fork(Callable<? extends T> task);

    /** Like {@link #fork(Callable)} for a task without a result. */
    Subtask<Void> fork(Runnable task);

    /**
     * Waits until every subtask has finished, or the deadline passes.
     *
     * @throws ScopeFailedException if fail-fast and a subtask failed
     * @throws ScopeTimeoutException if the deadline passed first (the rest are cancelled)
     * @throws DeadlockException if the owner and every subtask wait for one another forever
     * @throws java.util.concurrent.CancellationException if an enclosing scope cancelled this one
     * @throws InterruptedException if the owner was interrupted while waiting
     */
    void join() throws InterruptedException;

    /** Cancels every unfinished subtask (interrupting it) and every scope they opened; idempotent. */
    void cancel();

    /** @return whether this scope was cancelled: explicitly, by failure, by deadline, or by an enclosing scope */
    boolean isCancelled();

    /** @return the name given to {@link Weft#scope(String)} */
    String name();

    /**
     * Cancels what still runs, waits until every thread of the scope has ended, and reports failures
     * that nobody observed to the task factory's handler.
     *
     * @throws IllegalStateException if a scope opened later by this thread is still open
     */
    @Override
    void close();
}
