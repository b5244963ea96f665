package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ConsumerQueue;
import dev.weft.ShutdownReport;
import dev.weft.Weft;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * Close racing close: a forcing close and a graceful close of the same queue, three items accepted.
 *
 * <p>The queue holds items 0-2, accepted before the actors start; the consumer holds item 0 until
 * actor 2 lets it go (or the force interrupts it). Actor 1 closes with a zero timeout (force at
 * once: what the consumer has not begun goes to the orphan handler); actor 2 lets the consumer go
 * and closes gracefully with a generous timeout. What must hold: both
 * calls return, and when each returns the consumer has ended; each item is delivered or handed to
 * the orphan handler exactly once (r1-r3); the two reports together name exactly the orphaned
 * items, not twice, and neither names an item in flight or a stuck thread (r4).
 *
 * <p>Reachable failure (tried): let {@code QueueCore.awaitItems} end the consumer on
 * the ring's closed bit before it looks at what is left in the ring, and the graceful close loses the
 * items the consumer had not begun: "delivered, lost, lost".
 */
@JCStressTest
@Description("Queue: close racing close. Both return once the consumer ended; every item delivered or orphaned once; the reports' undelivered counts add up to the orphans.")
@Outcome(id = {"delivered, delivered, delivered, consistent", "delivered, delivered, handed back, consistent",
        "delivered, handed back, handed back, consistent", "handed back, handed back, handed back, consistent"},
        expect = ACCEPTABLE, desc = "The force came after some deliveries; the rest went to the orphan handler, counted once.")
@Outcome(id = "(delivered|handed back), (delivered|handed back), (delivered|handed back), consistent, consumer slow to end \\(reported stuck\\)", expect = ACCEPTABLE_INTERESTING,
        desc = "Correct accounting, but the interrupted consumer took longer than the forced close's grace to end (a starved machine); the report named it stuck, as it should.")
@Outcome(expect = FORBIDDEN, desc = "An item lost, delivered or orphaned twice, out of order, a close that returned before the consumer ended, or reports that do not add up (r4).")
@State
public class QueueCloseRacingCloseTest {
    private static final int ITEMS = 3;
    private final Ledger ledger = new Ledger(ITEMS);
    private final CountDownLatch holdFirst = new CountDownLatch(1);
    private final ConsumerQueue<Integer> queue = Weft.queue("close-vs-close").capacity(ITEMS)
            .onOrphans(ledger::handedBack).consume(this::handle);
    private volatile ShutdownReport forced;
    private volatile ShutdownReport graceful;
    private volatile boolean forcedReturnedEarly;
    private volatile boolean gracefulReturnedEarly;

    public QueueCloseRacingCloseTest() {
        for (int i = 0; i < ITEMS; i++) {
            if (queue.offer(i)) {
                ledger.accepted(i);
            }
        }
    }

    /** Holds item 0 until the graceful closer lets go or the forcing close interrupts: items 1 and 2 are still pending when the closes race. */
    private void handle(Integer item) {
        if (item == 0) {
            try {
                holdFirst.await(Probe.HANG_GUARD_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException forced) {
                // the forcing close cancelled the consumer: item 0 is still handled, the rest orphaned
            }
        }
        ledger.delivered(item);
    }

    @Actor
    public void forcing() {
        forced = queue.close(Duration.ZERO);
        forcedReturnedEarly = !terminated();
    }

    @Actor
    public void graceful() {
        holdFirst.countDown();
        Probe.jitter();
        graceful = queue.close(Duration.ofNanos(Probe.HANG_GUARD_NANOS));
        gracefulReturnedEarly = !terminated();
    }

    private boolean terminated() {
        try {
            return queue.awaitTermination(Duration.ZERO);
        } catch (InterruptedException e) {
            throw new IllegalStateException("nobody interrupts the actors", e);
        }
    }

    @Arbiter
    public void afterBoth(LLLL_Result r) {
        r.r1 = ledger.fate(0);
        r.r2 = ledger.fate(1);
        r.r3 = ledger.fate(2);
        int orphans = ledger.handedBackCount();
        long undelivered = forced.undelivered() + graceful.undelivered();
        boolean forcedNamedStuck = !forced.stuck().isEmpty();
        r.r4 = gracefulReturnedEarly ? "the graceful close returned before the consumer ended"
                : forcedReturnedEarly && !forcedNamedStuck ? "the forcing close returned before the consumer ended, naming no stuck thread"
                : !ledger.deliveryOrder().equals(java.util.stream.IntStream.range(0, ledger.deliveredCount()).boxed().toList())
                        ? "delivered out of order: " + ledger.deliveryOrder()
                : undelivered != orphans ? "reports say " + undelivered + " undelivered, orphan handler got " + orphans
                : graceful.inFlight() != 0 || !graceful.stuck().isEmpty() ? "graceful report: " + graceful
                : forcedNamedStuck ? "consistent, consumer slow to end (reported stuck)"
                : forced.inFlight() != 0 ? "forced report: " + forced
                : "consistent";
    }
}
