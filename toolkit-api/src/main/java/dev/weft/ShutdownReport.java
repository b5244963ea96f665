package dev.weft;

import java.time.Duration;
import java.util.List;

/**
 * What a bounded shutdown achieved.
 *
 * <pre>{@code
 * ShutdownReport r = queue.close(Duration.ofSeconds(2));
 * if (!r.clean()) log.warn(r.toString());
 * }</pre>
 *
 * @param name        what was shut down
 * @param delivered   items or tasks finished during the shutdown
 * @param undelivered items or tasks handed back or to the orphan handler, never silently dropped
 * @param inFlight    items or tasks still running when the report was made
 * @param elapsed     how long the shutdown took
 * @param stuck       threads that outlived the deadline, with stacks
 */
public record ShutdownReport(String name, long delivered, long undelivered, long inFlight, Duration elapsed,
                             List<StuckThread> stuck) {
    public ShutdownReport {
        stuck = List.copyOf(stuck);
    }

    /** @return whether everything finished in time: nothing undelivered, in flight or stuck */
    public boolean clean() {
        return undelivered == 0 && inFlight == 0 && stuck.isEmpty();
    }
}
