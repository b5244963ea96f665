package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Join racing completion: the last subtask finishes while the owner enters {@code join()}.
 *
 * <p>The owner (actor 1) forks one subtask and joins; actor 2 releases the subtask at any moment
 * around the owner's join, so its completion (decrement, read the waiter, unpark) races the owner's
 * publish-waiter-then-recheck. What must hold: join returns (no lost wake-up: the scope's deadline,
 * far beyond any honest run, turns a lost wake-up into the outcome "join timed out" instead of a hang);
 * right after it returns the subtask is SUCCESS and its result is visible without waiting (r2), and
 * no body runs after close (r3).
 *
 * <p>Reachable failure: read {@code waiter} before the decrement in {@code ScopeImpl.onFinished}
 * (breaking the Dekker pairing) and "join timed out" appears.
 */
@JCStressTest
@Description("Scope: join racing the last subtask's completion. join returns and the result is visible.")
@Outcome(id = "returned, SUCCESS 42, none", expect = ACCEPTABLE, desc = "join returned and saw the result.")
@Outcome(id = "join timed out.*", expect = FORBIDDEN, desc = "A lost wake-up: join slept through the completion until the guard deadline.")
@Outcome(expect = FORBIDDEN, desc = "join returned before the subtask finished, the result was not visible, or a body ran after close.")
@State
public class ScopeJoinRacingCompletionTest {
    /** Far beyond an honest join here; turns a lost wake-up into an outcome instead of a hang. */
    private static final Duration LOST_WAKEUP_GUARD = Duration.ofSeconds(30);

    private final Probe probe = new Probe();
    private volatile boolean armed;
    private volatile boolean release;

    @Actor
    public void owner(LLL_Result r) {
        Subtask<Integer> task;
        try (Scope scope = Weft.scope("join-vs-completion").deadline(LOST_WAKEUP_GUARD).open()) {
            task = scope.fork(() -> {
                probe.enter();
                try {
                    Probe.spinUntilInterruptibly(() -> release);
                    return 42;
                } finally {
                    probe.exit();
                }
            });
            armed = true;
            Probe.jitter();
            r.r1 = Probe.joinOutcome(scope);
            Subtask.State state = task.state();
            r.r2 = state == Subtask.State.SUCCESS ? "SUCCESS " + task.get() : state.name();
        } finally {
            armed = true;
        }
        probe.closeReturned();
        r.r3 = probe.leaks();
    }

    @Actor
    public void completer() {
        Probe.spinUntil(() -> armed);
        release = true;
    }
}
