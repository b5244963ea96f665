package dev.weft.impl.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the consumer of a queue has handed to its handler, delivered and failed: counters written on
 * every item, so they live apart from the fields producers read on every item (padding before and
 * after), or each item would pull a cache line back and forth between producers and consumer.
 *
 * <p>One writer at a time (the current consumer thread; a restarted consumer starts after its
 * predecessor ended, which orders their writes): plain reads and release stores for the writer,
 * volatile reads for everyone else.
 */
final class ConsumerTally extends ConsumerTallyFields {
    @SuppressWarnings("unused") // padding
    private long q00, q01, q02, q03, q04, q05, q06, q07, q10, q11, q12, q13, q14, q15, q16, q17;

    private static final VarHandle HANDED;
    private static final VarHandle DELIVERED;
    private static final VarHandle FAILED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HANDED = l.findVarHandle(ConsumerTallyFields.class, "handed", long.class);
            DELIVERED = l.findVarHandle(ConsumerTallyFields.class, "delivered", long.class);
            FAILED = l.findVarHandle(ConsumerTallyFields.class, "failed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Writer only. */
    void handed(long n) {
        HANDED.setRelease(this, (long) HANDED.get(this) + n);
    }

    /** Writer only. */
    void delivered(long n) {
        DELIVERED.setRelease(this, (long) DELIVERED.get(this) + n);
    }

    /** Writer only. */
    void failed(long n) {
        FAILED.setRelease(this, (long) FAILED.get(this) + n);
    }

    long handed() {
        return (long) HANDED.getVolatile(this);
    }

    long delivered() {
        return (long) DELIVERED.getVolatile(this);
    }

    long failed() {
        return (long) FAILED.getVolatile(this);
    }
}

/** Padding before the counters. */
abstract class ConsumerTallyPad {
    @SuppressWarnings("unused") // padding
    private long p00, p01, p02, p03, p04, p05, p06, p07, p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The counters, between the paddings. */
abstract class ConsumerTallyFields extends ConsumerTallyPad {
    volatile long handed;
    volatile long delivered;
    volatile long failed;
}
