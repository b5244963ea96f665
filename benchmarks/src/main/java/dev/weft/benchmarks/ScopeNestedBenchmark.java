package dev.weft.benchmarks;

import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * Scopes nested {@code depth} deep, per operation: each level opens a scope, forks one subtask that
 * opens the next level, joins and closes. This is the path of parent lookup, deadline inheritance
 * and child registration that a flat fan-out never takes.
 *
 * <p>The denominator is {@link #baselineRawThreads()}: a virtual thread that starts and joins the
 * next one. The executor variant opens a virtual-thread-per-task executor at each level. JDK 25's
 * {@code StructuredTaskScope} is in {@code ScopeNestedPreviewBenchmark}. Per-subtask figures are the
 * score divided by {@code depth}.
 *
 * <pre>{@code
 * benchmarks/run 'ScopeNested'
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class ScopeNestedBenchmark {
    @Param({"10"})
    public int depth;

    @Benchmark
    public int weftScope() throws InterruptedException {
        return weftLevel(depth);
    }

    private static int weftLevel(int levels) throws InterruptedException {
        if (levels == 0) {
            return 0;
        }
        try (Scope scope = Weft.scope("nested").open()) {
            Subtask<Integer> inner = scope.fork(() -> weftLevel(levels - 1));
            scope.join();
            return inner.get() + 1;
        }
    }

    @Benchmark
    public int baselineRawThreads() throws InterruptedException {
        int[] result = new int[1];
        rawLevel(depth, result);
        return result[0];
    }

    private static void rawLevel(int levels, int[] result) throws InterruptedException {
        if (levels == 0) {
            return;
        }
        Thread inner = Thread.ofVirtual().start(() -> {
            try {
                rawLevel(levels - 1, result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        inner.join();
        result[0]++;
    }

    @Benchmark
    public int virtualThreadExecutor() throws InterruptedException, ExecutionException {
        return executorLevel(depth);
    }

    private static int executorLevel(int levels) throws InterruptedException, ExecutionException {
        if (levels == 0) {
            return 0;
        }
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> inner = executor.submit(() -> executorLevel(levels - 1));
            return inner.get() + 1;
        }
    }
}
