package dev.weft.impl.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock-free bounded FIFO under a consumer queue: many producers, one consumer, and two kinds of
 * rare extra takers (a producer dropping the oldest item, a forced close taking what is left). It
 * neither parks nor wakes anyone; {@link QueueCore} builds its waiting on top of it.
 *
 * <p>Algorithm: a sequence-numbered ring (after D. Vyukov's bounded queue). Position {@code p}
 * lives in slot {@code p mod slots}, whose sequence number tells what the slot holds:
 * {@code seq == p} free for the producer of {@code p}; {@code seq == p + 1} holds the item of
 * {@code p}; {@code seq == p + slots} free again for the next lap ({@code slots} is the capacity,
 * but at least 2). Producers claim positions with a CAS on {@code tail}; takers claim them with a
 * CAS on {@code head}.
 *
 * <p>Invariants.
 * <ul>
 *   <li>An item is accepted exactly when its producer's CAS moves {@code tail}; acceptance order is
 *       the order of those CASes, and takers claim positions in the same order.</li>
 *   <li>Close is the {@link #CLOSED} bit of {@code tail}, set once by {@link #close()}; a producer's
 *       CAS expects the bit clear, so after the bit is set no item is accepted, and the positions
 *       below {@code tail} at that moment are exactly the accepted items, all of which a taker will
 *       claim.</li>
 *   <li>Each position is claimed by exactly one taker, by the CAS on {@code head} that moves past it;
 *       the item leaves the slot only to that taker.</li>
 *   <li>Between its CAS and the store of its sequence number a producer (or taker) runs a few plain
 *       instructions and never blocks. {@link #poll()} and {@link #drainTo} do not wait for a
 *       claimed but unpublished position: they answer "nothing ready" and the consumer parks (see
 *       {@link QueueCore}); only {@link #takeAll} (a forced close) waits for one, spinning, yielding,
 *       then parking for growing moments.</li>
 *   <li>{@code head <= tail}, and {@code tail - head <= capacity}.</li>
 * </ul>
 *
 * <p>Visibility. The item is written with a plain store before the (volatile) store of its sequence
 * number and read after the acquire load of it (and likewise the slot's emptying before the release
 * store that frees it), so a taker sees the item its producer wrote and a producer never overwrites
 * an item not yet taken. The publication is a volatile store, not just a release, because the
 * producer next reads the consumer's parked flag: a Dekker pair with the consumer, which sets the
 * flag and then reads the sequence number ({@link #headPublished()}). {@code head} and {@code tail} are read and written as volatiles: the waiting
 * protocols of {@link QueueCore} are Dekker-style handshakes on them (write one volatile, then read
 * the other), which need sequentially consistent accesses.
 */
final class Ring extends RingHead {
    /** The bit of {@code tail} that says the ring is closed to producers. */
    static final long CLOSED = 1L << 62;
    /** Spins (with {@link Thread#onSpinWait()}) before a wait for a publication yields instead. */
    private static final int SPINS_BEFORE_YIELD = 64;
    /** Yields before a forced close's wait for a publication parks instead. */
    private static final int YIELDS_BEFORE_PARK = 8;

    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    /** What {@link #offer} answers. */
    static final int OK = 0;
    static final int FULL = 1;
    static final int CLOSED_TO_PRODUCERS = 2;

    /** How many items the ring may hold. */
    private final int capacity;
    /**
     * How many slots it has: the capacity, but at least 2. With one slot, "holds the item of p"
     * ({@code p + 1}) and "free for p + 1" would be the same sequence number; a ring of capacity 1
     * therefore has two slots and checks {@code tail - head} itself ({@code bounded}).
     */
    private final int slots;
    private final boolean bounded;
    /** {@code slots - 1} when the number of slots is a power of two, else -1. */
    private final int mask;
    private final long[] seqs;
    private final Object[] items;

    Ring(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.slots = Math.max(capacity, 2);
        this.bounded = slots != capacity;
        this.mask = Integer.bitCount(slots) == 1 ? slots - 1 : -1;
        this.seqs = new long[slots];
        this.items = new Object[slots];
        for (int i = 0; i < slots; i++) {
            seqs[i] = i;
        }
    }

    private int slot(long position) {
        return mask >= 0 ? (int) (position & mask) : (int) (position % slots);
    }

    private long seq(int slot) {
        return (long) SEQ.getAcquire(seqs, slot);
    }

    // ------------------------------------------------------------------ producers

    /**
     * Appends {@code item} if the ring is open and has room.
     *
     * @return {@link #OK}, {@link #FULL} (nothing changed; the ring held {@code capacity} items at
     *         some moment during the call) or {@link #CLOSED_TO_PRODUCERS}
     */
    int offer(Object item) {
        for (int spins = 0; ; ) {
            long t = tail();
            if ((t & CLOSED) != 0) {
                return CLOSED_TO_PRODUCERS;
            }
            int i = slot(t);
            long s = seq(i);
            if (s == t) {
                if (bounded && t - head() >= capacity) {
                    return FULL;
                }
                if (casTail(t, t + 1)) {
                    items[i] = item;
                    SEQ.setVolatile(seqs, i, t + 1); // volatile: then the producer looks at the consumer's parked flag
                    return OK;
                }
            } else if (s < t) {
                // The slot still holds (or is about to hold) the item of t - slots.
                if (t - head() >= capacity) {
                    return FULL;
                }
                spins = waitForPublication(spins, false); // its taker has claimed it and is about to free it
            }
            // s > t: another producer took t; read tail again.
        }
    }

    /** Closes the ring to producers. @return whether this call closed it */
    boolean close() {
        return (orTail(CLOSED) & CLOSED) == 0;
    }

    boolean isClosed() {
        return (tail() & CLOSED) != 0;
    }

    /** @return how many items were ever accepted */
    long accepted() {
        return tail() & ~CLOSED;
    }

    /** @return whether an item is there or on its way (accepted, not yet taken) */
    boolean hasItems() {
        return (tail() & ~CLOSED) > head();
    }

    /** @return whether the ring has room for one more item now (an answer that may be stale at once) */
    boolean hasRoom() {
        return (tail() & ~CLOSED) - head() < capacity;
    }

    /** @return whether the ring is closed and every accepted item has been taken */
    boolean isClosedAndEmpty() {
        long t = tail();
        return (t & CLOSED) != 0 && head() >= (t & ~CLOSED);
    }

    /** @return the number of accepted items not yet taken (a snapshot) */
    long size() {
        long h = head();
        return Math.max(0, (tail() & ~CLOSED) - h);
    }

    // ------------------------------------------------------------------ takers

    /**
     * Takes the oldest item if it is published. Never waits: an item accepted but not yet published
     * (its producer is between its claim and its store) answers {@code null} like an empty ring.
     * The consumer then parks until {@link #headPublished()}: the producer's volatile publication,
     * followed by its look at the parked flag, wakes it (see {@link QueueCore}).
     *
     * @return the item, or {@code null}
     */
    Object poll() {
        for (;;) {
            long h = head();
            int i = slot(h);
            long s = seq(i);
            if (s == h + 1) {
                if (casHead(h, h + 1)) {
                    return takeFrom(i, h);
                }
            } else if (s < h + 1) {
                return null;
            }
            // s > h + 1: another taker took h; read head again.
        }
    }

    /** @return whether the oldest item is published, so that {@link #poll()} would take it */
    boolean headPublished() {
        long h = head();
        return (long) SEQ.getVolatile(seqs, slot(h)) == h + 1; // volatile: the consumer's side of the parking handshake
    }

    /**
     * Takes up to {@code max} of the oldest published items into {@code into}, in order, with one
     * claim. Never waits, like {@link #poll()}.
     *
     * @return how many were taken
     */
    int drainTo(List<Object> into, int max) {
        for (;;) {
            long h = head();
            int n = 0;
            while (n < max && n < slots && seq(slot(h + n)) == h + n + 1) {
                n++;
            }
            if (n == 0) {
                if (seq(slot(h)) < h + 1) {
                    return 0;
                }
                continue; // another taker took h; read head again
            }
            if (casHead(h, h + n)) {
                for (int k = 0; k < n; k++) {
                    into.add(takeFrom(slot(h + k), h + k));
                }
                return n;
            }
        }
    }

    /**
     * Takes every item accepted and not yet taken, in order. Meant for a closed ring (a forced
     * close): then nothing can follow, and what it returns is all that will ever be left.
     */
    int takeAll(List<Object> into) {
        for (;;) {
            long h = head();
            long end = tail() & ~CLOSED;
            if (h >= end) {
                return 0;
            }
            if (casHead(h, end)) {
                for (long p = h; p < end; p++) {
                    int i = slot(p);
                    for (int spins = 0; seq(i) != p + 1; ) {
                        spins = waitForPublication(spins, true);
                    }
                    into.add(takeFrom(i, p));
                }
                return (int) (end - h);
            }
        }
    }

    /** The caller's CAS claimed {@code position} and its item is published in {@code slot}: empty the slot for the next lap. */
    private Object takeFrom(int slot, long position) {
        Object item = items[slot];
        items[slot] = null;
        SEQ.setRelease(seqs, slot, position + slots);
        return item;
    }

    /**
     * A position is claimed and its owner is between its CAS and its store: a few instructions,
     * never a blocking call, though its carrier may have been descheduled by the OS. Spin briefly,
     * then yield (the owner may share our carrier); on the forced-close path ({@code mayPark}), past
     * that, park for growing moments rather than keep a core busy.
     *
     * @return the next value of the caller's counter
     */
    private static int waitForPublication(int spins, boolean mayPark) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else if (!mayPark || spins < SPINS_BEFORE_YIELD + YIELDS_BEFORE_PARK) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(1L << (spins - SPINS_BEFORE_YIELD - YIELDS_BEFORE_PARK), 1_000L) * 1_000L);
        }
        return Math.min(spins + 1, SPINS_BEFORE_YIELD + YIELDS_BEFORE_PARK + 10);
    }
}

/** Padding, so that {@code tail} and {@code head} sit on cache lines of their own. */
abstract class RingPad0 {
    @SuppressWarnings("unused") // padding
    private long p00, p01, p02, p03, p04, p05, p06, p07, p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The producers' index, with the {@link Ring#CLOSED} bit. */
abstract class RingTail extends RingPad0 {
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(RingTail.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;

    final long tail() {
        return (long) TAIL.getVolatile(this);
    }

    final boolean casTail(long expected, long next) {
        return TAIL.compareAndSet(this, expected, next);
    }

    final long orTail(long bits) {
        return (long) TAIL.getAndBitwiseOr(this, bits);
    }
}

abstract class RingPad1 extends RingTail {
    @SuppressWarnings("unused") // padding
    private long p20, p21, p22, p23, p24, p25, p26, p27, p30, p31, p32, p33, p34, p35, p36, p37;
}

/** The takers' index. */
abstract class RingHead extends RingPad1 {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(RingHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through HEAD
    private volatile long head;
    @SuppressWarnings("unused") // padding
    private long p40, p41, p42, p43, p44, p45, p46, p47, p50, p51, p52, p53, p54, p55, p56, p57;

    final long head() {
        return (long) HEAD.getVolatile(this);
    }

    final boolean casHead(long expected, long next) {
        return HEAD.compareAndSet(this, expected, next);
    }
}
