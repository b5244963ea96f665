package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ConsumerQueue;
import dev.weft.ShutdownReport;
import dev.weft.Weft;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * A consumer dying (an {@link Error} from its handler) racing two producers on a queue of capacity 1.
 *
 * <p>Actor 1 sends item 0, on which the handler throws an {@code Error}, then item 1; actor 2 sends
 * items 2 and 3. With room for one item, the producers wait for room while the consumer dies and
 * is restarted. Each send waits at most the hang guard (20 s): a send that gives up means a
 * producer was stuck on a dead consumer. What must hold: no producer is stuck (r1); item 0 counts
 * as failed and every other item is delivered exactly once (or, had the queue given its consumer
 * up, handed to the orphan handler), in each producer's order (r2); the death is reported to the
 * factory's failure handler exactly once (r3); and the queue then closes cleanly (r4).
 *
 * <p>Reachable failure (tried): don't restart the consumer after an Error
 * ({@code QueueCore.consumerEnded}): producers wait out their 20 s guard and jcstress reports the
 * test as TIMEOUT (a hard error, which {@code .ci/jcstress} fails on).
 */
@JCStressTest
@Description("Queue: a consumer dying of an Error racing puts. No producer stuck; every accepted item delivered once, the fatal one failed; the death reported once.")
@Outcome(id = "no producer stuck, failed delivered delivered delivered, 1 failure reported, closed cleanly", expect = ACCEPTABLE,
        desc = "The consumer was restarted and delivered everything else.")
@Outcome(expect = FORBIDDEN, desc = "A producer stuck, an item lost, twice or out of order, the death reported other than once, or an unclean close.")
@State
public class QueueConsumerDyingRacingPutTest {
    private static final int ITEMS = 4;
    private static final Duration SEND_GUARD = Duration.ofNanos(Probe.HANG_GUARD_NANOS);

    /** What the handler throws on item 0; no stack, it is expected. */
    static final class Death extends Error {
        Death() {
            super("the consumer dies on item 0, as the test intends", null, false, false);
        }
    }

    private final Ledger ledger = new Ledger(ITEMS);
    private final AtomicInteger failuresReported = new AtomicInteger();
    private final ConsumerQueue<Integer> queue = Weft.queue("dying-consumer").capacity(1)
            .tasks(Weft.tasks("dying-consumer").onFailure(f -> failuresReported.incrementAndGet()).build())
            .onOrphans(ledger::handedBack)
            .consume(this::handle);
    private volatile boolean stuck;

    private void handle(Integer item) {
        if (item == 0) {
            ledger.failed(item);
            throw new Death();
        }
        ledger.delivered(item);
    }

    @Actor
    public void dyingProducer() {
        send(0);
        send(1);
    }

    @Actor
    public void otherProducer() {
        send(2);
        send(3);
    }

    private void send(int item) {
        if (!ledger.offer(queue, item, SEND_GUARD)) {
            stuck = true;
        }
    }

    @Arbiter
    public void afterBoth(LLLL_Result r) {
        ShutdownReport report = queue.close(SEND_GUARD);
        r.r1 = stuck ? "a producer was stuck" : "no producer stuck";
        StringBuilder fates = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            String f = ledger.fate(i);
            // a queue that gave its consumer up hands the rest to the orphan handler: not lost either
            fates.append(i == 0 ? "" : " ").append(f.equals("handed back") ? "delivered" : f);
        }
        List<Integer> order = ledger.deliveryOrder();
        boolean inOrder = order.indexOf(2) < 0 || order.indexOf(3) < 0 || order.indexOf(2) < order.indexOf(3);
        r.r2 = inOrder ? fates.toString() : "out of order: " + order;
        r.r3 = failuresReported.get() + " failure reported";
        r.r4 = report.clean() ? "closed cleanly" : "close: " + report;
    }
}
