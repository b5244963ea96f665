package dev.weft;

/**
 * A {@link ConsumerQueue} built with {@link Overflow#FAIL} was full.
 *
 * <pre>{@code
 * try { queue.put(event); } catch (QueueFullException e) { metrics.rejected(); }
 * }</pre>
 */
public class QueueFullException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public QueueFullException(String message) {
        super(message);
    }
}
