package dev.weft.samples.tour;

import dev.weft.ContextCarrier;
import dev.weft.Scope;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import dev.weft.samples.context.MdcCarrier;
import dev.weft.samples.context.MiniMdc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Context carrying: a request id in an MDC-style map reaches every subtask, including those of a
 * nested scope, and is gone from each subtask's thread when the subtask ends.
 *
 * <pre>{@code
 * MiniMdc.put("requestId", "req-1");
 * try (Scope scope = Weft.scope("order").carry(new MdcCarrier()).open()) {
 *     scope.fork(() -> log("loading cart"));     // [req-1] loading cart
 *     scope.join();
 * }
 * }</pre>
 *
 * <p>Two requests run at once, on two threads, so the output also shows that their ids never mix.
 * Log lines are collected and printed sorted, so the output has one order.
 */
public final class ContextChapter implements Chapter {
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    @Override
    public String id() {
        return "context";
    }

    @Override
    public String title() {
        return "Carrying context: an MDC request id in every subtask";
    }

    @Override
    public void run(boolean smoke) throws Exception {
        WatchedMdcCarrier mdc = new WatchedMdcCarrier();

        // Two "HTTP requests" handled at once, each on its own thread with its own request id.
        TaskFactory http = Weft.tasks("http").build();
        List<Thread> requests = new ArrayList<>();
        for (String id : List.of("req-A", "req-B")) {
            requests.add(http.start(() -> handleRequest(id, mdc)));
        }
        for (Thread t : requests) {
            t.join();
        }

        log.stream().sorted().forEach(line -> System.out.println("  " + line));
        System.out.println("  carrier: restored on " + mdc.restored + " subtask threads, undone on " + mdc.undone
                + "; threads that still had an MDC entry after undo: " + mdc.leftBehind);
        System.out.println("  a scope opened without .carry(..) starts its subtasks with an empty MDC"
                + " (see 'audit' above); list the carrier in META-INF/services/dev.weft.ContextCarrier to carry it everywhere");
    }

    /** What a request handler does: set the id, fan out, clear the id when the request ends. */
    private void handleRequest(String requestId, ContextCarrier<Map<String, String>> mdc) {
        MiniMdc.put("requestId", requestId);
        try (Scope order = Weft.scope("order-" + requestId).carry(mdc).open()) {
            order.fork(() -> log("load user"));
            order.fork(() -> log("load cart"));
            order.fork(() -> {
                // A subtask opens its own scope: the id it received is carried one level further.
                try (Scope price = Weft.scope("price-" + requestId).carry(mdc).open()) {
                    price.fork(() -> log("tax"));
                    price.fork(() -> log("discounts"));
                    price.join();
                }
                return null;
            });
            order.join();
            try (Scope audit = Weft.scope("audit-" + requestId).open()) {   // no carrier
                audit.fork(() -> log("audit"));
                audit.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MiniMdc.clear();   // the handler's own thread: its job, not the carrier's
        }
    }

    private Void log(String message) {
        log.add("[requestId=" + MiniMdc.get("requestId") + "] " + message);
        return null;
    }

    /**
     * The sample's {@link MdcCarrier}, counted: how often it restored a context and undid it, and
     * whether anything was left on a thread after the undo. Only the tour needs this wrapper.
     */
    private static final class WatchedMdcCarrier implements ContextCarrier<Map<String, String>> {
        private final MdcCarrier mdc = new MdcCarrier();
        final AtomicInteger restored = new AtomicInteger();
        final AtomicInteger undone = new AtomicInteger();
        final AtomicInteger leftBehind = new AtomicInteger();

        @Override
        public Map<String, String> capture() {
            return mdc.capture();
        }

        @Override
        public Restored restore(Map<String, String> captured) {
            Restored inner = mdc.restore(captured);
            restored.incrementAndGet();
            return () -> {
                inner.close();
                undone.incrementAndGet();
                if (!MiniMdc.copy().isEmpty()) {
                    leftBehind.incrementAndGet();
                }
            };
        }
    }
}
