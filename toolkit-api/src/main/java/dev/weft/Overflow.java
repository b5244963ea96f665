package dev.weft;

/**
 * What {@link Producer#put} and {@link Producer#offer} do when a {@link ConsumerQueue} is full.
 * Every dropped or refused item is counted in {@link QueueStats}; none vanishes unannounced.
 */
public enum Overflow {
    /** {@code put} waits for room; {@code offer} returns {@code false}. */
    BLOCK,
    /** The new item is dropped (and counted). */
    DROP_NEWEST,
    /** The oldest waiting item is dropped (and counted) to make room. */
    DROP_OLDEST,
    /** {@code put} and {@code offer} throw {@link QueueFullException}. */
    FAIL,
    /** The producer runs the consumer itself on the item. */
    CALLER_RUNS
}
