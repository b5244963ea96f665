package dev.weft;

/**
 * The sending side of a {@link ConsumerQueue}: it can send but not close.
 *
 * <pre>{@code
 * Producer<LogEvent> p = queue.producer();
 * p.put(event);
 * }</pre>
 */
public interface Producer<T> {
    /**
     * Hands {@code item} to the queue, waiting for room under {@link Overflow#BLOCK}.
     *
     * @throws QueueClosedException if the queue is closed
     * @throws QueueFullException if full under {@link Overflow#FAIL}
     * @throws NullPointerException if {@code item} is null
     */
    void put(T item) throws InterruptedException;

    /**
     * Hands {@code item} to the queue without waiting.
     *
     * @return {@code true} if accepted; {@code false} if the queue is closed or full (and the item dropped)
     */
    boolean offer(T item);

    /** Like {@link #offer(Object)}, waiting up to {@code timeout} for room under {@link Overflow#BLOCK}. */
    boolean offer(T item, java.time.Duration timeout) throws InterruptedException;
}
