package dev.weft;

/**
 * Carries a piece of thread-bound context (an MDC map, a trace span, a security context) from the
 * thread that forks a task into the task's thread.
 *
 * <pre>{@code
 * ContextCarrier<Map<String, String>> mdc = new ContextCarrier<>() {
 *     public Map<String, String> capture() { return MDC.getCopyOfContextMap(); }
 *     public Restored restore(Map<String, String> captured) {
 *         MDC.setContextMap(captured);
 *         return MDC::clear;
 *     }
 * };
 * Weft.scope("checkout").carry(mdc).open();
 * }</pre>
 *
 * <p>Carriers may also be installed for every scope and task factory by listing them in
 * {@code META-INF/services/dev.weft.ContextCarrier} (or {@code provides} in a module).
 *
 * @param <T> what is captured
 */
public interface ContextCarrier<T> {
    /** Runs on the forking thread, when the task is forked. */
    T capture();

    /** Runs on the task's thread before the task; the returned handle runs after it. */
    Restored restore(T captured);

    /** Undoes a {@link #restore}; must not throw. */
    @FunctionalInterface
    interface Restored extends AutoCloseable {
        @Override
        void close();
    }
}
