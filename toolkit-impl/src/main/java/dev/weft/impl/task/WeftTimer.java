package dev.weft.impl.task;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon platform thread that fires Weft's deadlines (scope deadlines, drain timeouts). Actions
 * must be short and must not block: they flip a state and interrupt or unpark threads.
 */
public final class WeftTimer {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private WeftTimer() {}

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, TaskFactoryImpl.daemonPlatform("weft-timer"));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /** Runs {@code action} once {@link System#nanoTime()} reaches {@code deadlineNanos}. */
    public static ScheduledFuture<?> at(long deadlineNanos, Runnable action) {
        return TIMER.schedule(action, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code action} once, {@code delayNanos} from now. */
    static void after(long delayNanos, Runnable action) {
        TIMER.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
    }
}
