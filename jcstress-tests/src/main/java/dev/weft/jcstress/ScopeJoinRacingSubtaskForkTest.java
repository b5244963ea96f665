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
 * Join racing a subtask that forks into its own scope and then ends.
 *
 * <p>The owner (actor 1) forks subtask A and joins; actor 2 releases A at any moment around the
 * owner's join. A forks subtask B into the same scope and returns at once, so B may finish before or
 * after A, and both may finish before or after the owner starts waiting. A scope counts forks and
 * finishes apart; what must hold is that join waits for B too (it returns only once B's result is
 * there: r2), that no wake-up is lost (the guard deadline turns one into "join timed out"), and that
 * no body runs after close (r3).
 *
 * <p>The failure this guards against: counting only the owner's forks. Then A's finish alone
 * matches the count, and join returns before B has finished (or, once B's finish overshoots the
 * count, never).
 */
@JCStressTest
@Description("Scope: join racing a subtask that forks into its own scope. join waits for the new subtask too.")
@Outcome(id = "returned, SUCCESS 42, none", expect = ACCEPTABLE, desc = "join returned after both subtasks and saw B's result.")
@Outcome(id = "join timed out.*", expect = FORBIDDEN, desc = "A lost wake-up: join slept through the last finish until the guard deadline.")
@Outcome(expect = FORBIDDEN, desc = "join returned before B finished, B's result was not visible, or a body ran after close.")
@State
public class ScopeJoinRacingSubtaskForkTest {
    /** Far beyond an honest join here; turns a lost wake-up into an outcome instead of a hang. */
    private static final Duration LOST_WAKEUP_GUARD = Duration.ofSeconds(30);

    private final Probe probe = new Probe();
    private volatile boolean armed;
    private volatile boolean release;
    private volatile Subtask<Integer> forkedBySubtask;

    @Actor
    public void owner(LLL_Result r) {
        try (Scope scope = Weft.scope("join-vs-subtask-fork").deadline(LOST_WAKEUP_GUARD).open()) {
            scope.fork(() -> {
                probe.enter();
                try {
                    Probe.spinUntilInterruptibly(() -> release);
                    forkedBySubtask = scope.fork(() -> {
                        probe.enter();
                        try {
                            Probe.jitter();
                            return 42;
                        } finally {
                            probe.exit();
                        }
                    });
                    return 1;
                } finally {
                    probe.exit();
                }
            });
            armed = true;
            Probe.jitter();
            r.r1 = Probe.joinOutcome(scope);
            Subtask<Integer> b = forkedBySubtask;
            Subtask.State state = b == null ? null : b.state();
            r.r2 = state == Subtask.State.SUCCESS ? "SUCCESS " + b.get() : String.valueOf(state);
        } finally {
            armed = true;
        }
        probe.closeReturned();
        r.r3 = probe.leaks();
    }

    @Actor
    public void releaser() {
        Probe.spinUntil(() -> armed);
        release = true;
    }
}
