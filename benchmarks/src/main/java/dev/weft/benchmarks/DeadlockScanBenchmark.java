package dev.weft.benchmarks;

import dev.weft.DeadlockReport;
import dev.weft.Weft;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The deadlock detector's everyday cost: {@code Weft.deadlocks().scan()} with {@code threads} Weft
 * virtual threads parked on a latch ({@link ParkedThreads}), which reads Weft's thread registry
 * ({@code getState} and {@code getBlocker} per thread) and finds nothing (no JSON dump is taken).
 *
 * <ul>
 * <li>{@link #baselineStateAndBlocker}: the floor: {@code Thread.getState()} and
 *     {@code LockSupport.getBlocker(t)} of each parked thread, from an array, nothing else;</li>
 * <li>{@link #weftRegistryScan}: the whole scan, as a user or {@code watch} calls it.</li>
 * </ul>
 * Target (issue 4): a registry scan of 10,000 threads under 20 ms. Per-thread figures: the score
 * divided by {@code threads}. The JSON-dump path is measured by {@link DeadlockDumpBenchmark}.
 *
 * <pre>{@code
 * benchmarks/run 'DeadlockScan'
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class DeadlockScanBenchmark {
    @Param({"1000", "10000", "100000"})
    public int threads;

    private ParkedThreads parked;

    @Setup(Level.Trial)
    public void park() throws InterruptedException {
        parked = ParkedThreads.start(threads);
    }

    @TearDown(Level.Trial)
    public void release() throws InterruptedException {
        parked.close();
    }

    @Benchmark
    public void baselineStateAndBlocker(Blackhole bh) {
        for (Thread t : parked.threads()) {
            bh.consume(t.getState());
            bh.consume(LockSupport.getBlocker(t));
        }
    }

    @Benchmark
    public boolean weftRegistryScan() {
        DeadlockReport report = Weft.deadlocks().scan();
        if (report.found()) {
            throw new IllegalStateException("a scan of parked, healthy threads reported a deadlock:\n" + report.toText());
        }
        return report.found();
    }
}
