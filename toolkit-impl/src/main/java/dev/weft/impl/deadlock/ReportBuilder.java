package dev.weft.impl.deadlock;

import dev.weft.BlockedThread;
import dev.weft.Deadlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the analyzer's findings over one dump into the public records ({@link Deadlock},
 * {@link BlockedThread}): names the owner of what each thread waits on and trims JDK parking frames
 * from the top of each stack, so a report starts at the code that waited. Stateless.
 */
final class ReportBuilder {
    /** Frames of the JDK's parking machinery; a stack is shown from the first frame that is not one of these. */
    private static final String[] PARKING = {
        "java.lang.VirtualThread.", "java.lang.System$", "java.util.concurrent.locks.LockSupport.",
        "java.util.concurrent.locks.AbstractQueuedSynchronizer", "java.util.concurrent.locks.AbstractQueuedLongSynchronizer",
        "jdk.internal.misc.Unsafe.park", "java.lang.Object.wait", "jdk.internal.vm.Continuation",
        "java.lang.Thread.sleep", "java.lang.Thread.onSpinWait", "jdk.internal.misc.Blocker",
        // the detector's own frames, when the thread reporting is the owner checking its join
        "java.lang.Thread.getStackTrace", "dev.weft.impl.deadlock.LiveSources.", "dev.weft.impl.deadlock.ScopeDeadlocks",
        "dev.weft.impl.scope.ScopeImpl$DeadlockWatch",
    };

    private ReportBuilder() {}

    static DeadlockReportImpl build(ThreadDump dump, List<Analyzer.Finding> findings, List<String> notes) {
        Map<Long, DumpedThread> byId = dump.byId();
        Map<String, Long> holder = new HashMap<>();
        for (DumpedThread t : dump.threads()) {
            for (String lock : t.holds()) {
                holder.putIfAbsent(lock, t.id());
            }
        }
        List<Deadlock> deadlocks = new ArrayList<>();
        for (Analyzer.Finding f : findings) {
            List<BlockedThread> threads = new ArrayList<>();
            for (Long id : f.threadIds()) {
                DumpedThread t = byId.get(id);
                if (t != null) {
                    threads.add(blocked(t, holder, byId));
                }
            }
            deadlocks.add(new Deadlock(f.kind(), threads, f.scope()));
        }
        return new DeadlockReportImpl(dump.source(), dump.threads().size(), deadlocks, notes);
    }

    private static BlockedThread blocked(DumpedThread t, Map<String, Long> holder, Map<Long, DumpedThread> byId) {
        List<Long> owners = Analyzer.ownersOf(t, holder);
        long ownerId = owners.isEmpty() ? -1 : owners.get(0);
        DumpedThread owner = byId.get(ownerId);
        String ownerName = owner != null ? owner.name() : null;
        if (owners.size() > 1) {
            StringBuilder names = new StringBuilder();
            for (Long o : owners) {
                DumpedThread ot = byId.get(o);
                names.append(names.isEmpty() ? "" : ", ").append(ot != null ? ot.name() : "#" + o);
            }
            ownerName = names.toString();
        }
        String state = t.state() == null ? "UNKNOWN" : t.state();
        if (t.how() == DumpedThread.Wait.WEFT && "TIMED_WAITING".equals(state)) {
            state = "WAITING"; // a join that polls for deadlocks still waits without end
        }
        return new BlockedThread(t.id(), t.name(), t.virtual(), state, t.scope(), describeWait(t), ownerId, ownerName,
                t.holds(), trim(t.stack()));
    }

    private static String describeWait(DumpedThread t) {
        if (t.waitingOn() == null) {
            return switch (t.how()) {
                case MONITOR_ENTER -> "a monitor (enter)";
                case PARK -> "LockSupport.park (no blocker)";
                default -> null;
            };
        }
        return switch (t.how()) {
            case MONITOR_ENTER -> "monitor " + t.waitingOn() + " (synchronized)";
            case OBJECT_WAIT -> "Object.wait on " + t.waitingOn();
            case LOCK -> "lock " + t.waitingOn();
            default -> t.waitingOn();
        };
    }

    static List<String> trim(List<String> stack) {
        int from = 0;
        while (from < stack.size() && isParking(stack.get(from))) {
            from++;
        }
        return from == stack.size() ? stack : stack.subList(from, stack.size());
    }

    /** {@code java.base@25/java.lang.Object.wait(..)} and {@code java.base/...} both become {@code java.lang.Object.wait(..)}. */
    static String withoutModule(String frame) {
        int slash = frame.indexOf('/');
        int paren = frame.indexOf('(');
        return slash >= 0 && (paren < 0 || slash < paren) ? frame.substring(slash + 1) : frame;
    }

    private static boolean isParking(String frame) {
        String f = withoutModule(frame);
        for (String p : PARKING) {
            if (f.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
