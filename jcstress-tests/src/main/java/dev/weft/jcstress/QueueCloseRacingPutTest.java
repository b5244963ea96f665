package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ConsumerQueue;
import dev.weft.QueueClosedException;
import dev.weft.ShutdownReport;
import dev.weft.Weft;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Close racing put: a producer puts two items while the owner closes the queue.
 *
 * <p>Actor 1 puts item 0 then item 1 (room for both: no wait); actor 2 closes with a generous
 * drain timeout. What must hold: each item is delivered exactly once (its put returned) or refused
 * (its put threw {@link QueueClosedException}) and never delivered — never both, never neither
 * (r1, r2); refusal is final, so item 1 is never accepted after item 0 was refused; and when
 * {@code close} returns, every accepted item has already been delivered and the report is clean (r3).
 *
 * <p>Reachable failure (tried): let {@code QueueCore.awaitItems} end the consumer on
 * the ring's closed bit before it looks at what is left in the ring, and "lost, lost, close returned with
 * 0 of 2 delivered" appears.
 */
@JCStressTest
@Description("Queue: close racing put. Each item is delivered exactly once or refused; close returns only once all accepted items are delivered.")
@Outcome(id = "delivered, delivered, drained", expect = ACCEPTABLE, desc = "Both puts came before close.")
@Outcome(id = "delivered, refused, drained", expect = ACCEPTABLE, desc = "Close came between the two puts.")
@Outcome(id = "refused, refused, drained", expect = ACCEPTABLE, desc = "Close came first: both refused.")
@Outcome(expect = FORBIDDEN, desc = "An item lost, delivered twice, refused yet delivered, accepted after a refusal, or close returned before the accepted items were delivered (r3).")
@State
public class QueueCloseRacingPutTest {
    private final Ledger ledger = new Ledger(2);
    private final ConsumerQueue<Integer> queue = Weft.queue("close-vs-put").capacity(4).consume(ledger::delivered);

    @Actor
    public void producer() {
        put(0);
        put(1);
    }

    private void put(int item) {
        try {
            queue.put(item);
            ledger.accepted(item);
        } catch (QueueClosedException refused) {
            // refused: the ledger must never see it delivered
        } catch (InterruptedException e) {
            throw new IllegalStateException("nobody interrupts this producer", e);
        }
    }

    @Actor
    public void owner(LLL_Result r) {
        Probe.jitter();
        ShutdownReport report = queue.close(Duration.ofNanos(Probe.HANG_GUARD_NANOS));
        long accepted = queue.stats().accepted();
        int delivered = ledger.deliveredCount();
        r.r3 = delivered != accepted ? "close returned with " + delivered + " of " + accepted + " delivered"
                : !report.clean() ? "report not clean: " + report
                : "drained";
    }

    @Arbiter
    public void afterBoth(LLL_Result r) {
        r.r1 = ledger.fate(0);
        r.r2 = ledger.fate(1);
    }
}
