package dev.weft.impl.queue;

import dev.weft.ConsumerQueue;
import dev.weft.Producer;
import dev.weft.QueueStats;
import dev.weft.ShutdownReport;
import dev.weft.spi.Checks;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;

/**
 * The handle users hold on a consumer queue: a thin shell around a {@link QueueCore}.
 *
 * <p>Ownership. Whoever holds this {@link ConsumerQueue} reference is its owner and may close it,
 * from any thread; {@link #producer()} hands out a {@link Producer} view that can send but has no
 * way to close (it is a different object, not castable to {@link ConsumerQueue}).
 *
 * <p>Forgotten close. The consumer thread, the shutdown coordinator and the cleaning action hold
 * only the core, never this handle; producer views hold this handle. So once this handle and every
 * producer view are unreachable, the {@link Cleaner} runs and closes the core (in the background,
 * with the builder's drain timeout), and every accepted item is still delivered. Each method that
 * reaches the core fences this handle, so the Cleaner cannot close the queue under a running call.
 * The rescue needs the handle to become unreachable: a consumer that refers to its own queue keeps
 * it reachable from the Cleaner's list, so such a queue is rescued only by the shutdown coordinator at
 * exit. Once the queue terminates its Cleaner registration is dropped, so a closed queue is garbage
 * as soon as its owner lets go of it, whatever its consumer refers to.
 *
 * <pre>{@code
 * ConsumerQueue<String> q = Weft.queue("lines").consume(System.out::println);
 * q.put("hello");
 * q.close();
 * }</pre>
 */
public final class ConsumerQueueImpl<T> implements ConsumerQueue<T> {
    private static final Cleaner CLEANER = Cleaner.create(
            dev.weft.impl.task.TaskFactoryImpl.daemonPlatform("weft-queue-cleaner"));

    private final QueueCore<T> core;
    private final Producer<T> producer = new ProducerView<>(this);

    ConsumerQueueImpl(QueueCore<T> core) {
        this.core = core;
        core.cleanable(CLEANER.register(this, new Unreachable(core)));
    }

    @Override
    public void put(T item) throws InterruptedException {
        try {
            core.send(item, -1, true);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public boolean offer(T item) {
        try {
            return core.send(item, 0, false);
        } catch (InterruptedException e) {
            throw new AssertionError("offer without waiting cannot be interrupted", e);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        Checks.nonNegative("timeout", timeout);
        try {
            return core.send(item, timeout.toNanos(), false);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public Producer<T> producer() {
        return producer;
    }

    /** Closes gracefully within the builder's drain timeout; a report that is not clean is logged. */
    @Override
    public void close() {
        ShutdownReport r = close(core.drainTimeout);
        if (!r.clean()) {
            QueueCore.LOG.log(System.Logger.Level.WARNING, "queue '" + core.name + "' did not close cleanly: " + r);
        }
    }

    @Override
    public ShutdownReport close(Duration timeout) {
        Checks.nonNegative("timeout", timeout);
        try {
            return core.close(timeout.toNanos());
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public boolean isClosed() {
        return core.isClosed();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Checks.nonNegative("timeout", timeout);
        return core.awaitTermination(timeout.toNanos());
    }

    @Override
    public QueueStats stats() {
        return core.stats();
    }

    /** For tests: the consumer thread now, or {@code null}. */
    Thread consumerThread() {
        return core.consumerThread();
    }

    @Override
    public String toString() {
        return "ConsumerQueue[" + core.name + (core.isClosed() ? ", closed" : "") + "]";
    }

    /** Sends through the owner's handle, keeping it reachable; it has no close. */
    private record ProducerView<T>(ConsumerQueueImpl<T> queue) implements Producer<T> {
        @Override
        public void put(T item) throws InterruptedException {
            queue.put(item);
        }

        @Override
        public boolean offer(T item) {
            return queue.offer(item);
        }

        @Override
        public boolean offer(T item, Duration timeout) throws InterruptedException {
            return queue.offer(item, timeout);
        }

        @Override
        public String toString() {
            return "Producer[" + queue.core.name + "]";
        }
    }

    /**
     * The Cleaner's action. It holds the core only (never the handle, or the handle could never
     * become unreachable), and closes on a thread of the queue's factory, so the Cleaner's one
     * thread is never held up by a drain.
     */
    private record Unreachable(QueueCore<?> core) implements Runnable {
        @Override
        public void run() {
            if (core.isClosed() || core.isTerminated()) {
                return; // closed by its owner, at exit, or given up: nothing left to rescue
            }
            core.factory.start(() -> core.closeUnattended("because it and its producers became unreachable",
                    core.drainTimeout.toNanos()));
        }
    }
}
