package dev.weft.impl.scope;

import dev.weft.DeadlockReport;
import dev.weft.impl.deadlock.ScopeDeadlocks;
import dev.weft.impl.task.TaskFactoryImpl;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the scopes whose owners wait in {@code join()}, and tells an owner when its scope is all
 * asleep: the owner and every subtask wait, untimed, on Weft primitives for one another.
 *
 * <p>Why a watchdog rather than a timed park in {@code join}: a timed park of a virtual thread
 * schedules and cancels a timer task, which cost more than the rest of a short scope's join; a join
 * here costs one map insert and one removal, and the owner parks untimed.
 *
 * <p>One daemon platform thread, started on first use, wakes every {@link #PERIOD_NANOS} and checks
 * each scope that has been joining for at least that long. The checks of one scope all run on this
 * thread, so its {@link ScopeDeadlocks.Check} (which confirms a verdict over two consecutive samples)
 * needs no synchronisation. A verdict is handed over through {@link ScopeImpl#deadlockFound}, a
 * volatile write followed by an unpark of the owner, which reads it after waking.
 */
final class JoinWatchdog {
    static final long PERIOD_NANOS = 100_000_000L;
    private static final Map<ScopeImpl, Watch> JOINING = new ConcurrentHashMap<>();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private JoinWatchdog() {}

    static void watch(ScopeImpl scope) {
        JOINING.put(scope, new Watch(System.nanoTime()));
        if (!STARTED.get() && STARTED.compareAndSet(false, true)) {
            TaskFactoryImpl.daemonPlatform("weft-join-watchdog").start(JoinWatchdog::sweepForever);
        }
    }

    static void unwatch(ScopeImpl scope) {
        JOINING.remove(scope);
    }

    private static void sweepForever() {
        for (;;) {
            LockSupport.parkNanos(JoinWatchdog.class, PERIOD_NANOS);
            long now = System.nanoTime();
            JOINING.forEach((scope, watch) -> {
                if (now - watch.since >= PERIOD_NANOS) {
                    check(scope, watch);
                }
            });
        }
    }

    private static void check(ScopeImpl scope, Watch watch) {
        if (watch.broken || scope.activeCount() == 0 || scope.isCancelled()) {
            return;
        }
        DeadlockReport report;
        try {
            if (watch.check == null) {
                watch.check = new ScopeDeadlocks.Check();
            }
            report = watch.check.confirmAllAsleep(scope);
        } catch (RuntimeException detectorFailed) {
            watch.broken = true; // the detector must never break a join: this scope goes on unwatched
            System.getLogger("dev.weft").log(System.Logger.Level.WARNING,
                    "deadlock check of scope '" + scope.name() + "' failed; its join goes on without it", detectorFailed);
            return;
        }
        if (report != null) {
            scope.deadlockFound(report);
        }
    }

    /** Per joining scope; touched only by the watchdog thread after publication through the map. */
    private static final class Watch {
        final long since;
        ScopeDeadlocks.Check check; // created at the first check: most joins end before it
        boolean broken;

        Watch(long since) {
            this.since = since;
        }
    }
}
