package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.Scope;
import dev.weft.ScopeFailedException;
import dev.weft.Subtask;
import dev.weft.Weft;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * Failure racing success under fail-fast: one subtask returns, its sibling throws, and the two race.
 *
 * <p>The owner (actor 1) forks {@code ok}, which returns 42 when the owner releases it, and
 * {@code bad}, which throws when actor 2 releases it; then it joins. Whatever the order, the scope
 * has one consistent outcome: {@code join()} throws {@link ScopeFailedException} whose cause is
 * {@code bad}'s exception with nothing suppressed (r1); read as soon as join has returned,
 * {@code bad} is FAILED (r3) and {@code ok} is SUCCESS with its value visible through {@code get()},
 * or CANCELLED by the failure (r2), never still RUNNING; and after {@code close()} no body runs (r4).
 *
 * <p>Reachable failure: let {@code ScopeImpl.awaitSubtasks} return as soon as the scope is cancelled
 * (as it rightly does for a deadline) and "RUNNING" appears for {@code ok}: join would report the
 * failure while a sibling still runs.
 */
@JCStressTest
@Description("Scope: a failure racing a success under failFast. join's exception and the subtasks' states agree.")
@Outcome(id = "failed: bad, SUCCESS 42, FAILED, none", expect = ACCEPTABLE, desc = "ok finished before the failure cancelled it.")
@Outcome(id = "failed: bad, CANCELLED, FAILED, none", expect = ACCEPTABLE, desc = "The failure cancelled ok first.")
@Outcome(expect = FORBIDDEN, desc = "Inconsistent: join returned, a wrong cause, suppressed failures that do not exist, a state that disagrees, or a body running after close.")
@State
public class ScopeFailFastRaceTest {
    static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom() {
            super("bad failed on purpose", null, false, false);
        }
    }

    private final Probe probe = new Probe();
    private final Boom boom = new Boom();
    private volatile boolean armed;
    private volatile boolean releaseOk;
    private volatile boolean releaseBad;

    @Actor
    public void owner(LLLL_Result r) {
        try (Scope scope = Weft.scope("fail-vs-success").open()) {
            Subtask<Integer> ok = scope.fork(() -> {
                probe.enter();
                try {
                    Probe.spinUntilInterruptibly(() -> releaseOk);
                    return 42;
                } finally {
                    probe.exit();
                }
            });
            Subtask<Integer> bad = scope.fork(() -> {
                probe.enter();
                try {
                    Probe.spinUntilInterruptibly(() -> releaseBad);
                    throw boom;
                } finally {
                    probe.exit();
                }
            });
            armed = true;
            Probe.jitter();
            releaseOk = true;
            r.r1 = joinOutcome(scope);
            // Read at once: when join has returned, every subtask's state is final.
            r.r2 = describe(ok);
            r.r3 = describe(bad);
        } finally {
            armed = true;
        }
        probe.closeReturned();
        r.r4 = probe.leaks();
    }

    @Actor
    public void releaser() {
        Probe.spinUntil(() -> armed);
        releaseBad = true;
    }

    private String joinOutcome(Scope scope) {
        try {
            scope.join();
            return "join returned";
        } catch (ScopeFailedException e) {
            if (e.getCause() != boom) {
                return "failed: wrong cause " + e.getCause();
            }
            return e.getSuppressed().length == 0 ? "failed: bad" : "failed: bad +" + e.getSuppressed().length + " suppressed";
        } catch (InterruptedException | RuntimeException e) {
            return "join threw " + e;
        }
    }

    private static String describe(Subtask<Integer> s) {
        Subtask.State state = s.state();
        switch (state) {
            case SUCCESS:
                return "SUCCESS " + s.get();
            case FAILED:
                return s.exception() instanceof Boom ? "FAILED" : "FAILED by " + s.exception();
            default:
                return state.name();
        }
    }
}
