package dev.weft.impl.scope;

/**
 * The fields of a {@link ScopeImpl} that a fork writes, laid out apart from those its subtasks read
 * and write as they run ({@code reason}, {@code ends}, {@code waiter}). On a fan-out the owner forks
 * while earlier subtasks finish on other cores; on one cache line, each fork would first have to
 * take the line back from a finishing subtask. A superclass's fields come before a subclass's, so
 * {@link ScopeForkPadding} keeps two cache lines between these and the rest.
 */
abstract class ScopeForkFields {
    /**
     * Every forked subtask, newest first (a Treiber stack through {@link SubtaskImpl#nextForked});
     * the head's {@link SubtaskImpl#forkNumber} is the number of forks so far.
     */
    volatile SubtaskImpl<?> forked;
    /** Owner-only: pushes since the owner last pruned ended subtasks from {@code forked}. */
    int pushesSincePrune;
}

/** Two cache lines of padding after {@link ScopeForkFields}; see there. */
@SuppressWarnings("unused")
abstract class ScopeForkPadding extends ScopeForkFields {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
    private long p10, p11, p12, p13, p14, p15, p16, p17;
}
