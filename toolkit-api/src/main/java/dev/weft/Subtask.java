package dev.weft;

/**
 * A handle on one task forked into a {@link Scope}.
 *
 * <pre>{@code
 * Subtask<Cart> cart = scope.fork(() -> carts.find(id));
 * scope.join();
 * if (cart.state() == Subtask.State.SUCCESS) render(cart.get());
 * }</pre>
 */
public interface Subtask<T> {
    /** The outcome of a subtask. */
    enum State {
        /** Not finished yet. */
        RUNNING,
        /** Returned a result. */
        SUCCESS,
        /** Threw; {@link #exception()} tells what. */
        FAILED,
        /** Cancelled before or while running: by the scope, a sibling's failure, a deadline or an enclosing scope. */
        CANCELLED
    }

    /**
     * Waits, if need be, until the subtask has finished, and returns its result.
     *
     * @throws IllegalStateException if it failed (the failure is the cause)
     * @throws java.util.concurrent.CancellationException if it was cancelled, or the caller was
     *         interrupted while waiting (its interrupt status is then set again)
     */
    T get();

    /** @return the current state; never blocks */
    State state();

    /** @return what the subtask threw if it {@link State#FAILED}, else {@code null} */
    Throwable exception();

    /** @return the subtask's name, which is also its thread's name */
    String name();
}
