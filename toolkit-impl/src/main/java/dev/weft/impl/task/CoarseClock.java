package dev.weft.impl.task;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * {@link System#nanoTime()} for times that need only be about right: when a Weft thread started (for
 * the registry and the reports built from it), when a join began (for the join watchdog), when a
 * scope last pruned its ended subtasks. It reads the real clock at most once per
 * {@link #RESOLUTION_NANOS} while readers keep coming: on virtual machines a {@code nanoTime} call
 * costs tens of nanoseconds, as much as the rest of a thread's bookkeeping, and opening and joining
 * a scope took two of them (about 4 % of a one-subtask scope on a virtual thread, by profile).
 *
 * <p>Invariants: while {@code ticking}, one chain of timer ticks refreshes {@code now} every
 * {@link #RESOLUTION_NANOS}; a chain ends only by a tick that found no reader since the previous
 * tick and wrote {@code ticking = false}, and starts only by the CAS of {@code ticking} from false
 * to true, so at most one chain runs. A reader that sees {@code ticking} gets a value written by the
 * current chain (or by its restart), so at most about one resolution old; a reader that does not
 * reads the real clock. When nobody reads, the clock costs nothing: no tick is scheduled. A value
 * never runs ahead of {@code System.nanoTime()}; two racing restarts may leave it a little behind a
 * value already handed out, so a caller that needs its readings to increase says so itself.
 */
public final class CoarseClock {
    /** How stale a reading may be. */
    public static final long RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final VarHandle TICKING;

    static {
        try {
            TICKING = MethodHandles.lookup().findStaticVarHandle(CoarseClock.class, "ticking", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static volatile long now;
    private static volatile boolean ticking;
    /** Set by readers, cleared by each tick: whether the clock was read since the last tick. */
    private static volatile boolean read;

    private CoarseClock() {}

    /** @return {@link System#nanoTime()}, as of at most about {@link #RESOLUTION_NANOS} ago */
    public static long now() {
        if (ticking) {
            if (!read) {
                read = true; // written only when clear, so readers do not contend on the line
            }
            return now;
        }
        return restart();
    }

    private static long restart() {
        long t = System.nanoTime();
        now = t;
        read = true;
        if (TICKING.compareAndSet(false, true)) {
            WeftTimer.after(RESOLUTION_NANOS, CoarseClock::tick);
        }
        return t;
    }

    /** On the timer thread. */
    private static void tick() {
        if (!read) {
            ticking = false; // idle for a whole resolution: stop until the next read
            return;
        }
        read = false;
        now = System.nanoTime();
        WeftTimer.after(RESOLUTION_NANOS, CoarseClock::tick);
    }
}
