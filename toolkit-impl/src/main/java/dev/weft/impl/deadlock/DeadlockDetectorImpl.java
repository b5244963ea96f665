package dev.weft.impl.deadlock;

import dev.weft.Deadlock;
import dev.weft.DeadlockDetector;
import dev.weft.DeadlockReport;
import dev.weft.impl.task.ManagedTask;
import dev.weft.impl.task.StandaloneTask;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.spi.Checks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Weft's deadlock detector. The pipeline, one step per class:
 * <pre>
 *   sources ({@link LiveSources}: registry, ThreadMXBean, JSON dump; {@link JsonDumpParser}: a file)
 *     → one model ({@link ThreadDump})
 *     → {@link Analyzer} (wait-for graph, cycles, all-asleep scopes, suspected stalls)
 *     → {@link DeadlockReportImpl} (built by {@link ReportBuilder})
 *     → renderers ({@link TextRenderer}, {@link JsonRenderer})
 * </pre>
 *
 * <p>{@link #scan()} costs, when nothing waits suspiciously, one registry sample (about 1 µs per Weft
 * thread: {@code getState} and {@code getBlocker}) and one {@code ThreadMXBean} reading of the platform
 * threads. Only when something looks stuck does it sample again after {@code confirmDelay}, and only when
 * a thread is blocked on a monitor whose owner the cheap sources cannot name does it take the JDK's JSON
 * thread dump (about 0.1 ms per thread of the whole JVM: 1 s for 10,000 threads) — twice, to confirm —
 * and at most once per {@code minDumpInterval}. A verdict is reported only when the second sample shows
 * the same threads waiting the same way.
 *
 * <pre>{@code
 * DeadlockReport r = Weft.deadlocks().scan();
 * if (r.found()) System.err.println(r.toText());
 * }</pre>
 *
 * <p>Thread-safe: the only mutable state is the time of the last dump episode (atomic).
 */
public final class DeadlockDetectorImpl implements DeadlockDetector {
    private static final System.Logger LOG = System.getLogger("dev.weft.deadlock");
    private static final DeadlockDetectorImpl INSTANCE =
            new DeadlockDetectorImpl(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** For files no sample is taken, so no rate limit applies. */
    static final DeadlockDetectorImpl INSTANCE_FOR_FILES = INSTANCE;

    private final long confirmNanos;
    private final long stallNanos;
    private final long minDumpIntervalNanos;
    private final AtomicLong lastDump = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);

    /**
     * @param confirmDelay    pause before the confirming sample
     * @param stallSpan       how long a suspected stall must stay unchanged before it is reported
     * @param minDumpInterval the least time between two JSON-dump episodes (rate limit)
     */
    DeadlockDetectorImpl(Duration confirmDelay, Duration stallSpan, Duration minDumpInterval) {
        this.confirmNanos = Checks.positive("confirmDelay", confirmDelay).toNanos();
        this.stallNanos = Checks.nonNegative("stallSpan", stallSpan).toNanos();
        this.minDumpIntervalNanos = Checks.nonNegative("minDumpInterval", minDumpInterval).toNanos();
    }

    /** @return the detector behind {@code Weft.deadlocks()} */
    public static DeadlockDetector instance() {
        return INSTANCE;
    }

    // ---- scan ----

    @Override
    public DeadlockReport scan() {
        ThreadDump registry = LiveSources.registry(null);
        if (!worthACloserLook(registry) && !LiveSources.platformCycleSuspected()) {
            return DeadlockReportImpl.none(registry.source(), registry.threads().size(), List.of());
        }
        ThreadDump first = LiveSources.merge(null, LiveSources.platform(), registry);
        List<Analyzer.Finding> found = Analyzer.analyze(first);
        boolean needDump = hasUnexplainedMonitorWait(first);
        if (found.isEmpty() && !needDump) {
            return DeadlockReportImpl.none(first.source(), first.threads().size(), List.of());
        }
        List<String> notes = new ArrayList<>();
        if (needDump) {
            if (takeDumpBudget()) {
                try {
                    return confirmWithDumps();
                } catch (IOException | RuntimeException e) {
                    notes.add("the JSON thread dump failed (" + e + "); only Weft's registry and ThreadMXBean were read");
                }
            } else {
                notes.add("a thread is blocked on a monitor whose owner only a JSON thread dump shows, and the last dump was"
                        + " less than " + Duration.ofNanos(minDumpIntervalNanos) + " ago; it was not taken");
            }
        }
        return confirm(first, found, this::cheapSampleWithStacks, notes);
    }

    /**
     * Whether the registry alone shows a verdict, or a thread blocked on a monitor or parked on a lock
     * whose owner it cannot name: only then are {@code ThreadMXBean} (a safepoint, with stacks) and
     * possibly a dump consulted. Idle threads on conditions, latches and queues never cost more than the
     * registry read.
     */
    private static boolean worthACloserLook(ThreadDump registry) {
        for (DumpedThread t : registry.threads()) {
            if (t.how() == DumpedThread.Wait.MONITOR_ENTER || t.how() == DumpedThread.Wait.LOCK && Analyzer.isExclusiveLock(t)) {
                return true;
            }
        }
        return !Analyzer.analyze(registry).isEmpty();
    }

