package dev.weft.samples.context;

import dev.weft.ContextCarrier;
import java.util.Map;

/**
 * Carries the {@link MiniMdc} map from the thread that forks a task into the task's thread, and
 * puts back what that thread had before when the task ends.
 *
 * <pre>{@code
 * try (Scope scope = Weft.scope("checkout").carry(new MdcCarrier()).open()) {
 *     scope.fork(() -> { log("loading cart"); return cart(); });   // sees requestId
 *     scope.join();
 * }
 * }</pre>
 *
 * <p>For SLF4J the same three lines use {@code MDC.getCopyOfContextMap()} and
 * {@code MDC.setContextMap(..)} (guarding against the {@code null} map SLF4J returns when empty).
 * To carry it into every scope and task factory without {@code .carry(..)}, list this class in
 * {@code META-INF/services/dev.weft.ContextCarrier}.
 *
 * <p>Thread safety: stateless. {@code capture} runs on the forking thread and returns an immutable
 * copy, so later changes there do not leak into the task; {@code restore} and the handle it
 * returns run on the task's thread.
 */
public final class MdcCarrier implements ContextCarrier<Map<String, String>> {
    /** Public no-argument constructor, as {@link java.util.ServiceLoader} requires. */
    public MdcCarrier() {}

    @Override
    public Map<String, String> capture() {
        return MiniMdc.copy();
    }

    @Override
    public Restored restore(Map<String, String> captured) {
        // Put back what the thread had: a fresh virtual thread had nothing, but a reused pool
        // thread must not keep this task's request id for the next task.
        Map<String, String> previous = MiniMdc.copy();
        MiniMdc.setAll(captured);
        return previous.isEmpty() ? MiniMdc::clear : () -> MiniMdc.setAll(previous);
    }
}
