package dev.weft.impl.scope;

import dev.weft.DeadlockReport;
import dev.weft.impl.deadlock.ScopeDeadlocks;
import dev.weft.impl.task.TaskFactoryImpl;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the scopes whose owners wait in {@code join()}, and tells an owner when its scope is all
 * asleep: the owner and every subtask wait, untimed, on Weft primitives for one another.
 *
 * <p>Why a watchdog rather than a timed park in {@code join}: a timed park of a virtual thread
 * schedules and cancels a timer task, which costs more than the rest of a short scope's join. Here a
 * join costs a clock read, one set insertion and one removal; the owner parks untimed. The set
 * holds a scope only while its owner joins, so a joined scope is garbage as soon as its owner lets
 * go of it (holding scopes until the next sweep kept whole fan-outs alive and was measured slower).
 *
 * <p>One daemon platform thread, started on first use, wakes every {@link #PERIOD_NANOS} and checks
 * each scope that has been joining for at least that long. The checks of one scope all run on this
 * thread, so the scope's {@link ScopeImpl.Watch} fields other than {@code joinSince} and its
 * {@link ScopeDeadlocks.Check} (which confirms a verdict over two consecutive samples) need no
 * synchronisation; the owner creates the watch and writes {@code joinSince} before inserting the
 * scope, and the set's insertion publishes both. A verdict is handed over through
 * {@link ScopeImpl#deadlockFound}, a volatile write followed by an unpark of the owner, which reads
 * it after waking.
 */
final class JoinWatchdog {
    static final long PERIOD_NANOS = 100_000_000L;
    private static final Set<ScopeImpl> JOINING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private JoinWatchdog() {}

    static void watch(ScopeImpl scope) {
        ScopeImpl.Watch w = scope.watch;
        if (w == null) {
            scope.watch = w = new ScopeImpl.Watch();
        }
        w.joinSince = Math.max(1, System.nanoTime()); // 0 means "not joining"
        JOINING.add(scope);
        if (!STARTED.get() && STARTED.compareAndSet(false, true)) {
            TaskFactoryImpl.daemonPlatform("weft-join-watchdog").start(JoinWatchdog::sweepForever);
        }
    }

    static void unwatch(ScopeImpl scope) {
        JOINING.remove(scope);
        scope.watch.joinSince = 0;
    }

    private static void sweepForever() {
        for (;;) {
            LockSupport.parkNanos(JoinWatchdog.class, PERIOD_NANOS);
            long now = System.nanoTime();
            for (ScopeImpl scope : JOINING) {
                check(scope, now);
            }
        }
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
