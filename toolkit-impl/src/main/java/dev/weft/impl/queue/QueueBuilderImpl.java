package dev.weft.impl.queue;

import dev.weft.ConsumerQueue;
import dev.weft.Overflow;
import dev.weft.QueueBuilder;
import dev.weft.ShutdownPhase;
import dev.weft.TaskFactory;
import dev.weft.impl.shutdown.ShutdownCoordinatorImpl;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.spi.Checks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Configures and starts consumer queues. Not thread-safe, like every builder; each
 * {@code consume}/{@code consumeBatches} call builds a new, independent queue.
 *
 * <p>Every queue it builds registers with the shutdown coordinator in {@link ShutdownPhase#FLUSH}, so
 * a queue nobody closed is drained at JVM exit within the coordinator's deadline; the registration
 * ends when the queue terminates.
 *
 * <pre>{@code
 * ConsumerQueue<String> q = Weft.queue("audit").capacity(4_096).whenFull(Overflow.BLOCK)
 *         .consume(line -> writer.println(line));
 * }</pre>
 */
public final class QueueBuilderImpl implements QueueBuilder {
    /** Largest capacity: the ring is allocated up front. */
    static final int MAX_CAPACITY = 1 << 26;
    /** Largest batch. */
    static final int MAX_BATCH = 1 << 16;

    private final String name;
    private int capacity = 1_024;
    private Overflow overflow = Overflow.BLOCK;
    private Duration drainTimeout = Duration.ofSeconds(5);
    private int batchSize = 256;
    private Consumer<? super List<Object>> orphans;
    private TaskFactoryImpl factory;
    private boolean closeWhenOwnerEnds;
    private ShutdownCoordinatorImpl coordinator = ShutdownCoordinatorImpl.instance();

    private QueueBuilderImpl(String name) {
        this.name = Checks.check("name", name);
    }

    /** @return a builder for a queue called {@code name} */
    public static QueueBuilder create(String name) {
        return new QueueBuilderImpl(name);
    }

    @Override
    public QueueBuilderImpl capacity(int capacity) {
        this.capacity = Checks.positive("capacity", capacity, MAX_CAPACITY);
        return this;
    }

    @Override
    public QueueBuilderImpl whenFull(Overflow policy) {
        this.overflow = Checks.notNull("policy", policy);
        return this;
    }

    @Override
    public QueueBuilderImpl drainTimeout(Duration timeout) {
        this.drainTimeout = Checks.positive("timeout", timeout);
        return this;
    }

    @Override
    public QueueBuilderImpl batchSize(int size) {
        this.batchSize = Checks.positive("size", size, MAX_BATCH);
        return this;
    }

    @Override
    public QueueBuilderImpl onOrphans(Consumer<? super List<Object>> handler) {
        this.orphans = Checks.notNull("handler", handler);
        return this;
    }

    @Override
    public QueueBuilderImpl tasks(TaskFactory factory) {
        this.factory = TaskFactoryImpl.adopt(factory);
        return this;
    }

    @Override
    public QueueBuilderImpl closeWhenOwnerEnds() {
        this.closeWhenOwnerEnds = true;
        return this;
    }

    /** The coordinator to register with (tests use a detached one); default the JVM-wide one. */
    QueueBuilderImpl coordinator(ShutdownCoordinatorImpl coordinator) {
        this.coordinator = Checks.notNull("coordinator", coordinator);
        return this;
    }

    @Override
    public <T> ConsumerQueue<T> consume(Consumer<? super T> consumer) {
        Checks.notNull("consumer", consumer);
        return build(consumer, null);
    }

    @Override
    public <T> ConsumerQueue<T> consumeBatches(Consumer<? super List<T>> consumer) {
        Checks.notNull("consumer", consumer);
        return build(null, consumer);
    }

    private <T> ConsumerQueue<T> build(Consumer<? super T> items, Consumer<? super List<T>> batches) {
        TaskFactoryImpl threads = factory != null ? factory : TaskFactoryImpl.of(name);
        QueueCore<T> core = new QueueCore<>(name, capacity, overflow, drainTimeout, batchSize, orphans, threads,
                items, batches);
        ConsumerQueueImpl<T> queue = new ConsumerQueueImpl<>(core);
        core.start();
        if (closeWhenOwnerEnds) {
            watchOwner(core, Thread.currentThread());
        }
        ShutdownCoordinatorImpl shutdown = coordinator;
        core.registration(shutdown.register(ShutdownPhase.FLUSH, "queue '" + name + "'",
                () -> core.closeUnattended("at JVM shutdown", budget(shutdown.timeLeftInPhase()))));
        return queue;
    }

    /** The graceful part of a shutdown drain: the phase's time less room to force and report. */
    static long budget(Duration phaseLeft) {
        long left = Math.max(0, phaseLeft.toNanos());
        long margin = Math.min(left / 4, TimeUnit.MILLISECONDS.toNanos(300));
        return left - margin;
    }

    private static void watchOwner(QueueCore<?> core, Thread owner) {
        Thread watcher = core.factory.start(() -> {
            try {
                owner.join();
            } catch (InterruptedException closedFirst) {
                return; // the queue ended before its owner
            }
            core.closeUnattended("because its owner thread '" + owner.getName() + "' ended",
                    core.drainTimeout.toNanos());
        });
        core.ownerWatcher(watcher);
    }
}
