package dev.weft.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * Close racing the last subtask: the owner closes without joining while its only subtask ends.
 *
 * <p>The owner (actor 1) forks one subtask and closes the scope at once; actor 2 releases the
 * subtask at any moment around that close, so the subtask's own completion races close's cancel and
 * wait. What must hold: the subtask ends SUCCESS or CANCELLED, never still RUNNING (r1); right after
 * {@code close()} returns no body runs (r2) and no thread of the scope is alive (r3); and no body
 * finished after close returned (r4, read by the arbiter once both actors are done).
 *
 * <p>Reachable failures: signal the scope ({@code onFinished}) from a {@code finally} around the
 * user's code in {@code SubtaskImpl.body} instead of from {@code finished()}, and "RUNNING" appears:
 * close returns before the subtask has recorded how it ended. Today's code fails r3 (a thread alive
 * right after close): the thread still has to leave {@code ManagedTask.run} and terminate after it
 * signalled the scope.
 */
@JCStressTest
@Description("Scope: close racing the last subtask. Nothing of the scope runs once close returns.")
@Outcome(id = "SUCCESS, none, 0 alive, nothing after close", expect = ACCEPTABLE, desc = "The subtask finished before close cancelled it.")
@Outcome(id = "CANCELLED, none, 0 alive, nothing after close", expect = ACCEPTABLE, desc = "close cancelled the subtask, before or while it ran, and waited for it.")
@Outcome(expect = FORBIDDEN, desc = "A subtask still RUNNING, a body running (r2) or thread alive (r3) after close, or a body that ended after close returned (r4).")
@State
public class ScopeCloseRacingLastSubtaskTest {
    private final Probe probe = new Probe();
    private volatile boolean armed;
    private volatile boolean release;

    @Actor
    public void owner(LLLL_Result r) {
        Subtask<Integer> task;
        try (Scope scope = Weft.scope("close-vs-last").open()) {
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
        } finally {
            armed = true;
        }
        probe.closeReturned();
        r.r2 = probe.leaks();
        r.r3 = probe.threadsAlive() + " alive";
        r.r1 = task.state().name();
    }

    @Actor
    public void releaser() {
        Probe.spinUntil(() -> armed);
        release = true;
    }

    @Arbiter
    public void afterBoth(LLLL_Result r) {
        r.r4 = probe.ranAfterClose() ? "a body ended after close" : "nothing after close";
    }
}
