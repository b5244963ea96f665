package dev.weft.benchmarks;

import dev.weft.ConsumerQueue;
import dev.weft.Weft;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
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
 * Close-to-terminated latency: the time from asking a consumer to stop until it has handled every
 * pending item and ended, with {@code pending} = 0 (an idle queue), 1,000 and 100,000 items waiting.
 *
 * <p>Per invocation, outside the measured time, a fresh queue (capacity at least {@code pending} + 2)
 * gets one first item; its consumer signals that it runs and, when items are to be pending, holds
 * that first item on a gate while {@code pending} more are put. The measured operation opens the gate
 * and ends the queue the variant's way, returning when the consumer has ended:
 * <ul>
 * <li>{@link #baselineArrayBlockingQueue()}: {@code put(POISON)} and {@code join()} of the consumer thread;</li>
 * <li>{@link #weftQueue()} / {@link #weftQueueBatch()}: {@code close()}, which returns once the
 *     consumer has delivered everything accepted and ended.</li>
 * </ul>
 * Sample-time mode, so the table's median ({@code p50}) is the figure the target speaks of (an idle
 * queue ends within 1 ms of {@code close()}). With {@code pending} = 0 the consumer has handled its
 * first item and gone back to waiting, so it is (almost always) parked when the close comes.
 *
 * <pre>{@code
 * benchmarks/run 'QueueClose'
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class QueueCloseBenchmark {
    static final Object ITEM = new Object();
    static final Object POISON = new Object();

    @Param({"0", "1000", "100000"})
    public int pending;

    private CountDownLatch started;
    private CountDownLatch gate;
    private ConsumerQueue<Object> weft;
    private ArrayBlockingQueue<Object> abq;
    private Thread abqConsumer;
    private long[] seen;

    /** The handler's first call: says the consumer runs, then holds on the gate while items pile up. */
    private void firstItem() {
        started.countDown();
        try {
            gate.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private int capacity() {
        return Math.max(1_024, pending + 2);
    }

    @Setup(Level.Invocation)
    public void fresh(org.openjdk.jmh.infra.BenchmarkParams params) throws InterruptedException {
        started = new CountDownLatch(1);
        gate = new CountDownLatch(pending == 0 ? 0 : 1);
        seen = new long[1];
        weft = null;
        abq = null;
        String method = params.getBenchmark();
        if (method.endsWith("baselineArrayBlockingQueue")) {
            abq = new ArrayBlockingQueue<>(capacity());
            ArrayBlockingQueue<Object> q = abq;
            abqConsumer = Thread.ofVirtual().start(() -> {
                try {
                    for (Object o = q.take(); o != POISON; o = q.take()) {
                        if (seen[0]++ == 0) {
                            firstItem();
                        }
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            abq.put(ITEM);
            started.await();
            for (int i = 0; i < pending; i++) {
                abq.put(ITEM);
            }
        } else {
            boolean batches = method.endsWith("weftQueueBatch");
            var builder = Weft.queue("close-bench").capacity(capacity());
            weft = batches
                    ? builder.consumeBatches(batch -> {
                        boolean first = seen[0] == 0;
                        seen[0] += batch.size();
                        if (first) {
                            firstItem();
                        }
                    })
                    : builder.consume(item -> {
                        if (seen[0]++ == 0) {
                            firstItem();
                        }
                    });
            weft.put(ITEM);
            started.await();
            for (int i = 0; i < pending; i++) {
                weft.put(ITEM);
            }
        }
    }

    @TearDown(Level.Invocation)
    public void check() {
        if (seen[0] != pending + 1) {
            throw new IllegalStateException("the consumer saw " + seen[0] + " items of " + (pending + 1));
        }
    }

    @Benchmark
    public void baselineArrayBlockingQueue() throws InterruptedException {
        gate.countDown();
        abq.put(POISON);
        abqConsumer.join();
    }

    @Benchmark
    public void weftQueue() {
        gate.countDown();
        weft.close();
    }

    @Benchmark
    public void weftQueueBatch() {
        gate.countDown();
        weft.close();
    }
}
