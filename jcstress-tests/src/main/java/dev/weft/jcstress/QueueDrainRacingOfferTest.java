package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ConsumerQueue;
import dev.weft.QueueStats;
import dev.weft.ShutdownReport;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Drain racing offer: a batch consumer drains a full queue, then the owner closes it, while a
 * producer offers without waiting.
 *
 * <p>Before the actors start, the batch consumer holds item 0 (parked in its handler) and items 1
 * and 2 fill the queue (capacity 2). Actor 1 offers items 3 and 4 (no wait: refused while full or
 * closed). Actor 2 lets the consumer go, so it drains 1 and 2 in one batch, and closes the queue.
 * What must hold: an offer that answered {@code true} is delivered exactly once, one that answered
 * {@code false} never (r1, r2); when {@code close} returns everything accepted has been delivered
 * (r3); delivery is in acceptance order and the counters agree: accepted, delivered and refused in
 * {@code stats()} match what the producer saw (r4).
 *
 * <p>Reachable failure (tried): let {@code QueueCore.awaitItems} end the consumer on
 * the ring's closed bit before it looks at what is left in the ring, and "close returned with 1 of 3
 * delivered" appears, with the undelivered items named in r4.
 */
@JCStressTest
@Description("Queue: a batch drain and close racing offer. An accepted offer is delivered once, a refused one never; counters agree; order kept.")
@Outcome(id = {"delivered, delivered, drained, consistent", "refused, delivered, drained, consistent",
        "delivered, refused, drained, consistent", "refused, refused, drained, consistent"}, expect = ACCEPTABLE,
        desc = "Each offer saw the queue full, drained or closed; what it accepted was delivered.")
@Outcome(expect = FORBIDDEN, desc = "An accepted item lost or delivered twice, a refused one delivered, close returned before the drain, order broken, or the counters disagree.")
@State
public class QueueDrainRacingOfferTest {
    private static final int ITEMS = 5;
    private final Ledger ledger = new Ledger(ITEMS);
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private final List<Integer> acceptance = new ArrayList<>();
    private final ConsumerQueue<Integer> queue = Weft.queue("drain-vs-offer").capacity(2).consumeBatches(this::handle);
    private volatile int refusedOffers;

    public QueueDrainRacingOfferTest() {
        send(0);
        await(holding);
        send(1);
        send(2);
    }

    private void handle(List<Integer> batch) {
        if (batch.contains(0)) {
            holding.countDown();
            await(letGo);
        }
        ledger.deliveredAll(batch);
    }

    /** Only the constructor and actor 1 send, one after the other: {@code acceptance} needs no lock. */
    private void send(int item) {
        if (queue.offer(item)) {
            ledger.accepted(item);
            acceptance.add(item);
        } else {
            refusedOffers++;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(Probe.HANG_GUARD_NANOS, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("hang guard: the other side never came");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("nobody interrupts this test", e);
        }
    }

    @Actor
    public void producer() {
        Probe.jitter();
        send(3);
        send(4);
    }

    @Actor
    public void owner(LLLL_Result r) {
        letGo.countDown();
        Probe.jitter();
        ShutdownReport report = queue.close(Duration.ofNanos(Probe.HANG_GUARD_NANOS));
        long accepted = queue.stats().accepted();
        int delivered = ledger.deliveredCount();
        r.r3 = delivered != accepted ? "close returned with " + delivered + " of " + accepted + " delivered"
                : !report.clean() ? "report not clean: " + report
                : "drained";
    }

    @Arbiter
    public void afterBoth(LLLL_Result r) {
        r.r1 = ledger.fate(3);
        r.r2 = ledger.fate(4);
        QueueStats s = queue.stats();
        List<Integer> order = ledger.deliveryOrder();
        r.r4 = !order.equals(acceptance) ? "delivered " + order + " but accepted " + acceptance
                : s.accepted() != acceptance.size() || s.delivered() != order.size() || s.refused() != refusedOffers
                        ? "stats " + s + " but producer saw " + acceptance.size() + " accepted, " + refusedOffers + " refused"
                : "consistent";
    }
}
