package dev.weft;

import java.util.List;

/**
 * A thread in a deadlock: who it is, what it waits on, who owns that, what it holds.
 *
 * <pre>{@code
 * for (BlockedThread t : deadlock.threads()) log.error(t.name() + " waits on " + t.waitingOn());
 * }</pre>
 *
 * @param id        thread id
 * @param name      thread name
 * @param virtual   whether it is a virtual thread
 * @param state     its state, as the JDK names it ({@code BLOCKED}, {@code WAITING}, ...)
 * @param scope     the Weft scope it belongs to, or {@code null}
 * @param waitingOn what it waits on ({@code java.util.concurrent.locks.ReentrantLock$NonfairSync@1a2b3c},
 *                  {@code join of scope 'x'}), or {@code null}
 * @param ownerId   the id of the thread that owns what it waits on, or {@code -1} when unknown
 * @param ownerName the name of that thread, or {@code null}
 * @param holds     what it holds (monitors, locks)
 * @param stack     its stack, top first, trimmed of JDK parking frames
 */
public record BlockedThread(long id, String name, boolean virtual, String state, String scope, String waitingOn,
                            long ownerId, String ownerName, List<String> holds, List<String> stack) {
    public BlockedThread {
        holds = List.copyOf(holds);
        stack = List.copyOf(stack);
    }
}
