package dev.weft.benchmarks;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.weft.DeadlockReport;
import dev.weft.Weft;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The deadlock detector's expensive path, beside the JDK's own thread dump, with {@code threads}
 * Weft virtual threads parked on a latch ({@link ParkedThreads}):
 * <ul>
 * <li>{@link #baselineJdkDump}: {@code HotSpotDiagnosticMXBean.dumpThreads(path, JSON)}: the JDK
 *     writing its JSON thread dump (the file is deleted outside the measured time);</li>
 * <li>{@link #weftAnalyzeDump}: {@code Weft.deadlocks().analyze(file)} of a dump the JDK wrote
 *     during setup: streaming parse, model, analyzer, report (what {@code analyze <dump.json>} does);</li>
 * <li>{@link #weftScanWithJsonDump}: the live dump path of {@code scan()} when it must confirm a
 *     suspicion: the detector's own {@code LiveSources.jsonDump()} (the JDK dump into a private
 *     temporary directory, parsed, deleted) and the analysis of it. {@code scan()} takes that path
 *     only when a monitor's owner is unknown, and at most once every 30 s, so the benchmark calls
 *     the two package-private steps by reflection (the benchmark jar runs on the class path).</li>
 * </ul>
 * Single-shot: one dump of 100,000 threads takes seconds, so each iteration is one call.
 * Target (issue 4): the analysis of a 100,000-thread dump takes at most a quarter of the time the JDK
 * takes to write it ({@code weftAnalyzeDump} / {@code baselineJdkDump} ≤ 0.25).
 *
 * <pre>{@code
 * benchmarks/run 'DeadlockDump' -- -p threads=10000
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class DeadlockDumpBenchmark {
    @Param({"1000", "10000", "100000"})
    public int threads;

    private ParkedThreads parked;
    private Path dir;
    private Path written;
    private Path target;
    private Method jsonDump;
    private Method analyzeDump;

    @Setup(Level.Trial)
    public void park() throws Exception {
        parked = ParkedThreads.start(threads);
        dir = Files.createTempDirectory("weft-dump-bench-");
        written = dir.resolve("setup.json");
        hotSpot().dumpThreads(written.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        jsonDump = Class.forName("dev.weft.impl.deadlock.LiveSources").getDeclaredMethod("jsonDump");
        jsonDump.setAccessible(true);
        Class<?> model = Class.forName("dev.weft.impl.deadlock.ThreadDump");
        analyzeDump = Class.forName("dev.weft.impl.deadlock.DeadlockDetectorImpl").getDeclaredMethod("analyzeDump", model);
        analyzeDump.setAccessible(true);
    }

    @Setup(Level.Iteration)
    public void freshTarget() throws IOException {
        target = dir.resolve("measured.json");
        Files.deleteIfExists(target);
    }

    @TearDown(Level.Iteration)
    public void deleteTarget() throws IOException {
        Files.deleteIfExists(target);
    }

    @TearDown(Level.Trial)
    public void release() throws Exception {
        parked.close();
        Files.deleteIfExists(written);
        Files.deleteIfExists(dir);
    }

    private static HotSpotDiagnosticMXBean hotSpot() {
        return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    }

    private DeadlockReport healthy(DeadlockReport report) {
        if (report.found()) {
            throw new IllegalStateException("a dump of parked, healthy threads was reported as a deadlock:\n" + report.toText());
        }
        return report;
    }

    @Benchmark
    public long baselineJdkDump() throws IOException {
        hotSpot().dumpThreads(target.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        return Files.size(target);
    }

    @Benchmark
    public DeadlockReport weftAnalyzeDump() throws IOException {
        return healthy(Weft.deadlocks().analyze(written));
    }

    @Benchmark
    public DeadlockReport weftScanWithJsonDump() throws IllegalAccessException, InvocationTargetException {
        Object dump = jsonDump.invoke(null);
        return healthy((DeadlockReport) analyzeDump.invoke(null, dump));
    }
}
