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
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * Join racing completion: the last subtask finishes while the owner enters {@code join()}.
 *
 * <p>The owner (actor 1) forks one subtask and joins; actor 2 releases the subtask at any moment
 * around the owner's join, so its completion (decrement, read the waiter, unpark) races the owner's
 * publish-waiter-then-recheck. What must hold: join returns (no lost wake-up: the scope's deadline,
 * far beyond any honest run, turns a lost wake-up into the outcome "join timed out" instead of a hang);
 * right after it returns the subtask is SUCCESS and its result is visible without waiting (r2) and
 * its thread has ended (r3: a join that saw every subtask end also joins their threads, which is
 * what lets close skip its own waits), and no body runs after close (r4).
 *
 * <p>Reachable failures: read {@code waiter} before the decrement in {@code ScopeImpl.onFinished}
 * (breaking the Dekker pairing) and "join timed out" appears; drop the thread joins from
 * {@code ScopeImpl.join} and "1 alive" appears (the thread is still leaving {@code ManagedTask.run}).
 */
@JCStressTest
@Description("Scope: join racing the last subtask's completion. join returns and the result is visible.")
@Outcome(id = "returned, SUCCESS 42, 0 alive, none", expect = ACCEPTABLE, desc = "join returned, saw the result, and the subtask's thread had ended.")
@Outcome(id = "join timed out.*", expect = FORBIDDEN, desc = "A lost wake-up: join slept through the completion until the guard deadline.")
@Outcome(expect = FORBIDDEN, desc = "join returned before the subtask or its thread finished, the result was not visible, or a body ran after close.")
@State
public class ScopeJoinRacingCompletionTest {
    /** Far beyond an honest join here; turns a lost wake-up into an outcome instead of a hang. */
    private static final Duration LOST_WAKEUP_GUARD = Duration.ofSeconds(30);

    private final Probe probe = new Probe();
    private volatile boolean armed;
    private volatile boolean release;

    @Actor
    public void owner(LLLL_Result r) {
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
            r.r3 = probe.threadsAlive() + " alive";
            r.r2 = state == Subtask.State.SUCCESS ? "SUCCESS " + task.get() : state.name();
        } finally {
            armed = true;
        }
        probe.closeReturned();
        r.r4 = probe.leaks();
    }

    @Actor
    public void completer() {
        Probe.spinUntil(() -> armed);
        release = true;
    }
}
