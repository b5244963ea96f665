package dev.weft.benchmarks.rounds;

import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Fan-out of {@code n} trivial subtasks, Weft's scope and raw virtual threads taking turns in one
 * JVM in blocks of operations, timed per phase: how long the owner takes to fork (start) them all,
 * to join, to close. On a noisy shared machine, taking turns in one process and taking medians of
 * many operations compares the two more steadily than separate JMH forks, and the phases show which
 * side (the forking owner or the carriers running the subtasks) bounds the total. It complements
 * {@code ScopeFanOutBenchmark}.
 *
 * <p>Why blocks: each operation leaves the carriers in a state the next one inherits (parked or
 * still spinning, caches holding one side's objects). In strict alternation each side runs after the
 * other, and Weft came out faster than raw threads (0.76-0.86x at n = 100) while JMH, which runs
 * each side on its own, put it at 1.2-1.5x; in blocks of 50 operations this harness agreed with JMH
 * in session 11. It still reads lower than a JVM per side: at n = 100 on 2026-12-06, 1.13-1.25x here
 * against about 1.4x for the same fan-out timed in a JVM of its own (docs/performance.md, session 12),
 * so use it to see which phase a change moves, and JMH for the ratio.
 *
 * <pre>
 * java -XX:+AlwaysPreTouch -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.weft.benchmarks.rounds.FanOutRounds 100 300 50
 * java -XX:+AlwaysPreTouch -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.weft.benchmarks.rounds.FanOutRounds 10000 100 3
 * </pre>
 *
 * Arguments: {@code n} (default 10,000), blocks per side (default 100), operations per block
 * (default: about 5,000 subtasks' worth, at least 3).
 */
public final class FanOutRounds {
    private static final Callable<Integer> TASK = () -> 1;
    private static final Runnable RUNNABLE = () -> { };

    private FanOutRounds() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int block = args.length > 2 ? Integer.parseInt(args[2]) : Math.max(3, 5_000 / n);
        int ops = blocks * block;
        long[][] raw = new long[3][ops];
        long[][] weft = new long[4][ops];
        int done = 0;
        for (int b = -blocks / 5; b < blocks; b++) { // the first fifth warms up
            for (int i = 0; i < block; i++) {
                record(raw, b >= 0 ? done + i : -1, rawOperation(n));
            }
            for (int i = 0; i < block; i++) {
                record(weft, b >= 0 ? done + i : -1, weftOperation(n));
            }
            if (b >= 0) {
                done += block;
            }
        }
        System.out.printf("n=%d, %d blocks of %d operations per side; medians (p25-p75) in microseconds%n", n, blocks, block);
        System.out.printf("raw  start %s  join %s  total %s%n", median(raw[0]), median(raw[1]), median(raw[2]));
        System.out.printf("weft fork  %s  join %s  close %s  total %s%n", median(weft[0]), median(weft[1]),
                median(weft[2]), median(weft[3]));
        System.out.printf("total ratio weft/raw of medians: %.2f%n", (double) sorted(weft[3])[ops / 2] / sorted(raw[2])[ops / 2]);
    }

    /** Stores one operation's phase times as operation {@code at} ({@code at < 0}: a warm-up, dropped). */
    private static void record(long[][] phases, int at, long[] times) {
        if (at >= 0) {
            for (int k = 0; k < times.length; k++) {
                phases[k][at] = times[k];
            }
        }
    }

    /** @return start, join and total nanoseconds of one raw fan-out */
    private static long[] rawOperation(int n) throws InterruptedException {
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
        return new long[] {t1 - t0, t2 - t1, t2 - t0};
    }

    /** @return fork, join, close and total nanoseconds of one fan-out in a Weft scope (results read back) */
    private static long[] weftOperation(int n) throws InterruptedException {
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
        return new long[] {w1 - w0, w2 - w1, w3 - w2, w3 - w0};
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
