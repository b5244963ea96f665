package dev.weft.benchmarks;

import dev.weft.Weft;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * {@code submit} + {@code get} through a long-lived executor, as a service uses one: per operation
 * {@code tasks} tasks are submitted, then every future is read. {@code work} is what a task does:
 * {@code none} (returns a constant) or {@code sleep1ms} ({@code Thread.sleep(1)}, a stand-in for a
 * short blocking call).
 *
 * <p>The executors are built once per trial and closed at its end:
 * <ul>
 * <li>{@link #baselineVirtualThreadExecutor()}: {@code Executors.newVirtualThreadPerTaskExecutor()}, the denominator;</li>
 * <li>{@link #weftExecutor()}: {@code Weft.executor("bench").build()}, one virtual thread per task, no limit;</li>
 * <li>{@link #weftExecutorMax64()}: the same with {@code maxConcurrency(64)}: tasks beyond 64 wait in its queue;</li>
 * <li>{@link #fixedThreadPool64()}: {@code Executors.newFixedThreadPool(64)} (platform threads), the
 *     pool such services migrate from, sized like the limit above.</li>
 * </ul>
 * With {@code sleep1ms} the limited variants are bound by 1,000 tasks / 64 at a time ≈ 16 ms; they are
 * here to show the cost of the limit, not to be compared with the unlimited ones. Per-task figures are
 * the score divided by {@code tasks}.
 *
 * <pre>{@code
 * benchmarks/run 'ExecutorBenchmark'
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class ExecutorBenchmark {
    static final int LIMIT = 64;

    @Param({"1000"})
    public int tasks;

    @Param({"none", "sleep1ms"})
    public String work;

    private Callable<Integer> task;
    private ExecutorService virtual;
    private ExecutorService weft;
    private ExecutorService weftLimited;
    private ExecutorService fixed;

    @Setup(Level.Trial)
    public void open() {
        task = switch (work) {
            case "none" -> () -> 1;
            case "sleep1ms" -> () -> {
                Thread.sleep(1);
                return 1;
            };
            default -> throw new IllegalArgumentException("work: unknown value '" + work + "'");
        };
        virtual = Executors.newVirtualThreadPerTaskExecutor();
        weft = Weft.executor("bench").build();
        weftLimited = Weft.executor("bench-limited").maxConcurrency(LIMIT).build();
        fixed = Executors.newFixedThreadPool(LIMIT);
    }

    @TearDown(Level.Trial)
    public void close() {
        virtual.close();
        weft.close();
        weftLimited.close();
        fixed.close();
    }

    private int submitAndGet(ExecutorService executor) throws InterruptedException, ExecutionException {
        @SuppressWarnings("unchecked")
        Future<Integer>[] futures = new Future[tasks];
        for (int i = 0; i < tasks; i++) {
            futures[i] = executor.submit(task);
        }
        int sum = 0;
        for (Future<Integer> f : futures) {
            sum += f.get();
        }
        return sum;
    }

    @Benchmark
    public int baselineVirtualThreadExecutor() throws InterruptedException, ExecutionException {
        return submitAndGet(virtual);
    }

    @Benchmark
    public int weftExecutor() throws InterruptedException, ExecutionException {
        return submitAndGet(weft);
    }

    @Benchmark
    public int weftExecutorMax64() throws InterruptedException, ExecutionException {
        return submitAndGet(weftLimited);
    }

    @Benchmark
    public int fixedThreadPool64() throws InterruptedException, ExecutionException {
        return submitAndGet(fixed);
    }
}
