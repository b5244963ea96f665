package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ManagedExecutor;
import dev.weft.Weft;
import java.util.concurrent.RejectedExecutionException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * {@code shutdownNow} racing the start of a task on an executor without a limit.
 *
 * <p>The executor keeps no set of its own tasks: {@code shutdownNow} finds them in the thread
 * registry, and a task registers itself only once its thread runs. Actor 1 executes a task that
 * waits until it is interrupted (or the hang guard passes); actor 2 calls {@code shutdownNow()}.
 * What must hold: a task that {@code execute} accepted is interrupted, whether {@code shutdownNow}
 * came before its thread started, while it was registering, or after (r1); and the executor
 * terminates (r2).
 *
 * <p>Reachable failure (tried): drop the catch-up in {@code ExecTask.registered()}, and a task that
 * registers just after the scan waits out its guard uninterrupted ("ran uninterrupted").
 */
@JCStressTest
@Description("Executor: shutdownNow racing a task's start. An accepted task is always interrupted; the executor terminates.")
@Outcome(id = {"interrupted, terminated", "refused, terminated"}, expect = ACCEPTABLE,
        desc = "Accepted and interrupted, or rejected because shutdownNow came first.")
@Outcome(expect = FORBIDDEN, desc = "An accepted task that shutdownNow never interrupted, or no termination.")
@State
public class ExecutorShutdownNowRacingStartTest {
    private final ManagedExecutor executor = Weft.executor("shutdown-now-vs-start").build();
    private volatile String fate = "never ran";

    @Actor
    public void submitter() {
        try {
            executor.execute(this::waitForInterrupt);
        } catch (RejectedExecutionException refused) {
            fate = "refused";
        }
    }

    private void waitForInterrupt() {
        fate = Probe.awaitInterrupt() ? "interrupted" : "ran uninterrupted";
    }

    @Actor
    public void stopper() {
        Probe.jitter();
        executor.shutdownNow();
    }

    @Arbiter
    public void afterBoth(LL_Result r) {
        boolean terminated = Probe.terminates(executor);
        r.r1 = fate;
        r.r2 = terminated ? "terminated" : "not terminated";
    }
}
