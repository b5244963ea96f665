package dev.weft;

import java.util.List;

/**
 * A thread that outlived a shutdown deadline, with what it was doing.
 *
 * <pre>{@code
 * report.stuck().forEach(t -> log.warn(t.describe()));
 * }</pre>
 *
 * @param name    thread name
 * @param id      thread id
 * @param virtual whether it is a virtual thread
 * @param state   its state when seen
 * @param stack   its stack when seen, top first
 */
public record StuckThread(String name, long id, boolean virtual, Thread.State state, List<StackTraceElement> stack) {
    public StuckThread {
        stack = List.copyOf(stack);
    }

    /** @return a {@code jstack}-like description */
    public String describe() {
        StringBuilder out = new StringBuilder()
                .append('"').append(name).append("\" #").append(id)
                .append(virtual ? " virtual" : "").append(' ').append(state);
        for (StackTraceElement frame : stack) {
            out.append("\n\tat ").append(frame);
        }
        return out.toString();
    }
}
