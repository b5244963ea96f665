package dev.weft;

import java.time.Duration;

/**
 * A bounded queue with one background consumer that delivers every accepted item: on
 * {@link #close()}, at JVM exit, and when the queue and its producers become unreachable. Close is a
 * state of the queue, not an element in it, so closing never blocks on a full queue.
 *
 * <pre>{@code
 * ConsumerQueue<LogEvent> q = Weft.queue("log-writer").capacity(10_000).consume(sink::write);
 * q.put(event);
 * ShutdownReport report = q.close(Duration.ofSeconds(2));
 * }</pre>
 */
public interface ConsumerQueue<T> extends Producer<T>, AutoCloseable {
    /** @return a view that can send but not close; hand it to producers */
    Producer<T> producer();

    /** Closes gracefully, waiting up to the builder's {@code drainTimeout}. */
    @Override
    void close();

    /**
     * Stops intake, drains what was accepted while the consumer makes progress, up to {@code timeout};
     * then interrupts the consumer and hands what is left to the orphan handler.
     */
    ShutdownReport close(Duration timeout);

    /** @return whether intake has stopped */
    boolean isClosed();

    /** @return {@code true} if the consumer finished within {@code timeout} */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** @return counters of this queue */
    QueueStats stats();
}
