package dev.weft;

/**
 * An item was offered to a {@link ConsumerQueue} that is closed; it was not accepted.
 *
 * <pre>{@code
 * try { queue.put(event); } catch (QueueClosedException e) { fallback.write(event); }
 * }</pre>
 */
public class QueueClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public QueueClosedException(String message) {
        super(message);
    }
}
