package dev.weft.impl.deadlock;

import dev.weft.Deadlock;
import dev.weft.DeadlockReport;
import java.util.List;

/**
 * An immutable {@link DeadlockReport}: the deadlocks found in one analysis, where the threads came
 * from, and notes on what limited the analysis (a JDK 21 dump without states, a rate-limited dump).
 * Rendering is left to {@link TextRenderer} and {@link JsonRenderer}, computed on each call.
 *
 * <pre>{@code
 * DeadlockReport r = Weft.deadlocks().scan();
 * if (r.found()) System.err.println(r.toText());
 * }</pre>
 */
public final class DeadlockReportImpl implements DeadlockReport {
    private final String source;
    private final int threadsSeen;
    private final List<Deadlock> deadlocks;
    private final List<String> notes;

    DeadlockReportImpl(String source, int threadsSeen, List<Deadlock> deadlocks, List<String> notes) {
        this.source = source;
        this.threadsSeen = threadsSeen;
        this.deadlocks = List.copyOf(deadlocks);
        this.notes = List.copyOf(notes);
    }

    static DeadlockReportImpl none(String source, int threadsSeen, List<String> notes) {
        return new DeadlockReportImpl(source, threadsSeen, List.of(), notes);
    }

    @Override
    public List<Deadlock> deadlocks() {
        return deadlocks;
    }

    /** @return where the threads came from ({@code registry}, {@code jdk-json-dump}, a file) */
    public String source() {
        return source;
    }

    /** @return how many threads the analysis saw */
    public int threadsSeen() {
        return threadsSeen;
    }

    /** @return what limited the analysis, if anything */
    public List<String> notes() {
        return notes;
    }

    @Override
    public String toText() {
        return TextRenderer.render(this);
    }

    @Override
    public String toJson() {
        return JsonRenderer.render(this);
    }

    @Override
    public String toString() {
        return toText();
    }
}
