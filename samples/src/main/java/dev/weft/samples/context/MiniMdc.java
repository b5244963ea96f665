package dev.weft.samples.context;

import java.util.HashMap;
import java.util.Map;

/**
 * A mapped diagnostic context in the style of SLF4J's {@code MDC}: a per-thread map of keys such as
 * {@code requestId} that log lines include. Kept tiny so the sample needs no logging library; the
 * carrier in {@link MdcCarrier} is written the same way for the real {@code org.slf4j.MDC}.
 *
 * <pre>{@code
 * MiniMdc.put("requestId", "req-7f3a");
 * log("loading cart");            // [req-7f3a] loading cart
 * MiniMdc.clear();
 * }</pre>
 *
 * <p>Invariant: each thread sees only its own map (a {@link ThreadLocal}); nothing is inherited by
 * threads it starts, which is why a {@link dev.weft.ContextCarrier} is needed at all.
 */
public final class MiniMdc {
    private static final ThreadLocal<Map<String, String>> MAP = ThreadLocal.withInitial(HashMap::new);

    private MiniMdc() {}

    public static void put(String key, String value) {
        MAP.get().put(key, value);
    }

    /** @return the value of {@code key} on this thread, or {@code null} */
    public static String get(String key) {
        return MAP.get().get(key);
    }

    /** @return a copy of this thread's map, never {@code null} */
    public static Map<String, String> copy() {
        return Map.copyOf(MAP.get());
    }

    /** Replaces this thread's map with a copy of {@code context}. */
    public static void setAll(Map<String, String> context) {
        MAP.set(new HashMap<>(context));
    }

    /** Empties this thread's map and drops the thread-local, so nothing lingers. */
    public static void clear() {
        MAP.remove();
    }
}
