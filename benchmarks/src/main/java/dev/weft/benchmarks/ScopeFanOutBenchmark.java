package dev.weft.benchmarks;

import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out of {@code n} trivial subtasks and one join, per operation: the cost of structure.
 *
 * <p>Every variant opens what it needs per operation (a scope, an executor), starts {@code n} tasks
 * that return a constant, waits for all of them and reads every result, as a user would. The
 * denominator of the ratio table is {@link #baselineRawThreads()}: {@code Thread.ofVirtual().start}
 * and {@code join}, the floor any structured API pays on top of. JDK 25's
 * {@code StructuredTaskScope} is measured by {@code ScopeFanOutPreviewBenchmark}, compiled only on
 * JDK 25+. Per-subtask figures are the score divided by {@code n}.
 *
 * <pre>{@code
 * benchmarks/run 'ScopeFanOut'       # this class and its preview sibling, with the ratio table
 * }</pre>
 *
 * <p>The annotations hold the full-run settings; {@code benchmarks/run} passes the same on the
 * command line (and smaller ones for {@code --quick}).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class ScopeFanOutBenchmark {
    /** What every subtask does: nothing worth measuring. */
    static final Callable<Integer> TASK = () -> 1;
    static final Runnable RUNNABLE = () -> { };

    @Param({"1", "100", "10000"})
    public int n;

    @Benchmark
    public int weftScope() throws InterruptedException {
        @SuppressWarnings("unchecked")
        Subtask<Integer>[] subtasks = new Subtask[n];
        try (Scope scope = Weft.scope("fan-out").open()) {
            for (int i = 0; i < n; i++) {
                subtasks[i] = scope.fork(TASK);
            }
            scope.join();
        }
        int sum = 0;
        for (Subtask<Integer> s : subtasks) {
            sum += s.get();
        }
        return sum;
    }

    @Benchmark
    public int baselineRawThreads() throws InterruptedException {
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().start(RUNNABLE);
        }
        for (Thread t : threads) {
            t.join();
        }
        return n;
    }

    /** The name prefix of {@link #rawNamedThreads()}, a field as a task factory's name is. */
    private final String prefix = "fan-out";
    private final AtomicLong names = new AtomicLong();

    /**
     * Raw threads named the way Weft must name its threads ({@code fan-out-1}, {@code fan-out-2},
     * ...): not a baseline, but what the names alone cost raw threads, beside Weft in the same table.
     */
    @Benchmark
    public int rawNamedThreads() throws InterruptedException {
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().name(prefix + '-' + names.incrementAndGet()).start(RUNNABLE);
        }
        for (Thread t : threads) {
            t.join();
        }
        return n;
    }

    @Benchmark
    public int virtualThreadExecutor() throws InterruptedException, ExecutionException {
        @SuppressWarnings("unchecked")
        Future<Integer>[] futures = new Future[n];
        int sum = 0;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                futures[i] = executor.submit(TASK);
            }
            for (Future<Integer> f : futures) {
                sum += f.get();
            }
        }
        return sum;
    }
}
