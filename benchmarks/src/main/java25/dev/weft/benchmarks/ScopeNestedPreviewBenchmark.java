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
 * JDK 25's {@link StructuredTaskScope} (preview) nested {@code depth} deep, as
 * {@link ScopeNestedBenchmark} nests Weft scopes. Compiled only on JDK 25+, run with
 * {@code --enable-preview}.
 *
 * <pre>{@code
 * benchmarks/run 'ScopeNested'
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class ScopeNestedPreviewBenchmark {
    @Param({"10"})
    public int depth;

    @Benchmark
    public int structuredTaskScope() throws InterruptedException {
        return level(depth);
    }

    private static int level(int levels) throws InterruptedException {
        if (levels == 0) {
            return 0;
        }
        try (StructuredTaskScope<Object, Void> scope = StructuredTaskScope.open()) {
            StructuredTaskScope.Subtask<Integer> inner = scope.fork(() -> level(levels - 1));
            scope.join();
            return inner.get() + 1;
        }
    }
}