    private ThreadDump cheapSample() {
        return LiveSources.merge(null, LiveSources.platform(), LiveSources.registry(null));
    }

    private ThreadDump cheapSampleWithStacks(Set<Long> ids) {
        return LiveSources.withStacks(cheapSample(), ids);
    }

    private DeadlockReport confirmWithDumps() throws IOException {
        ThreadDump first = dumpSample();
        List<Analyzer.Finding> found = Analyzer.analyze(first);
        if (found.isEmpty()) {
            return DeadlockReportImpl.none(first.source(), first.threads().size(), List.of());
        }
        return confirm(first, found, ids -> {
            try {
                return dumpSample();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, new ArrayList<>());
    }

    private static ThreadDump dumpSample() throws IOException {
        ThreadDump dump = LiveSources.jsonDump();
        return LiveSources.merge(dump, LiveSources.platform(), LiveSources.registry(null));
    }

    /**
     * Keeps the findings of {@code first} that a later sample shows again over the same threads, each
     * waiting the same way. Suspected stalls need a further sample at least {@code stallSpan} after the first.
     */
    private DeadlockReport confirm(ThreadDump first, List<Analyzer.Finding> found,
                                   java.util.function.Function<Set<Long>, ThreadDump> resample, List<String> notes) {
        Set<Long> involved = new HashSet<>();
        found.forEach(f -> involved.addAll(f.threadIds()));
        long start = System.nanoTime();
        pause(confirmNanos);
        ThreadDump second = resample.apply(involved);
        List<Analyzer.Finding> kept = unchanged(first, found, second, Analyzer.analyze(second));
        ThreadDump last = second;
        if (kept.stream().anyMatch(f -> f.kind() == Deadlock.Kind.SUSPECTED_STALL)) {
            kept = stillStalled(kept, start);
        }
        if (kept.isEmpty()) {
            return DeadlockReportImpl.none(last.source(), last.threads().size(), notes);
        }
        Set<Long> keptIds = new HashSet<>();
        kept.forEach(f -> keptIds.addAll(f.threadIds()));
        if (last.source().startsWith("registry")) {
            last = LiveSources.withStacks(last, keptIds);
        }
        return ReportBuilder.build(last, kept, notes);
    }

    /**
     * A suspected stall has no proof, so it must look frozen for a while: registry samples every
     * {@code confirmDelay} until {@code stallSpan} has passed since the first sample, each thread of the
     * stall present and waiting the same way in every one. A busy lock changes hands many times in that
     * span, so the waiting set of a contended but progressing lock does not stay the same.
     */
    private List<Analyzer.Finding> stillStalled(List<Analyzer.Finding> kept, long start) {
        List<Analyzer.Finding> stalls = new ArrayList<>(kept.stream().filter(f -> f.kind() == Deadlock.Kind.SUSPECTED_STALL).toList());
        Map<Long, DumpedThread> reference = null;
        int samples = 0;
        while (!stalls.isEmpty() && (samples < MIN_STALL_SAMPLES || System.nanoTime() - start < stallNanos)) {
            pause(confirmNanos);
            Map<Long, DumpedThread> now = cheapSample().byId();
            samples++;
            if (reference == null) {
                reference = now;
            }
            Map<Long, DumpedThread> ref = reference;
            stalls.removeIf(f -> !f.threadIds().stream().allMatch(id -> sameWait(ref.get(id), now.get(id)))
                    || aSiblingIsAwake(f));
        }
        List<Analyzer.Finding> out = new ArrayList<>(kept.stream().filter(f -> f.kind() != Deadlock.Kind.SUSPECTED_STALL).toList());
        out.addAll(stalls);
        return out;
    }

    private static final int MIN_STALL_SAMPLES = 5;

    /**
     * Whether a thread of the same task factory as a stalled thread, outside the stall, is awake (running,
     * sleeping timed, blocked on a monitor). Such a sibling may be the one holding the locks the stalled
     * threads wait for — a busy non-fair lock can starve its waiters for seconds while its holders barge
     * in again and again — so the stall is not reported. Threads unknown to the registry have no siblings
     * known here, and stay suspected only by what the samples show.
     */
    private static boolean aSiblingIsAwake(Analyzer.Finding stall) {
        Set<Long> group = new HashSet<>(stall.threadIds());
        Set<TaskFactoryImpl> factories = new HashSet<>();
        List<ManagedTask> tasks = dev.weft.impl.task.ThreadRegistry.instance().snapshot();
        for (ManagedTask task : tasks) {
            Thread t = task.thread();
            if (t != null && group.contains(t.threadId())) {
                factories.add(task.factory());
            }
        }
        Thread me = Thread.currentThread();
        for (ManagedTask task : tasks) {
            Thread t = task.thread();
            if (t != null && t != me && !group.contains(t.threadId()) && factories.contains(task.factory())) {
                Thread.State state = t.getState();
                if (state == Thread.State.RUNNABLE || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The findings of {@code later} whose key was found before and whose threads wait on the same things. */
    static List<Analyzer.Finding> unchanged(ThreadDump before, List<Analyzer.Finding> earlier, ThreadDump after,
                                            List<Analyzer.Finding> later) {
        Set<String> keys = new HashSet<>();
        earlier.forEach(f -> keys.add(f.key()));
        Map<Long, DumpedThread> b = before.byId(), a = after.byId();
        List<Analyzer.Finding> out = new ArrayList<>();
        for (Analyzer.Finding f : later) {
            if (keys.contains(f.key()) && f.threadIds().stream().allMatch(id -> sameWait(b.get(id), a.get(id)))) {
                out.add(f);
            }
        }
        return out;
    }

    private static boolean sameWait(DumpedThread x, DumpedThread y) {
        return x != null && y != null && x.how() == y.how() && java.util.Objects.equals(x.lockId(), y.lockId());
    }

    /** A thread blocked entering a monitor whose holder no cheap source names: only a JSON dump can tell. */
    private static boolean hasUnexplainedMonitorWait(ThreadDump sample) {
        Map<String, Long> holder = new HashMap<>();
        for (DumpedThread t : sample.threads()) {
            t.holds().forEach(h -> holder.putIfAbsent(h, t.id()));
        }
        for (DumpedThread t : sample.threads()) {
            if (t.how() == DumpedThread.Wait.MONITOR_ENTER && Analyzer.ownersOf(t, holder).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private boolean takeDumpBudget() {
        long now = System.nanoTime();
        long last = lastDump.get();
        return now - last >= minDumpIntervalNanos && lastDump.compareAndSet(last, now);
    }

    private static void pause(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    // ---- files ----

    @Override
    public DeadlockReport analyze(Path dump) throws IOException {
        Checks.notNull("dump", dump);
        return analyzeDump(JsonDumpParser.parse(dump));
    }

    static DeadlockReport analyzeDump(ThreadDump dump) {
        List<String> notes = new ArrayList<>();
        if (!dump.rich()) {
            notes.add("this dump (runtime " + dump.runtimeVersion() + ") lists no thread states or locks, as JDK 21 writes it:"
                    + " no deadlock can be proven from it. Take the dump on JDK 25 or later, or call Weft.deadlocks().scan()"
                    + " inside the process.");
        }
        notes.add("a single dump: a verdict from one file is not confirmed by a second sample");
        List<Analyzer.Finding> found = Analyzer.analyze(dump);
        return ReportBuilder.build(dump, found, notes);
    }

    /** Analyzes two dumps of the same process taken one after the other, keeping what both show (the {@code pid} command). */
    static DeadlockReport analyzeConfirmed(ThreadDump first, ThreadDump second) {
        List<Analyzer.Finding> kept = unchanged(first, Analyzer.analyze(first), second, Analyzer.analyze(second));
        List<String> notes = new ArrayList<>();
        if (!second.rich()) {
            notes.add("these dumps list no thread states or locks (a JDK 21 process): no deadlock can be proven from them.");
        }
        return ReportBuilder.build(second, kept, notes);
    }

    // ---- watch ----

    /**
     * Scans every {@code interval} on one daemon platform thread and calls {@code listener} with each
     * confirmed report that differs from the last one reported. Cost per tick: one {@link #scan()}, which
     * is a registry sample unless something looks stuck (see the class comment); the JSON dump stays
     * rate-limited, however short the interval.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    @Override
    public Watch watch(Duration interval, Consumer<? super DeadlockReport> listener) {
        Checks.positive("interval", interval);
        Checks.notNull("listener", listener);
        TaskFactoryImpl threads = TaskFactoryImpl.daemonPlatform("weft-deadlock-watch");
        WatchTask task = new WatchTask(threads, interval.toNanos(), listener);
        threads.start(task);
        return task;
    }

    /** The watch loop. Invariant: after {@link #close()} returns (from another thread), the listener is not called again. */
    private final class WatchTask extends StandaloneTask implements Watch {
        private final long intervalNanos;
        private final Consumer<? super DeadlockReport> listener;
        private volatile boolean closed;
        private Set<String> lastReported = Set.of();

        WatchTask(TaskFactoryImpl threads, long intervalNanos, Consumer<? super DeadlockReport> listener) {
            super(threads);
            this.intervalNanos = intervalNanos;
            this.listener = listener;
        }

        @Override
        protected void body() {
            while (!closed) {
                pause(intervalNanos);
                if (closed || Thread.interrupted() && closed) {
                    return;
                }
                DeadlockReport report = scan();
                Set<String> keys = new HashSet<>();
                report.deadlocks().forEach(d -> keys.add(d.kind() + d.threads().stream().map(t -> t.id()).sorted().toList().toString()));
                if (!keys.isEmpty() && !keys.equals(lastReported) && !closed) {
                    try {
                        listener.accept(report);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "a deadlock watch listener threw", e);
                    }
                }
                lastReported = keys;
            }
        }

        @Override
        public void close() {
            closed = true;
            Thread t = thread();
            if (t != null && t != Thread.currentThread()) {
                LockSupport.unpark(t);
                boolean interrupted = false;
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
