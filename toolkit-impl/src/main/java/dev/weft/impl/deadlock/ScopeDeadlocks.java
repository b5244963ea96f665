package dev.weft.impl.deadlock;

import dev.weft.Deadlock;
import dev.weft.DeadlockReport;
import dev.weft.impl.scope.ScopeImpl;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a scope's {@code join} asks while it waits: is this scope, with its owner, all asleep? Reads
 * only the scope's own threads and those they wait for ({@code getState}, {@code getBlocker}; no dump,
 * no stacks until a verdict), so a join may ask on every wake-up.
 *
 * <p>A scope is all asleep when the owner (the caller, in {@code join}) and every thread it transitively
 * waits for park untimed at Weft wait points whose owners are all in that group, and no subtask is
 * between fork and start. The caller confirms by asking twice, on two wake-ups, and throws only when
 * both answers name the same threads waiting the same way: {@link Check} keeps the first answer.
 *
 * <pre>{@code
 * ScopeDeadlocks.Check check = new ScopeDeadlocks.Check();   // one per join
 * DeadlockReport r = check.confirmAllAsleep(scope);          // on each wake-up; non-null: throw
 * }</pre>
 */
public final class ScopeDeadlocks {
    private ScopeDeadlocks() {}

    /** The memory of one join between two wake-ups. Used by the owner thread only. */
    public static final class Check {
        private ThreadDump previous;
        private Analyzer.Finding previousFinding;

        /**
         * @return a confirmed report that {@code scope} is all asleep, or {@code null}
         */
        public DeadlockReport confirmAllAsleep(ScopeImpl scope) {
            if (scope.activeCount() != scope.runningThreads().size()) {
                previous = null; // a subtask is forked but not yet running: something is in flight
                return null;
            }
            ThreadDump sample = LiveSources.scopeGroup(scope);
            Analyzer.Finding f = allAsleep(sample, scope.owner().threadId());
            if (f == null) {
                previous = null;
                return null;
            }
            if (previous != null && previousFinding.key().equals(f.key())
                    && !DeadlockDetectorImpl.unchanged(previous, List.of(previousFinding), sample, List.of(f)).isEmpty()) {
                Set<Long> ids = new HashSet<>(f.threadIds());
                ThreadDump withStacks = LiveSources.withStacks(sample, ids);
                return ReportBuilder.build(withStacks, List.of(f), List.of(
                        "the owner of scope '" + scope.name() + "' (" + scope.owner().getName()
                                + ") was in join(); every thread listed waits on a Weft primitive for another one listed"));
            }
            previous = sample;
            previousFinding = f;
            return null;
        }
    }

    private static Analyzer.Finding allAsleep(ThreadDump sample, long ownerId) {
        for (Analyzer.Finding f : Analyzer.analyze(sample)) {
            if (f.kind() == Deadlock.Kind.ALL_ASLEEP && f.threadIds().contains(ownerId)) {
                return f;
            }
        }
        return null;
    }
}
