package dev.weft.impl.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link TaskStack} promises its executor: every pushed task is found until it has ended, and ended ones do not pile up. */
class TaskStackTest {
    private ManagedExecutorImpl executor;
    private final TaskStack stack = new TaskStack();

    @BeforeEach
    void open() {
        executor = (ManagedExecutorImpl) Weft.executor("stack").build();
    }

    @AfterEach
    void close() {
        executor.close();
    }

    private ExecTask pushNew() {
        ExecTask t = new ExecTask(executor, () -> {}, null);
        stack.push(t);
        return t;
    }

    private List<ExecTask> walk() {
        List<ExecTask> seen = new ArrayList<>();
        for (ExecTask t = stack.top(); t != null; t = t.nextTask) {
            seen.add(t);
        }
        return seen;
    }

    @Test
    void aWalkFindsEveryPushedTaskNewestFirst() {
        List<ExecTask> pushed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pushed.add(pushNew());
        }
        assertThat(walk()).containsExactlyElementsOf(pushed.reversed());
    }

    @Test
    void noPruneBeforeEnoughPushes() {
        for (int i = 0; i < 100; i++) {
            pushNew().markEnded();
        }
        stack.pushed(100, executor);
        assertThat(walk()).hasSize(100);
    }

    @Test
    void aDuePruneUnlinksEndedTasksButKeepsRunningOnesAndTheHead() {
        List<ExecTask> running = new ArrayList<>();
        for (int i = 0; i < TaskStack.PRUNE_EVERY; i++) {
            ExecTask t = pushNew();
            if (i % 100 == 0) {
                running.add(t);
            } else {
                t.markEnded();
            }
        }
        ExecTask head = pushNew();
        head.markEnded(); // the head is never unlinked: concurrent pushes CAS it

        stack.pushed(TaskStack.PRUNE_EVERY + 1, executor);

        List<ExecTask> expected = new ArrayList<>();
        expected.add(head);
        expected.addAll(running.reversed());
        assertThat(walk()).containsExactlyElementsOf(expected);
    }

    @Test
    void aWalkerStandingOnAPrunedTaskStillReachesTheRest() {
        ExecTask oldest = pushNew(); // still running
        List<ExecTask> ended = new ArrayList<>();
        for (int i = 0; i < TaskStack.PRUNE_EVERY; i++) {
            ExecTask t = pushNew();
            t.markEnded();
            ended.add(t);
        }
        pushNew();
        ExecTask standingOn = ended.get(ended.size() / 2);

        stack.pushed(TaskStack.PRUNE_EVERY + 2, executor);

        ExecTask t = standingOn;
        while (t.nextTask != null) {
            t = t.nextTask;
        }
        assertThat(t).isSameAs(oldest);
        assertThat(walk()).hasSize(2);
    }

    @Test
    void aLongLivedExecutorKeepsABoundedStack() throws Exception {
        for (int i = 0; i < 20_000; i++) {
            executor.submit(() -> 1).get();
        }
        // ended tasks are unlinked every max(PRUNE_EVERY, 2 * live) starts: at most about that many stay
        int onStack = 0;
        for (ExecTask t = executor.taskStack().top(); t != null; t = t.nextTask) {
            onStack++;
        }
        assertThat(onStack).isLessThanOrEqualTo(2 * TaskStack.PRUNE_EVERY + 1);
    }
}
