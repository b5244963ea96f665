package dev.weft;

import java.util.List;

/**
 * One deadlock: its kind and the threads in it.
 *
 * <pre>{@code
 * for (Deadlock d : report.deadlocks()) log.error(d.kind() + ": " + d.threads());
 * }</pre>
 *
 * @param kind    what was found
 * @param threads the threads involved, each with what it waits on
 * @param scope   the scope involved (for {@link Kind#ALL_ASLEEP}), or {@code null}
 */
public record Deadlock(Kind kind, List<BlockedThread> threads, String scope) {
    public Deadlock {
        threads = List.copyOf(threads);
    }

    /** What kind of deadlock. */
    public enum Kind {
        /** A cycle of threads, each waiting untimed for a lock or result owned by the next. */
        LOCK_CYCLE,
        /** Every thread of a scope, and its owner, waits untimed on Weft primitives, and nothing is in flight. */
        ALL_ASLEEP,
        /** Unchanged over repeated samples but not provable. */
        SUSPECTED_STALL
    }
}
