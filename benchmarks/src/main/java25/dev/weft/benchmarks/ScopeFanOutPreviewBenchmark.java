package dev.weft.benchmarks;

import java.util.concurrent.StructuredTaskScope;
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
 * JDK 25's {@link StructuredTaskScope} (a preview API) doing exactly what
 * {@link ScopeFanOutBenchmark} does: fork {@code n} trivial subtasks, join, read every result.
 * Compiled only on JDK 25+ (Maven profile {@code jdk25-preview}, {@code --release 25 --enable-preview})
 * and run with {@code --enable-preview}. The ratio table puts it beside {@code ScopeFanOutBenchmark}
 * (the "Preview" in the class name is dropped to group them).
 *
 * <pre>{@code
 * benchmarks/run 'ScopeFanOut'
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class ScopeFanOutPreviewBenchmark {
    @Param({"1", "100", "10000"})
    public int n;

    @Benchmark
    public int structuredTaskScope() throws InterruptedException {
        @SuppressWarnings("unchecked")
        StructuredTaskScope.Subtask<Integer>[] subtasks = new StructuredTaskScope.Subtask[n];
        try (StructuredTaskScope<Object, Void> scope = StructuredTaskScope.open()) {
            for (int i = 0; i < n; i++) {
                subtasks[i] = scope.fork(ScopeFanOutBenchmark.TASK);
            }
            scope.join();
        }
        int sum = 0;
        for (StructuredTaskScope.Subtask<Integer> s : subtasks) {
            sum += s.get();
        }
        return sum;
    }
}
