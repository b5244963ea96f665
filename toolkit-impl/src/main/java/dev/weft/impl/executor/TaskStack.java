package dev.weft.impl.executor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The tasks of one {@link ManagedExecutorImpl} whose threads were created, newest first: a Treiber
 * stack through {@link ExecTask#nextTask}, less the tasks pruned after they ended. It is how
 * {@code shutdownNow}, a forced close and the thread registry find the executor's tasks.
 *
 * <p>It sits alone on its cache lines, apart from the executor. Submitters write its head on every
 * task, while every running task reads the executor's own fields ({@code state}, {@code interrupting},
 * its counters' references); on one line, each push would first have to take that line back from
 * the cores running tasks (measured: about 150 ns of CPU per task of a 1,000-task burst, see
 * {@code docs/performance.md}).
 *
 * <p>Invariants: a task is pushed before its thread starts, so a walk that begins after
 * {@link Thread#start()} returned sees it. Pruning unlinks only ended tasks, one pruner at a time
 * ({@code pruning}), and never the head, which concurrent pushes CAS: unlinking a node rewrites only
 * its predecessor's link and the node keeps its own, so a concurrent walk standing on it still
 * reaches the rest. Every {@code max(PRUNE_EVERY, 2 * live)} pushes (looked at once per
 * {@code PRUNE_EVERY}) one pusher prunes: amortised O(1) per task, and the stack holds at most about
 * that many ended tasks, plus {@code PRUNE_EVERY}.
 *
 * <p>Visibility: the CAS of the head publishes a pushed task and its link (written with release
 * before); a pruner's relinks are releases too, and a walker needs only the nodes, not a fence.
 */
final class TaskStack extends TaskStackFields {
    /** Pushes between looks at whether to prune, at least. */
    static final int PRUNE_EVERY = 1024;
    private static final VarHandle HEAD, NEXT_TASK, PRUNING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(TaskStackFields.class, "head", ExecTask.class);
            PRUNING = l.findVarHandle(TaskStackFields.class, "pruning", boolean.class);
            NEXT_TASK = l.findVarHandle(ExecTask.class, "nextTask", ExecTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long q00, q01, q02, q03, q04, q05, q06, q07, q10, q11, q12, q13, q14, q15, q16, q17;

    /** @return the newest task; walk on through {@link ExecTask#nextTask} */
    ExecTask top() {
        return head;
    }

    /** Publishes {@code task}, before its thread starts. */
    void push(ExecTask task) {
        for (;;) {
            ExecTask h = head;
            NEXT_TASK.setRelease(task, h); // no fence of its own: the CAS below publishes it
            if (HEAD.compareAndSet(this, h, task)) {
                return;
            }
        }
    }

    /**
     * Prunes ended tasks when enough pushes have passed since the last prune.
     *
     * @param accepted how many tasks the executor has accepted so far
     * @param executor asked for its live count only when a prune is due: that count reads a line
     *                 finishing tasks keep writing
     */
    void pushed(int accepted, ManagedExecutorImpl executor) {
        if (accepted - nextPruneCheck < 0 || !PRUNING.compareAndSet(this, false, true)) {
            return;
        }
        try {
            nextPruneCheck = accepted + PRUNE_EVERY;
            if (accepted - acceptedAtPrune < 2 * executor.live()) {
                return;
            }
            acceptedAtPrune = accepted;
            pruneEnded();
        } finally {
            pruning = false;
        }
    }

    private void pruneEnded() {
        ExecTask prev = head;
        if (prev == null) {
            return;
        }
        for (ExecTask t = prev.nextTask; t != null; t = t.nextTask) {
            if (t.ended()) {
                NEXT_TASK.setRelease(prev, t.nextTask); // walkers need the node, not a fence
            } else {
                prev = t;
            }
        }
    }
}

/** The padding before {@link TaskStack}'s fields (a superclass's fields are laid out first). */
@SuppressWarnings("unused")
abstract class TaskStackPad {
    private long p00, p01, p02, p03, p04, p05, p06, p07, p10, p11, p12, p13, p14, p15, p16, p17;
}

/** {@link TaskStack}'s fields, all written by pushers only: they may share a line. */
abstract class TaskStackFields extends TaskStackPad {
    volatile ExecTask head;
    /** Held (true) by the one pusher pruning. */
    volatile boolean pruning;
    /** {@code accepted} when the stack was last pruned; written under {@code pruning}. */
    volatile int acceptedAtPrune;
    /** {@code accepted} from which the next push looks at whether to prune; written under {@code pruning}. */
    volatile int nextPruneCheck = TaskStack.PRUNE_EVERY;
}
