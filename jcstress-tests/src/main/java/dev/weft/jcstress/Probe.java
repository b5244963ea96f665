package dev.weft.jcstress;

import dev.weft.Scope;
import dev.weft.ScopeTimeoutException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What a jcstress test needs to see whether code of a Weft thread outlived the call that should have
 * ended it: bodies call {@link #enter()} first and {@link #exit()} last; the owner calls
 * {@link #closeReturned()} right after {@code close()} returns, then reads {@link #inside()} and
 * {@link #threadsAlive()}. Shared by every jcstress test of the project (scopes, queues, executors).
 *
 * <p>Invariants: {@code inside} counts bodies between enter and exit; {@code ranAfterClose} becomes
 * true only if some exit saw {@code closeReturned} already set. Visibility: every field is volatile or
 * atomic, so a reader after {@code close()} sees every enter and exit that happened before it; an exit
 * that reads {@code closeReturned == false} happened before the owner's write of it, so it is not
 * "after close".
 *
 * <pre>{@code
 * Probe probe = new Probe();
 * scope.fork(() -> { probe.enter(); try { work(); } finally { probe.exit(); } });
 * scope.close();
 * probe.closeReturned();
 * r.r2 = probe.leaks();          // "none" when no body runs any more
 * r.r3 = probe.threadsAlive();   // 0 when every thread that ran a body has ended
 * }</pre>
 */
public final class Probe {
    /** How long a wait inside a test may last before the test calls it a hang: generous, 2 noisy cores. */
    public static final long HANG_GUARD_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final AtomicInteger inside = new AtomicInteger();
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private volatile boolean closeReturned;
    private volatile boolean ranAfterClose;

    /** Called first in a body: records its thread and that it runs. */
    public void enter() {
        threads.add(Thread.currentThread());
        inside.incrementAndGet();
    }

    /** Called last in a body (in a {@code finally}): records whether it ran past {@code close()}. */
    public void exit() {
        if (closeReturned) {
            ranAfterClose = true;
        }
        inside.decrementAndGet();
    }

    /** The owner calls this right after {@code close()} returned. */
    public void closeReturned() {
        closeReturned = true;
    }

    /** @return how many bodies are between {@link #enter()} and {@link #exit()} now */
    public int inside() {
        return inside.get();
    }

    /** @return how many threads that entered a body are still alive now */
    public int threadsAlive() {
        int alive = 0;
        for (Thread t : threads) {
            if (t.isAlive()) {
                alive++;
            }
        }
        return alive;
    }

    /** @return whether some body ended after {@link #closeReturned()} */
    public boolean ranAfterClose() {
        return ranAfterClose;
    }

    /**
     * @return "none" when, right after close, no body runs; otherwise what runs. A thread that has
     *         left its body but not yet terminated is not counted here (see {@link #threadsAlive()}).
     */
    public String leaks() {
        int running = inside();
        return running == 0 ? "none" : running + " body running";
    }

    /**
     * Spins (politely) until {@code condition} holds, for actors that must wait for another actor's
     * step; gives up after {@link #HANG_GUARD_NANOS} so that a bug shows as an outcome, not a hang.
     *
     * @return whether the condition held
     */
    public static boolean spinUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + HANG_GUARD_NANOS;
        for (int spins = 0; !condition.getAsBoolean(); spins++) {
            if (!pause(spins, deadline)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A short spin, then yields: the virtual threads under test need the CPUs that spinning actors
     * (and jcstress itself) would otherwise hold.
     *
     * @return false once the deadline has passed
     */
    private static boolean pause(int spins, long deadline) {
        if (spins < 64) {
            Thread.onSpinWait();
            return true;
        }
        Thread.yield();
        return (spins & 0x3F) != 0 || System.nanoTime() - deadline < 0;
    }

    /**
     * For subtask bodies: spins until {@code condition} holds, ending with {@link InterruptedException}
     * when the thread is interrupted (cancelled) first, as well-behaved blocking code does.
     *
     * @return whether the condition held (false: the hang guard expired)
     */
    public static boolean spinUntilInterruptibly(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + HANG_GUARD_NANOS;
        for (int spins = 0; !condition.getAsBoolean(); spins++) {
            if (Thread.interrupted()) {
                throw new InterruptedException("cancelled while waiting");
            }
            if (!pause(spins, deadline)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Spins a random number of times, log-uniform from 1 to 8192 spin-waits (nanoseconds to about a
     * hundred microseconds), so that a racing step lands sometimes before, sometimes inside and
     * sometimes after the other side's window, whatever this machine's speed.
     */
    public static void jitter() {
        for (int i = 1 << ThreadLocalRandom.current().nextInt(14); i > 0; i--) {
            Thread.onSpinWait();
        }
    }

    /**
     * Parks until the calling thread is interrupted, up to {@link #HANG_GUARD_NANOS}.
     *
     * @return whether it was interrupted (the interrupt status is cleared); false means nobody
     *         interrupted it in time
     */
    public static boolean awaitInterrupt() {
        long deadline = System.nanoTime() + HANG_GUARD_NANOS;
        while (!Thread.interrupted()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(left);
        }
        return true;
    }

    /**
     * Waits up to {@link #HANG_GUARD_NANOS} for {@code executor} to terminate, from an arbiter.
     *
     * @return whether it terminated in time
     */
    public static boolean terminates(java.util.concurrent.ExecutorService executor) {
        try {
            return executor.awaitTermination(HANG_GUARD_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException("nobody interrupts the arbiter", e);
        }
    }

    /**
     * Joins {@code scope} and says how it went: "returned", "join timed out" (the scope's guard
     * deadline passed, which in a join race means a lost wake-up), or "join threw ...".
     */
    public static String joinOutcome(Scope scope) {
        try {
            scope.join();
            return "returned";
        } catch (ScopeTimeoutException e) {
            return "join timed out";
        } catch (InterruptedException | RuntimeException e) {
            return "join threw " + e;
        }
    }
}
