package dev.weft.impl.scope;

import dev.weft.DeadlockReport;
import dev.weft.impl.deadlock.ScopeDeadlocks;
import dev.weft.impl.task.CoarseClock;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.impl.task.ThreadRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the scopes whose owners wait in {@code join()}, and tells an owner when its scope is all
 * asleep: the owner and every subtask wait, untimed, on Weft primitives for one another.
 *
 * <p>Why a watchdog rather than a timed park in {@code join}: a timed park of a virtual thread
 * schedules and cancels a timer task, which costs more than the rest of a short scope's join. Here a
 * join costs a coarse clock read and two writes of its own scope's {@link ScopeImpl#joinSince}; the owner
 * parks untimed. The watchdog finds the joining scopes itself, every {@link #PERIOD_NANOS}, by
 * walking the open scopes: the outermost ones are groups of the {@link ThreadRegistry} from open to
 * close, and every other one is a child of the scope it was opened in for that time. So a join
 * writes to no structure shared with other joins (a set of joining scopes, added to and removed
 * from by every join, cost nested scopes of depth 10 about 10 %: docs/performance.md), and nothing
 * here holds a scope that its owner has let go of. The walk costs the watchdog O(open scopes) per
 * period.
 *
 * <p>One daemon platform thread, started on first use, checks each scope whose join has lasted at
 * least one period. The checks of one scope all run on this thread, so {@link ScopeImpl#watch} and
 * the {@link ScopeDeadlocks.Check} in it (which confirms a verdict over two consecutive samples)
 * need no synchronisation. The owner writes {@code deadlock = null} before {@code joinSince}, both
 * volatile, so a watchdog that saw the join has seen it cleared. A verdict is handed over through
 * {@link ScopeImpl#deadlockFound}, a volatile write followed by an unpark of the owner, which reads
 * it after waking.
 */
final class JoinWatchdog {
    static final long PERIOD_NANOS = 100_000_000L;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private JoinWatchdog() {}

    static void watch(ScopeImpl scope) {
        long since = CoarseClock.now();
        long last = scope.lastJoinSince;
        if (since - last <= 0) {
            since = last + 1; // each join's value is new: the watchdog keeps its notes per join
        }
        if (since == 0) {
            since = 1; // 0 means "not joining"
        }
        scope.joinSince = scope.lastJoinSince = since;
        if (!STARTED.get() && STARTED.compareAndSet(false, true)) {
            TaskFactoryImpl.daemonPlatform("weft-join-watchdog").start(JoinWatchdog::sweepForever);
        }
    }

    static void unwatch(ScopeImpl scope) {
        scope.joinSince = 0;
    }

    private static void sweepForever() {
        for (;;) {
            LockSupport.parkNanos(JoinWatchdog.class, PERIOD_NANOS);
            long now = System.nanoTime();
            ThreadRegistry.instance().forEachGroup(g -> {
                if (g instanceof ScopeImpl scope) {
                    sweep(scope, now);
                }
            });
        }
    }

    private static void sweep(ScopeImpl scope, long now) {
        check(scope, now);
        scope.forEachChildScope(child -> sweep(child, now));
    }

    private static void check(ScopeImpl scope, long now) {
        long since = scope.joinSince;
        if (since == 0 || now - since < PERIOD_NANOS) {
            return;
        }
        ScopeImpl.Watch w = scope.watch;
        if (w == null) {
            scope.watch = w = new ScopeImpl.Watch();
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
