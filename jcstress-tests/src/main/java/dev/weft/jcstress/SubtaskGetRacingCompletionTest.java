package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import java.util.concurrent.CancellationException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * {@code Subtask.get()} from another thread racing the subtask's completion.
 *
 * <p>The owner (actor 1) forks a subtask that returns 42 once released, publishes it, and releases
 * it after a random spin; actor 2, not the owner, calls {@code get()} on it as soon as it sees it, so
 * its wait (push itself, then look whether the subtask has ended) lands before, inside or after the
 * completion (record the outcome, mark ended, drain the waiters). What must hold: {@code get()}
 * returns 42 (no lost wake-up, and the result written before the outcome is visible), and the state
 * read right after it says SUCCESS. A lost wake-up would leave actor 2 parked for good: the owner,
 * after close, waits for it up to the hang guard and then interrupts it, which turns the hang into the
 * outcome "get interrupted".
 *
 * <p>Reachable failures: drain the waiters in {@code SubtaskImpl.markEnded} before writing
 * {@code ended} (breaking the Dekker pairing) and the run fails (tried: in quick mode one of the four
 * runs ended in a hard error, jcstress giving up on a batch stuck on the 20-s guards, rather than
 * showing "get interrupted"); record the outcome after {@code ended} and a get may return before the
 * result is there.
 */
@JCStressTest
@Description("Subtask.get() on another thread racing completion: returns the result, never sleeps through it.")
@Outcome(id = "42, SUCCESS", expect = ACCEPTABLE, desc = "get returned the result and the state agreed.")
@Outcome(id = "get interrupted.*", expect = FORBIDDEN, desc = "A lost wake-up: get slept through the completion until the guard.")
@Outcome(expect = FORBIDDEN, desc = "get returned something else, or the state did not say SUCCESS.")
@State
public class SubtaskGetRacingCompletionTest {
    private volatile Subtask<Integer> task;
    private volatile boolean release;
    private volatile Thread getter;
    private volatile boolean gotten;

    @Actor
    public void owner() {
        try (Scope scope = Weft.scope("get-vs-completion").open()) {
            task = scope.fork(() -> {
                Probe.spinUntilInterruptibly(() -> release);
                return 42;
            });
            Probe.jitter();
            release = true;
            scope.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("nobody interrupts the owner", e);
        }
        if (!Probe.spinUntil(() -> gotten) && Probe.spinUntil(() -> getter != null)) {
            getter.interrupt();
        }
    }

    @Actor
    public void waiter(LL_Result r) {
        getter = Thread.currentThread();
        Probe.spinUntil(() -> task != null);
        Subtask<Integer> t = task;
        try {
            r.r1 = t.get();
            r.r2 = t.state();
        } catch (CancellationException e) {
            r.r1 = "get interrupted";
            r.r2 = t.state();
            Thread.interrupted();
        } finally {
            gotten = true;
        }
    }
}
