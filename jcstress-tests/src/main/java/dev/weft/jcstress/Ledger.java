package dev.weft.jcstress;

import dev.weft.ConsumerQueue;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What happened to each numbered item (or task) of a jcstress test of a queue or an executor: how
 * often it was accepted, delivered (handled or run), handed back (to the orphan handler, or by
 * {@code shutdownNow}) and whether it failed; {@link #fate(int)} turns that into one word, so that
 * "delivered exactly once or refused, never both or neither" is a plain outcome string. Shared by the
 * queue and executor tests.
 *
 * <p>Invariants: counts only grow. Visibility: every count is an element of an
 * {@link AtomicIntegerArray} (volatile semantics) and the delivery order a concurrent queue, so the
 * arbiter, which runs after every actor and after the consumer has ended (close or termination has
 * returned, a happens-before edge), sees every write.
 *
 * <pre>{@code
 * Ledger ledger = new Ledger(2);
 * queue = Weft.queue("q").consume(ledger::delivered);
 * if (queue.offer(0)) ledger.accepted(0);
 * queue.close();
 * r.r1 = ledger.fate(0);   // "delivered" or "refused"; "lost" or "delivered 2x" are bugs
 * }</pre>
 */
public final class Ledger {
    private final AtomicIntegerArray accepted;
    private final AtomicIntegerArray delivered;
    private final AtomicIntegerArray handedBack;
    private final AtomicIntegerArray failed;
    private final Queue<Integer> order = new ConcurrentLinkedQueue<>();

    /** @param items how many items the test numbers, 0 to {@code items - 1} */
    public Ledger(int items) {
        accepted = new AtomicIntegerArray(items);
        delivered = new AtomicIntegerArray(items);
        handedBack = new AtomicIntegerArray(items);
        failed = new AtomicIntegerArray(items);
    }

    /** The queue or executor took {@code item} in (put or offer returned normally and true, submit did not throw). */
    public void accepted(int item) {
        accepted.incrementAndGet(item);
    }

    /**
     * Offers {@code item}, waiting at most {@code guard} for room, and records it accepted if it was.
     *
     * @return false if the guard ran out: in tests where room always comes, a producer stuck beside it
     */
    public boolean offer(ConsumerQueue<Integer> queue, int item, Duration guard) {
        try {
            if (!queue.offer(item, guard)) {
                return false;
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("nobody interrupts the producers", e);
        }
        accepted(item);
        return true;
    }

    /** The consumer handled {@code item} (or the executor ran it). */
    public void delivered(Object item) {
        int i = (Integer) item;
        order.add(i);
        delivered.incrementAndGet(i);
    }

    /** A batch consumer handled {@code items}. */
    public void deliveredAll(List<?> items) {
        for (Object item : items) {
            delivered(item);
        }
    }

    /** The consumer's handler threw on {@code item}: it counts as failed, not delivered. */
    public void failed(Object item) {
        failed.incrementAndGet((Integer) item);
    }

    /** Items given to the orphan handler, or tasks returned by {@code shutdownNow}. */
    public void handedBack(List<?> items) {
        for (Object item : items) {
            handedBack.incrementAndGet((Integer) item);
        }
    }

    /** @return how many items were delivered, in the order the consumer handled them */
    public List<Integer> deliveryOrder() {
        return List.copyOf(order);
    }

    /** @return how many times any item was accepted */
    public int acceptedCount() {
        int n = 0;
        for (int i = 0; i < accepted.length(); i++) {
            n += accepted.get(i);
        }
        return n;
    }

    /** @return how many deliveries were seen so far */
    public int deliveredCount() {
        return order.size();
    }

    /** @return how many items were handed back so far (orphaned, or returned by {@code shutdownNow}) */
    public int handedBackCount() {
        int n = 0;
        for (int i = 0; i < handedBack.length(); i++) {
            n += handedBack.get(i);
        }
        return n;
    }

    /**
     * @return "delivered", "failed" or "handed back" for an item accepted once that reached exactly
     *         one end; "refused" for one never accepted nor seen again; otherwise a description of
     *         the bug: "lost", "delivered 2x", "refused but delivered", "delivered and handed back", ...
     */
    public String fate(int item) {
        int a = accepted.get(item), d = delivered.get(item), h = handedBack.get(item), f = failed.get(item);
        int ends = d + h + f;
        if (a == 0) {
            return ends == 0 ? "refused" : "refused but " + ends(d, h, f);
        }
        if (a > 1) {
            return "accepted " + a + "x";
        }
        if (ends == 0) {
            return "lost";
        }
        if (ends > 1) {
            return ends(d, h, f);
        }
        return d == 1 ? "delivered" : h == 1 ? "handed back" : "failed";
    }

    private static String ends(int d, int h, int f) {
        StringBuilder s = new StringBuilder();
        append(s, d, "delivered");
        append(s, h, "handed back");
        append(s, f, "failed");
        return s.toString();
    }

    private static void append(StringBuilder s, int n, String what) {
        if (n > 0) {
            s.append(s.length() > 0 ? " and " : "").append(what).append(n > 1 ? " " + n + "x" : "");
        }
    }
}
