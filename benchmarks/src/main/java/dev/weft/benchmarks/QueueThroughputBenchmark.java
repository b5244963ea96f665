package dev.weft.benchmarks;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.softwaremill.jox.Channel;
import com.softwaremill.jox.ChannelDone;
import dev.weft.ConsumerQueue;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
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
 * Hand-off throughput: {@code producers} virtual threads send {@code items} items in all to one
 * consumer through a queue of capacity {@value #CAPACITY}; one operation ends when the consumer has
 * handled the last item and stopped, so every variant pays for its own way of ending.
 *
 * <p>Everything a variant needs (queue, consumer thread, producers) is created per operation; that
 * cost is a fraction of a millisecond against tens of milliseconds of hand-off. Every producer and
 * consumer thread is virtual. Variants:
 * <ul>
 * <li>{@link #baselineArrayBlockingQueue()}: {@code put}/{@code take}, ended by a poison pill: the
 *     denominator of the ratio table.</li>
 * <li>{@link #arrayBlockingQueueBatch()}: the same, the consumer taking one item and then
 *     {@code drainTo} up to {@value #BATCH} — the peer of Weft's batch consumer.</li>
 * <li>{@link #linkedBlockingQueue()} (bounded at {@value #CAPACITY}), {@link #linkedTransferQueue()}
 *     ({@code put}: unbounded, it cannot hold producers back), both ended by a poison pill.</li>
 * <li>{@link #joxChannel()}: a buffered jox channel, ended by {@code done()}.</li>
 * <li>{@link #disruptor()}: the LMAX Disruptor 4 with {@code BlockingWaitStrategy}, single-producer
 *     ring for one producer, multi-producer otherwise; ended when the handler has seen every item.</li>
 * <li>{@link #weftQueue()} ({@code consume}) and {@link #weftQueueBatch()} ({@code consumeBatches},
 *     batch size {@value #BATCH}): {@code put} (overflow policy BLOCK), ended by {@code close()},
 *     which returns once the consumer has handled everything accepted.</li>
 * </ul>
 * Every variant checks that the consumer saw exactly {@code items} items. Per-item figures are the
 * score divided by {@code items}.
 *
 * <pre>{@code
 * benchmarks/run 'QueueThroughput'                 # with the ratio table and targets
 * benchmarks/run 'QueueThroughput' -- -p producers=4 -prof stack
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class QueueThroughputBenchmark {
    static final int CAPACITY = 1_024;
    static final int BATCH = 256;
    /** What every producer sends: one shared object, so that allocation measures the queue alone. */
    static final Object ITEM = new Object();
    /** Ends the consumers of the JDK queues. */
    static final Object POISON = new Object();

    @Param({"1", "4", "1000"})
    public int producers;

    /** Items per operation, in all producers together (each sends items / producers). */
    @Param({"1000000"})
    public int items;

    /** A producer body: sends its share of the items. */
    @FunctionalInterface
    interface Send {
        void send(Object item) throws InterruptedException;
    }

    /** Starts the producers, each sending its share through {@code send}, and waits for all of them. */
    private void produce(Send send) throws InterruptedException {
        int share = items / producers;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int count = p == producers - 1 ? items - share * (producers - 1) : share;
            threads[p] = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        send.send(ITEM);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException("producer interrupted", e);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private long checked(long seen) {
        if (seen != items) {
            throw new IllegalStateException("the consumer saw " + seen + " items of " + items);
        }
        return seen;
    }

    // ---- JDK queues, ended by a poison pill ----

    private long pill(BlockingQueue<Object> q) throws InterruptedException {
        long[] seen = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                long n = 0;
                while (q.take() != POISON) {
                    n++;
                }
                seen[0] = n;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        produce(q::put);
        q.put(POISON);
        consumer.join();
        return checked(seen[0]);
    }

    @Benchmark
    public long baselineArrayBlockingQueue() throws InterruptedException {
        return pill(new ArrayBlockingQueue<>(CAPACITY));
    }

    @Benchmark
    public long arrayBlockingQueueBatch() throws InterruptedException {
        ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(CAPACITY);
        long[] seen = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            List<Object> batch = new ArrayList<>(BATCH);
            long n = 0;
            try {
                for (boolean more = true; more; batch.clear()) {
                    batch.add(q.take());
                    q.drainTo(batch, BATCH - 1);
                    for (Object o : batch) {
                        if (o == POISON) {
                            more = false;
                        } else {
                            n++;
                        }
                    }
                }
                seen[0] = n;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        produce(q::put);
        q.put(POISON);
        consumer.join();
        return checked(seen[0]);
    }

    @Benchmark
    public long linkedBlockingQueue() throws InterruptedException {
        return pill(new LinkedBlockingQueue<>(CAPACITY));
    }

    @Benchmark
    public long linkedTransferQueue() throws InterruptedException {
        return pill(new LinkedTransferQueue<>());
    }

    // ---- peers ----

    @Benchmark
    public long joxChannel() throws InterruptedException {
        Channel<Object> ch = Channel.newBufferedChannel(CAPACITY);
        long[] seen = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                long n = 0;
                while (!(ch.receiveOrClosed() instanceof ChannelDone)) {
                    n++;
                }
                seen[0] = n;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        produce(ch::send);
        ch.done();
        consumer.join();
        return checked(seen[0]);
    }

    /** A Disruptor ring slot. */
    static final class Slot {
        Object value;
    }

    @Benchmark
    public long disruptor() throws InterruptedException {
        Disruptor<Slot> d = new Disruptor<>(Slot::new, CAPACITY, Thread.ofVirtual().factory(),
                producers == 1 ? ProducerType.SINGLE : ProducerType.MULTI, new BlockingWaitStrategy());
        long[] seen = new long[1];
        CountDownLatch all = new CountDownLatch(1);
        d.handleEventsWith((slot, sequence, endOfBatch) -> {
            slot.value = null;
            if (++seen[0] == items) {
                all.countDown();
            }
        });
        RingBuffer<Slot> ring = d.start();
        produce(item -> {
            long seq = ring.next();
            ring.get(seq).value = item;
            ring.publish(seq);
        });
        all.await();
        d.halt();
        return checked(seen[0]);
    }

    // ---- Weft ----

    @Benchmark
    public long weftQueue() throws InterruptedException {
        long[] seen = new long[1];
        ConsumerQueue<Object> q = Weft.queue("bench").capacity(CAPACITY).consume(item -> seen[0]++);
        produce(q::put);
        q.close();
        return checked(seen[0]);
    }

    @Benchmark
    public long weftQueueBatch() throws InterruptedException {
        long[] seen = new long[1];
        ConsumerQueue<Object> q = Weft.queue("bench").capacity(CAPACITY).batchSize(BATCH)
                .consumeBatches(batch -> seen[0] += batch.size());
        produce(q::put);
        q.close();
        return checked(seen[0]);
    }
}
