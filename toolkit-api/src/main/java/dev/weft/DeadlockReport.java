package dev.weft;

import java.util.List;

/**
 * The outcome of a deadlock analysis.
 *
 * <pre>{@code
 * DeadlockReport r = Weft.deadlocks().scan();
 * if (r.found()) System.err.println(r.toText());
 * }</pre>
 */
public interface DeadlockReport {
    /** @return whether any deadlock was found */
    default boolean found() {
        return !deadlocks().isEmpty();
    }

    /** @return the deadlocks found, each with the threads involved */
    List<Deadlock> deadlocks();

    /** @return a {@code jstack}-style text report */
    String toText();

    /** @return the same report as JSON */
    String toJson();
}
