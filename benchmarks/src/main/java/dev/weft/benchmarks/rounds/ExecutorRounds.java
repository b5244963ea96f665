package dev.weft.benchmarks.rounds;

import dev.weft.Weft;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code tasks} trivial tasks submitted and read back, the JDK's
 * {@code newVirtualThreadPerTaskExecutor} and Weft's executor taking turns in one JVM (each built and
 * closed per round), medians of many rounds. It complements {@code ExecutorBenchmark}, whose JMH
 * forks are noisy on a shared 2-core machine.
 *
 * <pre>
 * java -XX:+AlwaysPreTouch -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.weft.benchmarks.rounds.ExecutorRounds 1000 3000
 * </pre>
 */
public final class ExecutorRounds {
    private static final Callable<Integer> TASK = () -> 1;

    private ExecutorRounds() {}

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        long[] jdk = new long[rounds];
        long[] weft = new long[rounds];
        for (int r = -rounds / 5; r < rounds; r++) { // the first fifth warms up
            long t0 = System.nanoTime();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                submitAndGet(ex, tasks);
            }
            long t1 = System.nanoTime();
            try (ExecutorService ex = Weft.executor("rounds").build()) {
                submitAndGet(ex, tasks);
            }
            long t2 = System.nanoTime();
            if (r >= 0) {
                jdk[r] = t1 - t0;
                weft[r] = t2 - t1;
            }
        }
        long[] j = FanOutRounds.sorted(jdk);
        long[] w = FanOutRounds.sorted(weft);
        System.out.printf("tasks=%d, %d rounds; medians (p25-p75) in microseconds%n", tasks, rounds);
        System.out.printf("jdk  %s%nweft %s%n", FanOutRounds.median(jdk), FanOutRounds.median(weft));
        System.out.printf("ratio weft/jdk of medians: %.2f (p25 %.2f, p75 %.2f)%n", (double) w[rounds / 2] / j[rounds / 2],
                (double) w[rounds / 4] / j[rounds / 4], (double) w[3 * rounds / 4] / j[3 * rounds / 4]);
    }

    private static void submitAndGet(ExecutorService ex, int tasks) throws Exception {
        Future<?>[] futures = new Future<?>[tasks];
        for (int i = 0; i < tasks; i++) {
            futures[i] = ex.submit(TASK);
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }
}
