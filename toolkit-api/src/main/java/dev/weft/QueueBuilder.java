package dev.weft;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Configures a {@link ConsumerQueue}; {@code consume} or {@code consumeBatches} builds and starts it.
 *
 * <pre>{@code
 * ConsumerQueue<LogEvent> q = Weft.queue("log-writer")
 *         .capacity(10_000)
 *         .whenFull(Overflow.BLOCK)
 *         .drainTimeout(Duration.ofSeconds(5))
 *         .consume(event -> sink.write(event));
 * }</pre>
 */
public interface QueueBuilder {
    /** How many items may wait; default 1,024. */
    QueueBuilder capacity(int capacity);

    /** What happens when the queue is full; default {@link Overflow#BLOCK}. */
    QueueBuilder whenFull(Overflow policy);

    /** How long {@link ConsumerQueue#close()} drains before forcing; default 5 seconds. */
    QueueBuilder drainTimeout(Duration timeout);

    /** Largest batch handed to a batch consumer; default 256. */
    QueueBuilder batchSize(int size);

    /** Receives items left undelivered by a forced close; default: a log line with the count. */
    QueueBuilder onOrphans(Consumer<? super List<Object>> handler);

    /** The factory for the consumer thread, which also receives the consumer's failures. */
    QueueBuilder tasks(TaskFactory factory);

    /** Also close the queue when the thread that built it ends. */
    QueueBuilder closeWhenOwnerEnds();

    /** Builds and starts a queue whose consumer handles one item at a time. */
    <T> ConsumerQueue<T> consume(Consumer<? super T> consumer);

    /** Builds and starts a queue whose consumer handles what is waiting, up to {@code batchSize} at a time. */
    <T> ConsumerQueue<T> consumeBatches(Consumer<? super List<T>> consumer);
}
