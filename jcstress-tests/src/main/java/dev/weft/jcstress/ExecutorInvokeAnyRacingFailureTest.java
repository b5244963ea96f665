package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ManagedExecutor;
import dev.weft.Weft;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * invokeAny: the one success racing the last failure.
 *
 * <p>Actor 1 calls {@code invokeAny} on three tasks: one fails at once; one fails and one returns
 * {@code "two"} as soon as actor 2 lets them go, both at the same moment. So the last failure and
 * the success race each other and the caller, which may be reading its books as they land. What
 * must hold: a task succeeded, so {@code invokeAny} returns its result, whatever the order (r1);
 * and the executor terminates once closed (r2, by the arbiter).
 *
 * <p>Reachable failure (tried): let the caller read {@code winner} before {@code done} in
 * {@code ManagedExecutorImpl.AnyResult.await} (the order before {@code 05b013a}). The success lands
 * between the two reads, the caller sees no winner and every task done, and throws
 * {@link ExecutionException}: 15 samples in 652,206 of one quick run. The window is a few
 * instructions wide, so a run may also miss it.
 */
@JCStressTest
@Description("Executor: invokeAny where the only success races the last failure. The success is the answer.")
@Outcome(id = "two, terminated", expect = ACCEPTABLE, desc = "The success was returned, in whichever order the tasks ended.")
@Outcome(expect = FORBIDDEN, desc = "The success was lost (ExecutionException) or the executor did not terminate.")
@State
public class ExecutorInvokeAnyRacingFailureTest {
    private final ManagedExecutor executor = Weft.executor("invoke-any").build();
    private volatile boolean go;

    @Actor
    public void caller(LL_Result r) {
        List<Callable<String>> tasks = List.of(() -> {
            throw new IllegalStateException("first failure");
        }, () -> {
            Probe.spinUntil(() -> go);
            throw new IllegalStateException("last failure");
        }, () -> {
            Probe.spinUntil(() -> go);
            return "two";
        });
        try {
            r.r1 = executor.invokeAny(tasks);
        } catch (ExecutionException e) {
            r.r1 = "ExecutionException: " + e.getCause();
        } catch (InterruptedException | RuntimeException e) {
            r.r1 = "threw " + e;
        }
    }

    @Actor
    public void releaser() {
        Probe.jitter();
        go = true;
    }

    @Arbiter
    public void afterAll(LL_Result r) {
        executor.close();
        r.r2 = Probe.terminates(executor) ? "terminated" : "not terminated";
    }
}
