package dev.weft.benchmarks.rounds;

import dev.weft.benchmarks.QueueThroughputBenchmark;

/**
 * {@link QueueThroughputBenchmark}'s operations, {@code ArrayBlockingQueue} (item and
 * {@code drainTo} batches) and Weft's queue (item and batch consumer) taking turns in one JVM,
 * medians of many rounds. It complements the JMH benchmark, whose separate forks are noisy on a
 * shared 2-core machine; it calls the benchmark's own methods, so both measure the same code.
 *
 * <pre>
 * java -XX:+AlwaysPreTouch -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.weft.benchmarks.rounds.QueueRounds 4 1000000 20
 * </pre>
 */
public final class QueueRounds {
    private QueueRounds() {}

    @FunctionalInterface
    private interface Variant {
        long run(QueueThroughputBenchmark b) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        QueueThroughputBenchmark bench = new QueueThroughputBenchmark();
        bench.producers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        bench.items = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String[] names = {"abq item", "weft item", "abq batch", "weft batch"};
        Variant[] variants = {QueueThroughputBenchmark::baselineArrayBlockingQueue, QueueThroughputBenchmark::weftQueue,
                QueueThroughputBenchmark::arrayBlockingQueueBatch, QueueThroughputBenchmark::weftQueueBatch};
        long[][] times = new long[names.length][rounds];
        for (int r = -rounds / 5; r < rounds; r++) { // the first fifth warms up
            for (int v = 0; v < names.length; v++) {
                long t0 = System.nanoTime();
                variants[v].run(bench); // checks that every item arrived
                if (r >= 0) {
                    times[v][r] = System.nanoTime() - t0;
                }
            }
        }
        System.out.printf("producers=%d, items=%d, %d rounds; medians (p25-p75) in microseconds%n",
                bench.producers, bench.items, rounds);
        for (int v = 0; v < names.length; v++) {
            System.out.printf("%-10s %s%n", names[v], FanOutRounds.median(times[v]));
        }
        System.out.printf("weft/abq item: %.2f, batch: %.2f%n", ratio(times[1], times[0]), ratio(times[3], times[2]));
    }

    private static double ratio(long[] a, long[] b) {
        return (double) FanOutRounds.sorted(a)[a.length / 2] / FanOutRounds.sorted(b)[b.length / 2];
    }
}
