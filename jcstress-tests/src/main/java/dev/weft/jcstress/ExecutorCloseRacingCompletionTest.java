package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ExecutorStats;
import dev.weft.ManagedExecutor;
import dev.weft.Weft;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * Close racing completion: the owner closes an executor while its only task ends.
 *
 * <p>Actor 1 executes one task and closes the executor at once ({@code close()}, Java 19's
 * contract: wait for every task); actor 2 releases the task at any moment around that close. What
 * must hold: when {@code close()} returns the task has run to its end (r1), no task body runs any
 * more (r2), the executor is terminated and its counters are final: 1 submitted, 1 completed, 0
 * running (r3); and no body ended after close returned (r4, read by the arbiter).
 *
 * <p>Reachable failure (tried): in {@code ManagedExecutorImpl.taskFinished}, let the task leave
 * {@code live} before its counters move, and close returns with "completed 0 running 1" (tens of
 * percent of the samples).
 */
@JCStressTest
@Description("Executor: close racing the last task's completion. close returns only after the task ended, with final counters.")
@Outcome(id = "ran, none, terminated submitted 1 completed 1 running 0, nothing after close", expect = ACCEPTABLE,
        desc = "The task ended before or during close, and close waited for it.")
@Outcome(expect = FORBIDDEN, desc = "close returned before the task ended, with a body running, not terminated, or with counters not yet final.")
@State
public class ExecutorCloseRacingCompletionTest {
    private final Probe probe = new Probe();
    private final ManagedExecutor executor = Weft.executor("close-vs-completion").build();
    private volatile boolean submitted;
    private volatile boolean release;
    private volatile boolean ran;

    @Actor
    public void owner(LLLL_Result r) {
        executor.execute(() -> {
            probe.enter();
            try {
                Probe.spinUntil(() -> release);
                ran = true;
            } finally {
                probe.exit();
            }
        });
        submitted = true;
        Probe.jitter();
        executor.close();
        probe.closeReturned();
        r.r2 = probe.leaks();
        r.r1 = ran ? "ran" : "not run";
        ExecutorStats s = executor.stats();
        r.r3 = (executor.isTerminated() ? "terminated" : "not terminated") + " submitted " + s.submitted()
                + " completed " + s.completed() + " running " + s.running();
    }

    @Actor
    public void releaser() {
        Probe.spinUntil(() -> submitted);
        Probe.jitter();
        release = true;
    }

    @Arbiter
    public void afterBoth(LLLL_Result r) {
        r.r4 = probe.ranAfterClose() ? "a body ended after close" : "nothing after close";
    }
}
