package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ConsumerQueue;
import dev.weft.ShutdownReport;
import dev.weft.Weft;
import java.time.Duration;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Producers waiting for room racing the consumer that makes it: two producers send three items
 * each into a queue of capacity 1 (overflow BLOCK), so most sends find it full and park while the
 * consumer takes. Room is handed to one parked producer at a time and the woken producers relay it
 * to the next ({@code QueueCore.wakeAProducerIfRoom}); this is where a lost wake-up would hide.
 *
 * <p>Each send waits at most the hang guard (20 s): a send that gives up means a producer stayed
 * parked beside room. What must hold: no producer is stuck (r1); every item is delivered exactly
 * once, each producer's items in the order it sent them (r2); and the queue then closes cleanly
 * (r3).
 *
 * <p>Reachable failure (tried): in {@code QueueCore.awaitRoom}, let a woken producer leave the
 * pending-wake flag set (drop the {@code WAKE_PENDING.setVolatile(this, false)} at its end): nobody
 * wakes the next waiter, producers wait out their guards, and jcstress reports the test as TIMEOUT
 * (a hard error, which {@code .ci/jcstress} fails on) in every configuration.
 */
@JCStressTest
@Description("Queue: puts parked on a full queue racing the consumer's takes. No producer left beside room; every item delivered once, in each producer's order.")
@Outcome(id = "no producer stuck, delivered x6 in producer order, closed cleanly", expect = ACCEPTABLE,
        desc = "Every parked producer was woken when room came.")
@Outcome(expect = FORBIDDEN, desc = "A producer stuck beside room, an item lost, delivered twice or out of its producer's order, or an unclean close.")
@State
public class QueueFullPutRacingTakeTest {
    private static final int PRODUCERS = 2;
    private static final int EACH = 3;
    private static final Duration SEND_GUARD = Duration.ofNanos(Probe.HANG_GUARD_NANOS);

    private final Ledger ledger = new Ledger(PRODUCERS * EACH);
    private final ConsumerQueue<Integer> queue = Weft.queue("full-put").capacity(1)
            .onOrphans(ledger::handedBack)
            .consume(ledger::delivered);
    private volatile boolean stuck;

    @Actor
    public void producer0() {
        sendAll(0);
    }

    @Actor
    public void producer1() {
        sendAll(1);
    }

    /** Producer {@code p} sends items {@code p * EACH} to {@code p * EACH + EACH - 1}, in that order. */
    private void sendAll(int p) {
        for (int i = 0; i < EACH; i++) {
            if (!ledger.offer(queue, p * EACH + i, SEND_GUARD)) {
                stuck = true;
            }
        }
    }

    @Arbiter
    public void afterAll(LLL_Result r) {
        ShutdownReport report = queue.close(SEND_GUARD);
        r.r1 = stuck ? "a producer was stuck" : "no producer stuck";
        StringBuilder wrong = new StringBuilder();
        for (int item = 0; item < PRODUCERS * EACH; item++) {
            String fate = ledger.fate(item);
            if (!fate.equals("delivered")) {
                wrong.append(" ").append(item).append(' ').append(fate);
            }
        }
        List<Integer> order = ledger.deliveryOrder();
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 1; i < EACH; i++) {
                if (order.indexOf(p * EACH + i - 1) > order.indexOf(p * EACH + i)) {
                    wrong.append(" out of order: ").append(order);
                }
            }
        }
        r.r2 = wrong.isEmpty() ? "delivered x6 in producer order" : wrong.toString().trim();
        r.r3 = report.clean() ? "closed cleanly" : "close: " + report;
    }
}
