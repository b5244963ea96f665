package dev.weft;

/**
 * Counters of a {@link ConsumerQueue}. {@code accepted = delivered + failed + dropped-after-accept
 * + undelivered + waiting + inFlight} holds at every quiet moment.
 *
 * <pre>{@code
 * QueueStats s = queue.stats();
 * metrics.gauge("queue.waiting", s.waiting());
 * }</pre>
 *
 * @param accepted    items taken in
 * @param delivered   items the consumer handled without throwing
 * @param failed      items on which the consumer threw
 * @param dropped     items dropped by an overflow policy (the new one, or the oldest)
 * @param refused     items refused because the queue was full under {@link Overflow#FAIL} or closed
 * @param undelivered items handed to the orphan handler by a forced close
 * @param waiting     items accepted and not yet taken by the consumer
 */
public record QueueStats(long accepted, long delivered, long failed, long dropped, long refused,
                         long undelivered, long waiting) {}
