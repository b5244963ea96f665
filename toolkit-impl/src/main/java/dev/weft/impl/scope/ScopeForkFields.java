package dev.weft.impl.scope;

/**
 * The fields of a {@link ScopeImpl} that a fork writes, laid out apart from those its subtasks read
 * as they run ({@code reason}, {@code waiter}, the configuration). On a fan-out the owner forks
 * while earlier subtasks run on other cores; on one cache line, every fork would take the line away
 * from them and each of their reads would fetch it back. A superclass's fields come before a subclass's, so
 * {@link ScopeForkPadding} keeps two cache lines between these and the rest.
 */
abstract class ScopeForkFields {
    /** Every forked subtask, newest first (a Treiber stack through {@link SubtaskImpl#nextForked}). */
    volatile SubtaskImpl<?> forked;
    /** Owner-only: pushes since the owner last pruned ended subtasks from {@code forked}. */
    int pushesSincePrune;
    /** Owner-only: {@code pushesSincePrune} at which the owner prunes next: twice what the last prune kept, at least {@value ScopeImpl#PRUNE_EVERY}. */
    int pruneAt = ScopeImpl.PRUNE_EVERY;
    /** Owner-only: {@link System#nanoTime()} at the last prune, or when the scope opened. */
    long lastPruneNanos;
}

/** Two cache lines of padding after {@link ScopeForkFields}; see there. */
@SuppressWarnings("unused")
abstract class ScopeForkPadding extends ScopeForkFields {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
    private long p10, p11, p12, p13, p14, p15, p16, p17;
}
