package dev.weft.impl.task;

import java.util.List;

/**
 * The blocker object that Weft's own wait points pass to {@link java.util.concurrent.locks.LockSupport#park(Object)},
 * so that any observer ({@link java.util.concurrent.locks.LockSupport#getBlocker(Thread)}, the deadlock
 * detector) can tell what a parked thread waits for and which threads could release it.
 *
 * <p>Implementations must be safe to call from any thread at any time, and must not block.
 */
public interface WaitPoint {
    /** @return what is waited for, e.g. {@code join of scope 'checkout'} */
    String describe();

    /**
     * @return the threads whose progress would release a waiter here (the subtask whose result is
     *         awaited, the consumer of a full queue); empty when the waiter waits for no thread in particular
     */
    List<Thread> owners();

    /** @return the scope this wait point belongs to, or {@code null} */
    default Object scope() {
        return null;
    }
}
