package dev.weft.benchmarks.rounds;

import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Fan-out of {@code n} trivial subtasks, Weft's scope and raw virtual threads taking turns in one
 * JVM, timed per phase: how long the owner takes to fork (start) them all, to join, to close. On a
 * noisy shared machine, alternating in one process and taking medians of many rounds compares the
 * two more steadily than separate JMH forks, and the phases show which side (the forking owner or
 * the carriers running the subtasks) bounds the total. It complements {@code ScopeFanOutBenchmark}.
 *
 * <pre>
 * java -XX:+AlwaysPreTouch -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.weft.benchmarks.rounds.FanOutRounds 10000 1500
 * </pre>
 */
public final class FanOutRounds {
    private static final Callable<Integer> TASK = () -> 1;
    private static final Runnable RUNNABLE = () -> { };

    private FanOutRounds() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1_500;
        long[][] raw = new long[3][rounds];
        long[][] weft = new long[4][rounds];
        for (int r = -rounds / 5; r < rounds; r++) { // the first fifth warms up
            long t0 = System.nanoTime();
            Thread[] threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                threads[i] = Thread.ofVirtual().start(RUNNABLE);
            }
            long t1 = System.nanoTime();
            for (Thread t : threads) {
                t.join();
            }
            long t2 = System.nanoTime();
            if (r >= 0) {
                raw[0][r] = t1 - t0;
                raw[1][r] = t2 - t1;
                raw[2][r] = t2 - t0;
            }

            @SuppressWarnings("unchecked")
            Subtask<Integer>[] subtasks = new Subtask[n];
            long w0 = System.nanoTime();
            Scope scope = Weft.scope("fan-out").open();
            for (int i = 0; i < n; i++) {
                subtasks[i] = scope.fork(TASK);
            }
            long w1 = System.nanoTime();
            scope.join();
            long w2 = System.nanoTime();
            scope.close();
            long w3 = System.nanoTime();
            for (Subtask<Integer> s : subtasks) {
                s.get();
            }
            if (r >= 0) {
                weft[0][r] = w1 - w0;
                weft[1][r] = w2 - w1;
                weft[2][r] = w3 - w2;
                weft[3][r] = w3 - w0;
            }
        }
        System.out.printf("n=%d, %d rounds; medians (p25-p75) in microseconds%n", n, rounds);
        System.out.printf("raw  start %s  join %s  total %s%n", median(raw[0]), median(raw[1]), median(raw[2]));
        System.out.printf("weft fork  %s  join %s  close %s  total %s%n", median(weft[0]), median(weft[1]),
                median(weft[2]), median(weft[3]));
        System.out.printf("total ratio weft/raw of medians: %.2f%n", (double) sorted(weft[3])[rounds / 2] / sorted(raw[2])[rounds / 2]);
    }

    static long[] sorted(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    static String median(long[] v) {
        long[] s = sorted(v);
        return String.format("%,.0f (%,.0f-%,.0f)", s[s.length / 2] / 1e3, s[s.length / 4] / 1e3, s[3 * s.length / 4] / 1e3);
    }
}
