package dev.weft.impl.deadlock;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.weft.impl.scope.ScopeImpl;
import dev.weft.impl.task.ManagedTask;
import dev.weft.impl.task.ThreadRegistry;
import dev.weft.impl.task.WaitPoint;
import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Sources of thread state in this JVM, each producing the one {@link ThreadDump} model:
 * <ul>
 * <li>{@link #registry}: Weft's {@link ThreadRegistry} plus the owners of Weft scopes and of Weft wait
 *     points, read with {@link Thread#getState()} and {@link LockSupport#getBlocker(Thread)}: no stacks,
 *     no safepoint, about 1 µs a thread. A {@link WaitPoint} blocker gives what is waited for and its owners
 *     for certain; anything else gives only the blocker's identity.</li>
 * <li>{@link #platform}: {@link ThreadMXBean} for platform threads (it does not see virtual ones):
 *     monitor and AQS owners, held monitors and ownable synchronizers.</li>
 * <li>{@link #jsonDump}: the JDK's JSON thread dump, which sees every thread and every monitor, into a
 *     private temporary directory deleted afterwards. Costly (about 0.1 ms a thread) and, taken in a tight
 *     loop, a crash risk on JDK 25 (see the field notes): callers take it only to confirm a suspicion.</li>
 * </ul>
 * {@link #merge} overlays them by thread id: the dump's view of monitors and stacks, the registry's
 * knowledge of Weft wait points, {@code ThreadMXBean}'s lock owners.
 *
 * <p>Every reading is a racy snapshot of threads that keep running; the analyzer's verdicts are
 * therefore confirmed against a later sample before anyone reports them.
 */
final class LiveSources {
    private LiveSources() {}

    /**
     * Samples Weft's threads, the owners of their scopes and the owners of what they wait on.
     *
     * @param joining a scope whose join the calling thread is in (its owner is the caller, who is running
     *                the check), or {@code null}
     */
    static ThreadDump registry(ScopeImpl joining) {
        Map<Thread, String> scopeOf = new LinkedHashMap<>();
        Map<Thread, ScopeImpl> joiningOf = new java.util.HashMap<>();
        ArrayDeque<Thread> todo = new ArrayDeque<>();
        for (ManagedTask task : ThreadRegistry.instance().snapshot()) {
            Thread t = task.thread();
            if (t != null) {
                scopeOf.putIfAbsent(t, task.scopeName());
                todo.add(t);
                for (Object s = task.scope(); s instanceof ScopeImpl scope; s = scope.parent()) {
                    scopeOf.putIfAbsent(scope.owner(), scope.name());
                    todo.add(scope.owner());
                    if (scope.isOwnerWaiting()) {
                        joiningOf.putIfAbsent(scope.owner(), scope);
                    }
                }
            }
        }
        if (joining != null) {
            scopeOf.putIfAbsent(joining.owner(), joining.name());
            todo.add(joining.owner());
            todo.addAll(joining.runningThreads());
        }
        Map<Long, DumpedThread> out = new LinkedHashMap<>();
        while (!todo.isEmpty()) {
            Thread t = todo.poll();
            if (out.containsKey(t.threadId())) {
                continue;
            }
            DumpedThread d = sample(t, scopeOf.get(t), joining != null ? joining : joiningOf.get(t), todo);
            out.put(d.id(), d);
        }
        return new ThreadDump("registry", Runtime.version().toString(), true, false, new ArrayList<>(out.values()));
    }

    /**
     * Samples only what a joining owner needs: the owner, the scope's running subtasks and, transitively,
     * the owners of what they wait on. Costs O(size of that group), whatever the size of the registry, so
     * every scope in a busy service may ask on its own wake-ups.
     */
    static ThreadDump scopeGroup(ScopeImpl joining) {
        ThreadRegistry registry = ThreadRegistry.instance();
        ArrayDeque<Thread> todo = new ArrayDeque<>();
        todo.add(joining.owner());
        Map<Long, DumpedThread> out = new LinkedHashMap<>();
        while (!todo.isEmpty()) {
            Thread t = todo.poll();
            if (out.containsKey(t.threadId())) {
                continue;
            }
            ManagedTask task = registry.lookup(t);
            String scope = task != null ? task.scopeName() : t == joining.owner() ? joining.name() : null;
            DumpedThread d = sample(t, scope, t == joining.owner() ? joining : null, todo);
            out.put(d.id(), d);
            if (!d.waitsForever()) {
                break; // one thread that runs, sleeps timed or waits for I/O: the group is not all asleep
            }
        }
        return new ThreadDump("registry", Runtime.version().toString(), true, false, new ArrayList<>(out.values()));
    }

    private static DumpedThread sample(Thread t, String scope, ScopeImpl joining, ArrayDeque<Thread> todo) {
        Object blocker = LockSupport.getBlocker(t);
        Thread.State state = t.getState();
        // The owner in join() is parked on its scope, or on a subtask thread's termination (waking
        // on the watchdog's period, or on its interrupt), or, briefly, running the deadlock check
        // between two waits: all the same untimed wait for the subtasks.
        if (joining != null && t == joining.owner()
                && (t == Thread.currentThread() || blocker == joining || joining.ownerAwaitsThread()
                    || blocker == null && state == Thread.State.RUNNABLE)) {
            List<Thread> running = joining.runningThreads();
            todo.addAll(running);
            // Parked on a subtask thread's termination latch, the owner shows that latch as its blocker
            // in a JDK thread dump too: naming it here lets merge() put this wait in the dump's place.
            String lock = blocker != null && blocker != joining && joining.ownerAwaitsThread()
                    ? identity(blocker) : identity(joining);
            return new DumpedThread(t.threadId(), t.getName(), t.isVirtual(), "WAITING", joining.name(),
                    hasDeadline(joining) ? DumpedThread.Wait.TIMED : DumpedThread.Wait.WEFT, joining.describe(),
                    lock, ids(running, t), List.of(), List.of());
        }
        DumpedThread.Wait wait;
        String on = null, lock = null;
        List<Long> owners = List.of();
        if (blocker instanceof WaitPoint wp && state != Thread.State.RUNNABLE && state != Thread.State.TERMINATED) {
            List<Thread> o = wp.owners();
            todo.addAll(o);
            owners = ids(o, t);
            on = wp.describe();
            lock = identity(blocker);
            boolean pollingJoin = blocker instanceof ScopeImpl s && s.owner() == t;
            boolean timed = (state == Thread.State.TIMED_WAITING && !pollingJoin)
                    || (wp.scope() instanceof ScopeImpl s && hasDeadline(s));
            wait = timed ? DumpedThread.Wait.TIMED : DumpedThread.Wait.WEFT;
            if (wp.scope() instanceof ScopeImpl s && scope == null) {
                scope = s.name();
            }
        } else {
            switch (state) {
                case BLOCKED -> wait = DumpedThread.Wait.MONITOR_ENTER;
                case WAITING -> wait = blocker != null ? DumpedThread.Wait.LOCK : DumpedThread.Wait.PARK;
                case TIMED_WAITING -> wait = DumpedThread.Wait.TIMED;
                default -> wait = DumpedThread.Wait.NONE;
            }
            if (blocker != null) {
                on = lock = identity(blocker);
            }
        }
        return new DumpedThread(t.threadId(), t.getName(), t.isVirtual(), state.name(), scope, wait, on, lock, owners,
                List.of(), List.of());
    }

    /** A scope with a deadline (its own or an enclosing one) ends every wait in it at that deadline. */
    private static boolean hasDeadline(ScopeImpl scope) {
        return scope.hasDeadline();
    }

    private static List<Long> ids(List<Thread> threads, Thread self) {
        List<Long> ids = new ArrayList<>(threads.size());
        for (Thread o : threads) {
            ids.add(o.threadId()); // self included: a subtask waiting for a permit only it holds waits on itself
        }
        return ids;
    }

    /** The form the JDK's dump uses for an object ({@code Class@hexIdentityHash}), so sources agree on identities. */
    static String identity(Object o) {
        return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    /**
     * Whether the JDK's own finder sees a cycle among platform threads (monitors and AQS locks): cheap
     * (no stacks), so every scan asks, and only then reads every platform thread with {@link #platform()}.
     */
    static boolean platformCycleSuspected() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.isSynchronizerUsageSupported() ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        return ids != null && ids.length > 0;
    }

    /** Platform threads as {@link ThreadMXBean} sees them, with held monitors and ownable synchronizers. */
    static ThreadDump platform() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadInfo[] infos = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        List<DumpedThread> threads = new ArrayList<>(infos.length);
        for (ThreadInfo i : infos) {
            if (i == null) {
                continue;
            }
            List<String> stack = new ArrayList<>();
            for (StackTraceElement e : i.getStackTrace()) {
                stack.add(e.toString());
            }
            List<String> holds = new ArrayList<>();
            for (MonitorInfo m : i.getLockedMonitors()) {
                holds.add(m.getClassName() + "@" + Integer.toHexString(m.getIdentityHashCode()));
            }
            for (LockInfo l : i.getLockedSynchronizers()) {
                holds.add(l.getClassName() + "@" + Integer.toHexString(l.getIdentityHashCode()));
            }
            LockInfo li = i.getLockInfo();
            String lock = li == null ? null : li.getClassName() + "@" + Integer.toHexString(li.getIdentityHashCode());
            String state = i.getThreadState().name();
            boolean inWait = !stack.isEmpty() && ReportBuilder.withoutModule(stack.get(0)).startsWith("java.lang.Object.wait");
            String blockedOn = state.equals("BLOCKED") ? lock : null;
            String waitingOn = inWait ? lock : null;
            String parkBlocker = !inWait && blockedOn == null ? lock : null;
            if (waitingOn != null) {
                holds.remove(waitingOn);
            }
            threads.add(JsonDumpParser.classify(i.getThreadId(), i.getThreadName(), false, state, blockedOn, waitingOn,
                    parkBlocker, i.getLockOwnerId(), holds, stack));
        }
        return new ThreadDump("ThreadMXBean", Runtime.version().toString(), true, false, threads);
    }

    /**
     * Takes the JDK's JSON thread dump of this JVM into a private temporary directory, parses it and
     * deletes it. Costs about 0.1 ms per thread and a file of about 1.1 KB per thread.
     */
    static ThreadDump jsonDump() throws IOException {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        Path dir = privateTempDir();
        Path file = dir.resolve("threads.json");
        try {
            hs.dumpThreads(file.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            ThreadDump d = JsonDumpParser.parse(file);
            return new ThreadDump("jdk-json-dump", d.runtimeVersion(), d.rich(), true, d.threads());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static Path privateTempDir() throws IOException {
        try {
            return Files.createTempDirectory("weft-threads-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempDirectory("weft-threads-");
        }
    }

    /**
     * Overlays sources by thread id. {@code base} (a JSON dump, or {@code null}) gives monitors and stacks;
     * {@code platform} adds lock owners and held synchronizers of platform threads; {@code registry}'s
     * Weft wait points replace a thread's wait when the blocker is the same object, and give scope names.
     */
    static ThreadDump merge(ThreadDump base, ThreadDump platform, ThreadDump registry) {
        Map<Long, DumpedThread> map = new LinkedHashMap<>();
        if (base != null) {
            base.threads().forEach(t -> map.put(t.id(), t));
        }
        for (DumpedThread p : platform.threads()) {
            DumpedThread b = map.get(p.id());
            if (b == null) {
                if (base == null) {
                    map.put(p.id(), p);
                }
                continue;
            }
            DumpedThread m = b.withHolds(p.holds());
            if (m.ownerIds().isEmpty() && !p.ownerIds().isEmpty() && p.lockId() != null && p.lockId().equals(m.lockId())) {
                m = m.withOwners(p.ownerIds());
            }
            map.put(p.id(), m);
        }
        for (DumpedThread r : registry.threads()) {
            DumpedThread b = map.get(r.id());
            if (b == null) {
                if (base == null) {
                    map.put(r.id(), r);
                }
                continue;
            }
            boolean sameWeftWait = r.how() == DumpedThread.Wait.WEFT || r.how() == DumpedThread.Wait.TIMED && r.lockId() != null
                    && r.lockId().startsWith("dev.weft.");
            if (sameWeftWait && (b.lockId() == null && base == null || r.lockId().equals(b.lockId()))) {
                map.put(r.id(), new DumpedThread(b.id(), b.name(), b.virtual(), b.state(), r.scope(), r.how(),
                        r.waitingOn(), r.lockId(), r.ownerIds(), b.holds(), b.stack()));
            } else if (r.scope() != null) {
                map.put(r.id(), b.withScope(r.scope()));
            }
        }
        String source = base != null ? base.source() + " + registry" : "registry + ThreadMXBean";
        return new ThreadDump(source, Runtime.version().toString(), true, base != null, new ArrayList<>(map.values()));
    }

    /** Fills in stacks of the given threads of a registry sample (for a report, or to tell I/O from a park). */
    static ThreadDump withStacks(ThreadDump dump, java.util.Collection<Long> ids) {
        Map<Long, Thread> live = new java.util.HashMap<>();
        for (ManagedTask task : ThreadRegistry.instance().snapshot()) {
            Thread t = task.thread();
            if (t != null && ids.contains(t.threadId())) {
                live.put(t.threadId(), t);
                if (task.scope() instanceof ScopeImpl s) {
                    live.putIfAbsent(s.owner().threadId(), s.owner());
                }
            }
        }
        List<DumpedThread> out = new ArrayList<>();
        for (DumpedThread d : dump.threads()) {
            Thread t = live.get(d.id());
            if (t != null && d.stack().isEmpty() && ids.contains(d.id())) {
                List<String> stack = Arrays.stream(t.getStackTrace()).map(StackTraceElement::toString).toList();
                DumpedThread s = d.withStack(stack);
                if (d.how() == DumpedThread.Wait.PARK && JsonDumpParser.isIo(stack)) {
                    s = new DumpedThread(s.id(), s.name(), s.virtual(), s.state(), s.scope(), DumpedThread.Wait.IO, null, null,
                            List.of(), s.holds(), s.stack());
                } else if (d.how() == DumpedThread.Wait.PARK && !stack.isEmpty()
                        && ReportBuilder.withoutModule(stack.get(0)).startsWith("java.lang.Object.wait")) {
                    // still PARK (so samples with and without stacks compare equal); only the description improves
                    s = new DumpedThread(s.id(), s.name(), s.virtual(), s.state(), s.scope(), s.how(),
                            "Object.wait() (which monitor, only a JSON thread dump tells)", null, List.of(), s.holds(), s.stack());
                }
                out.add(s);
            } else {
                out.add(d);
            }
        }
        return new ThreadDump(dump.source(), dump.runtimeVersion(), dump.rich(), dump.complete(), out);
    }
}
