package dev.weft.impl.executor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An int counter alone on its cache lines. The executor's submitters update one on every task and
 * its finishing tasks another; were the two (or the fields that tasks read) on one line, each update
 * would first have to take the line back from the other side. A superclass's fields are laid out
 * before a subclass's, so the value sits between two blocks of two cache lines of padding.
 */
final class PaddedCounter extends PaddedCounterValue {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedCounterValue.class, "value", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long q00, q01, q02, q03, q04, q05, q06, q07, q10, q11, q12, q13, q14, q15, q16, q17;

    int get() {
        return value;
    }

    void increment() {
        VALUE.getAndAdd(this, 1);
    }

    void add(int delta) {
        VALUE.getAndAdd(this, delta);
    }
}

/** The padding before {@link PaddedCounter}'s value. */
@SuppressWarnings("unused")
abstract class PaddedCounterPad {
    private long p00, p01, p02, p03, p04, p05, p06, p07, p10, p11, p12, p13, p14, p15, p16, p17;
}

/** {@link PaddedCounter}'s value. */
abstract class PaddedCounterValue extends PaddedCounterPad {
    volatile int value;
}
