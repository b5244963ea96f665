package dev.weft.impl.scope;

import dev.weft.impl.task.WaitPoint;
import java.util.List;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * Permits for a scope's {@code maxConcurrency}: a non-fair counting semaphore. It subclasses AQS
 * directly (rather than wrapping {@link java.util.concurrent.Semaphore}) so that a thread blocked in
 * {@code fork} has this object as its park blocker, and the deadlock detector can tell what it
 * waits for and whom: the scope's running subtasks.
 *
 * <p>State: the number of free permits, never negative, never above the limit.
 */
final class ConcurrencyLimit extends AbstractQueuedSynchronizer implements WaitPoint {
    private static final long serialVersionUID = 1L;
    private final transient ScopeImpl scope;
    private final int limit;

    ConcurrencyLimit(ScopeImpl scope, int limit) {
        this.scope = scope;
        this.limit = limit;
        setState(limit);
    }

    void acquire() throws InterruptedException {
        acquireSharedInterruptibly(1);
    }

    void release() {
        releaseShared(1);
    }

    @Override
    protected int tryAcquireShared(int permits) {
        for (;;) {
            int free = getState();
            int left = free - permits;
            if (left < 0 || compareAndSetState(free, left)) {
                return left;
            }
        }
    }

    @Override
    protected boolean tryReleaseShared(int permits) {
        for (;;) {
            int free = getState();
            if (compareAndSetState(free, free + permits)) {
                return true;
            }
        }
    }

    @Override
    public String describe() {
        return "concurrency permit of scope '" + scope.name() + "' (limit " + limit + ")";
    }

    @Override
    public List<Thread> owners() {
        return scope.runningThreads();
    }

    @Override
    public Object scope() {
        return scope;
    }
}
