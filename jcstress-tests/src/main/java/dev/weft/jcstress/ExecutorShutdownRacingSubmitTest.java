package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ManagedExecutor;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Shutdown racing submit: {@code shutdownNow} while tasks are handed to an executor with
 * {@code maxConcurrency(1)}, so the second task may wait in the queue.
 *
 * <p>Actor 1 executes task 0 and then task 1; actor 2 calls {@code shutdownNow()}. What must hold:
 * a task whose {@code execute} returned either runs (exactly once) or is among the tasks
 * {@code shutdownNow} returns, never both and never neither; a task whose {@code execute} threw
 * {@link RejectedExecutionException} never runs and is not returned (r1, r2); and the executor
 * terminates (r3).
 *
 * <p>Reachable failure (tried): drop both {@code state != RUNNING} checks of the limited path in
 * {@code ManagedExecutorImpl.accept}, and tasks accepted after {@code shutdownNow} drained the
 * queue come out "lost" (0.1-1 % of samples). Dropping only the check under the lock leaves a
 * window too narrow for one quick run to hit.
 */
@JCStressTest
@Description("Executor: shutdownNow racing execute. Every accepted task runs or is returned, never both or neither; the executor terminates.")
@Outcome(id = {"delivered, delivered, terminated", "delivered, handed back, terminated", "delivered, refused, terminated",
        "refused, refused, terminated"}, expect = ACCEPTABLE,
        desc = "Ran, returned by shutdownNow, or rejected at execute; each exactly one of them.")
@Outcome(expect = FORBIDDEN, desc = "A task lost, run twice, run and returned, rejected yet run, or no termination.")
@State
public class ExecutorShutdownRacingSubmitTest {
    private final Ledger ledger = new Ledger(2);
    private final ManagedExecutor executor = Weft.executor("shutdown-vs-submit").maxConcurrency(1).build();
    private final Task[] tasks = {new Task(0), new Task(1)};
    private volatile List<Runnable> returned = List.of();

    /** A task that records that it ran; its number identifies it among those shutdownNow returns. */
    private final class Task implements Runnable {
        final int number;

        Task(int number) {
            this.number = number;
        }

        @Override
        public void run() {
            ledger.delivered(number);
        }
    }

    @Actor
    public void submitter() {
        for (Task t : tasks) {
            try {
                executor.execute(t);
                ledger.accepted(t.number);
            } catch (RejectedExecutionException refused) {
                // must never run nor be returned
            }
        }
    }

    @Actor
    public void stopper() {
        Probe.jitter();
        returned = executor.shutdownNow();
    }

    @Arbiter
    public void afterBoth(LLL_Result r) {
        boolean terminated = Probe.terminates(executor);
        List<Integer> handedBack = new ArrayList<>();
        for (Runnable t : returned) {
            handedBack.add(t instanceof Task task ? task.number : -1);
        }
        if (handedBack.contains(-1)) {
            r.r3 = "shutdownNow returned something that was never submitted: " + returned;
            return;
        }
        ledger.handedBack(handedBack);
        r.r1 = ledger.fate(0);
        r.r2 = ledger.fate(1);
        r.r3 = terminated ? "terminated" : "not terminated";
    }
}
