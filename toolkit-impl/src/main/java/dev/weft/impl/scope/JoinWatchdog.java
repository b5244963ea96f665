package dev.weft.impl.scope;

import dev.weft.DeadlockReport;
import dev.weft.impl.deadlock.ScopeDeadlocks;
import dev.weft.impl.task.TaskFactoryImpl;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the scopes whose owners wait in {@code join()}, and tells an owner when its scope is all
 * asleep: the owner and every subtask wait, untimed, on Weft primitives for one another.
 *
 * <p>Why a watchdog rather than a timed park in {@code join}: a timed park of a virtual thread
 * schedules and cancels a timer task, which costs more than the rest of a short scope's join. Here a
 * join costs a clock read, a volatile write and, unless the watchdog still holds the scope from an
 * earlier join, one CAS on the scope and one push; the owner parks untimed.
 *
 * <p>One daemon platform thread, started on first use, wakes every {@link #PERIOD_NANOS}, takes the
 * scopes pushed since its last sweep, and checks each held scope that has been joining for at least
 * that long. The checks of one scope all run on this thread, so the scope's watch fields
 * ({@link ScopeImpl.Watch}) and its {@link ScopeDeadlocks.Check} (which confirms a verdict over two
 * consecutive samples) need no synchronisation. A verdict is handed over through
 * {@link ScopeImpl#deadlockFound}, a volatile write followed by an unpark of the owner, which reads
 * it after waking.
 *
 * <p>Invariant: a scope is held by the watchdog (pushed and not yet let go) exactly when its
 * {@code held} flag is set, and the flag moves only by CAS from false to true, so a scope is never
 * held twice. The owner writes {@code joinSince} and then reads {@code held}; the watchdog, letting
 * go of a scope it saw idle, clears {@code held} and then reads {@code joinSince} again. Both are
 * volatile, so one of them sees the other: a join that began meanwhile is never left unwatched.
 */
final class JoinWatchdog {
    static final long PERIOD_NANOS = 100_000_000L;
    private static final VarHandle PENDING;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    static {
        try {
            PENDING = MethodHandles.lookup().findStaticVarHandle(JoinWatchdog.class, "pending", ScopeImpl.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Scopes pushed since the last sweep, newest first, linked through {@link ScopeImpl.Watch#next}. */
    @SuppressWarnings("unused") // through PENDING
    private static volatile ScopeImpl pending;

    private JoinWatchdog() {}

    static void watch(ScopeImpl scope) {
        ScopeImpl.Watch w = scope.watch;
        if (w == null) {
            scope.watch = w = new ScopeImpl.Watch();
        }
        w.joinSince = Math.max(1, System.nanoTime()); // 0 means "not joining"
        if (!w.held && w.hold()) {
            push(scope);
        }
        if (!STARTED.get() && STARTED.compareAndSet(false, true)) {
            TaskFactoryImpl.daemonPlatform("weft-join-watchdog").start(JoinWatchdog::sweepForever);
        }
    }

    static void unwatch(ScopeImpl scope) {
        scope.watch.joinSince = 0;
    }

    private static void push(ScopeImpl scope) {
        for (;;) {
            ScopeImpl head = pending;
            scope.watch.next = head;
            if (PENDING.compareAndSet(head, scope)) {
                return;
            }
        }
    }

    private static void sweepForever() {
        ScopeImpl held = null; // the watchdog's own list, linked through Watch.next
        for (;;) {
            LockSupport.parkNanos(JoinWatchdog.class, PERIOD_NANOS);
            ScopeImpl arrived = (ScopeImpl) PENDING.getAndSet(null);
            while (arrived != null) {
                ScopeImpl next = arrived.watch.next;
                arrived.watch.next = held;
                held = arrived;
                arrived = next;
            }
            long now = System.nanoTime();
            ScopeImpl kept = null;
            for (ScopeImpl s = held; s != null; ) {
                ScopeImpl next = s.watch.next;
                if (stillJoining(s)) {
                    check(s, now);
                    s.watch.next = kept;
                    kept = s;
                } else {
                    s.watch.next = null;
                }
                s = next;
            }
            held = kept;
        }
    }

    /** @return whether to keep holding {@code scope}; if not, it has been let go */
    private static boolean stillJoining(ScopeImpl scope) {
        ScopeImpl.Watch w = scope.watch;
        if (w.joinSince != 0) {
            return true;
        }
        w.held = false;
        // A join may have begun between the read above and the release: then one of us takes it.
        return w.joinSince != 0 && w.hold();
    }

    private static void check(ScopeImpl scope, long now) {
        ScopeImpl.Watch w = scope.watch;
        long since = w.joinSince;
        if (since == 0 || now - since < PERIOD_NANOS) {
            return;
        }
        if (since != w.checkedJoin) { // a new join: start its verdict afresh
            w.checkedJoin = since;
            w.check = null;
            w.broken = false;
        }
        if (w.broken || scope.activeCount() == 0 || scope.isCancelled()) {
            return;
        }
        DeadlockReport report;
        try {
            if (w.check == null) {
                w.check = new ScopeDeadlocks.Check();
            }
            report = w.check.confirmAllAsleep(scope);
        } catch (RuntimeException detectorFailed) {
            w.broken = true; // the detector must never break a join: this join goes on unwatched
            System.getLogger("dev.weft").log(System.Logger.Level.WARNING,
                    "deadlock check of scope '" + scope.name() + "' failed; its join goes on without it", detectorFailed);
            return;
        }
        if (report != null) {
            scope.deadlockFound(report);
        }
    }
}
