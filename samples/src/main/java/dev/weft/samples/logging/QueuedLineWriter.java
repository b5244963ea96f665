package dev.weft.samples.logging;

import dev.weft.ConsumerQueue;
import dev.weft.Overflow;
import dev.weft.QueueClosedException;
import dev.weft.QueueStats;
import dev.weft.ShutdownReport;
import dev.weft.Weft;
import dev.weft.spi.Checks;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The part both logging samples share: formatted lines go into a Weft {@link ConsumerQueue}, and its
 * one consumer thread writes them, in order, to a sink. {@link WeftJulHandler} and
 * {@link WeftLogbackAppender} format on the logging thread and hand the bytes here.
 *
 * <pre>{@code
 * QueuedLineWriter w = new QueuedLineWriter("app-log", Files.newOutputStream(file), true,
 *         8_192, Duration.ofSeconds(5), (message, error) -> System.err.println(message));
 * w.write("hello\n".getBytes(UTF_8));     // waits for room when 8,192 lines are waiting
 * ShutdownReport r = w.close(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Invariants.
 * <ul>
 *   <li>Every line passed to {@link #write} ends in exactly one place: the sink (via the queue, in
 *       acceptance order), or, when it cannot get there, the fallback stream ({@code System.err}):
 *       lines refused because the writer is closed, lines whose writing thread was interrupted while
 *       it waited for room, and lines the queue hands to its orphan handler after a forced close.
 *       A batch the sink fails to take is counted by the queue as failed and reported through
 *       {@link ErrorSink}; nothing disappears without a word.</li>
 *   <li>Only the consumer thread touches {@code out} until the queue has terminated; {@link #close}
 *       closes an owned sink only after that, so a close never races a write.</li>
 *   <li>The consumer never waits on its own queue: a line logged by the consumer thread itself (say,
 *       a library the sink calls logs a warning) is offered without waiting, and spilled to the
 *       fallback stream when there is no room, instead of deadlocking on a full queue.</li>
 *   <li>The sink is flushed at the end of every batch, so whatever the consumer has handled has
 *       reached the operating system; a JVM exit after the queue's shutdown drain loses nothing.</li>
 * </ul>
 *
 * <p>Reachability. The consumer and the error sink refer back to this writer and to the handler that
 * owns it, so the queue stays reachable as long as its consumer thread exists: the queue's
 * {@code Cleaner} net never fires for it. Close it (a logging framework does, on reconfiguration or
 * with its shutdown hook) or let the JVM's exit drain it; a writer dropped without either keeps its
 * parked consumer and its file open, as an unclosed {@code FileHandler} keeps its file.
 *
 * <p>Visibility. {@code out} is final and written only by the consumer thread (a consumer restarted
 * after an {@code Error} starts after its predecessor ended, which orders their writes); the close
 * path touches it only after {@link ConsumerQueue#awaitTermination} returned {@code true}, which
 * orders the consumer's last write before the close. {@code consumer} is volatile: a logging thread
 * compares itself with it. Barrier latches publish the consumer's flush to the thread in
 * {@link #flush}.
 */
public final class QueuedLineWriter implements AutoCloseable {
    /** Where problems go: a logging framework's own error channel (JUL's ErrorManager, Logback's status). */
    @FunctionalInterface
    public interface ErrorSink {
        void report(String message, Throwable error);
    }

    /** A request, queued behind the lines before it, to flush the sink and say so. */
    private record Barrier(CountDownLatch written) {}

    /** Lines that may wait before a logging thread waits for room, unless configured otherwise. */
    public static final int DEFAULT_CAPACITY = 8_192;
    /** How long a close drains before it forces, unless configured otherwise. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** Largest capacity accepted: the queue allocates its ring up front. */
    public static final int MAX_CAPACITY = 1 << 20;
    /** Keeps one spill's lines together on the shared fallback stream; a lock, not a monitor, as it is held across I/O. */
    private static final ReentrantLock SPILL_LOCK = new ReentrantLock();

    private final String name;
    private final OutputStream out;
    private final boolean ownsSink;
    private final Duration drainTimeout;
    private final ErrorSink errors;
    private final PrintStream fallback = System.err;
    private final ConsumerQueue<Object> queue;
    private final AtomicLong spilled = new AtomicLong();
    private volatile Thread consumer;

    /**
     * Starts the consumer thread.
     *
     * @param name         the queue's name, seen in thread names, stats and shutdown reports
     * @param sink         where the lines go, in order
     * @param ownsSink     {@code true} to close {@code sink} when this writer is closed (a file you
     *                     opened for it); {@code false} to only flush it ({@code System.out})
     * @param capacity     lines that may wait; a logging thread waits for room beyond that
     * @param drainTimeout how long {@link #close()} drains before it forces
     * @param errors       where write failures and close reports that are not clean go
     */
    public QueuedLineWriter(String name, OutputStream sink, boolean ownsSink, int capacity, Duration drainTimeout,
                            ErrorSink errors) {
        this.name = Checks.check("name", name);
        this.out = new BufferedOutputStream(Checks.notNull("sink", sink), 64 * 1024);
        this.ownsSink = ownsSink;
        this.drainTimeout = Checks.positive("drainTimeout", drainTimeout);
        this.errors = Checks.notNull("errors", errors);
        this.queue = Weft.queue(name)
                .capacity(Checks.positive("capacity", capacity, MAX_CAPACITY))
                .whenFull(Overflow.BLOCK)       // a logger that drops lines is the problem this solves
                .drainTimeout(drainTimeout)
                .onOrphans(this::spillOrphans)
                .tasks(Weft.tasks(name)
                        .onFailure(f -> errors.report("log writer '" + name + "' failed to write a batch; its lines"
                                + " are counted as failed in stats()", f.throwable()))
                        .build())
                .consumeBatches(this::writeBatch);
    }

    /**
     * Accepts one formatted line (it should end with its own line separator). Waits while the queue
     * is full. Never throws: a line that cannot be accepted goes to the fallback stream instead.
     */
    public void write(byte[] line) {
        Checks.notNull("line", line);
        try {
            if (Thread.currentThread() == consumer) {
                if (!queue.offer(line)) {
                    spill(List.of(line), "logged by the writer's own thread while its queue was full");
                }
                return;
            }
            queue.put(line);
        } catch (QueueClosedException closed) {
            spill(List.of(line), "logged after the writer was closed");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();   // the caller's interrupt is theirs to see
            spill(List.of(line), "logged by a thread interrupted while it waited for room");
        }
    }

    /**
     * Waits until every line accepted before this call has been written to the sink and the sink
     * flushed, for at most {@code timeout}.
     *
     * @return {@code true} when they were; {@code false} on timeout, interrupt or a closed writer
     */
    public boolean flush(Duration timeout) {
        Checks.positive("timeout", timeout);
        if (Thread.currentThread() == consumer) {
            return false;   // the consumer flushes at the end of the batch it is in
        }
        Barrier barrier = new Barrier(new CountDownLatch(1));
        try {
            if (!queue.offer(barrier, timeout)) {
                return false;
            }
            return barrier.written().await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (QueueClosedException closed) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes with the drain timeout given at construction. */
    @Override
    public void close() {
        close(drainTimeout);
    }

    /**
     * Stops intake, drains for up to {@code timeout}, then forces (the rest goes to the fallback
     * stream), closes an owned sink once the consumer has ended, and reports a close that was not
     * clean to the {@link ErrorSink}.
     */
    public ShutdownReport close(Duration timeout) {
        ShutdownReport report = queue.close(timeout);
        if (!report.clean()) {
            errors.report("log writer '" + name + "' closed: " + report, null);
        }
        if (consumerEnded()) {
            closeSink();
        }
        return report;
    }

    /** @return the queue's counters: accepted, delivered (written), failed, waiting, ... */
    public QueueStats stats() {
        return queue.stats();
    }

    /** @return lines that went to the fallback stream instead of the sink */
    public long spilled() {
        return spilled.get();
    }

    /** @return whether {@link #close} (or the JVM's shutdown) has closed the queue */
    public boolean isClosed() {
        return queue.isClosed();
    }

    // ------------------------------------------------------------------ consumer side

    private void writeBatch(List<Object> batch) {
        consumer = Thread.currentThread();
        try {
            for (Object entry : batch) {
                if (entry instanceof byte[] line) {
                    out.write(line);
                } else {
                    out.flush();
                    ((Barrier) entry).written().countDown();
                }
            }
            out.flush();   // a batch handled is a batch the OS has: nothing waits in our buffer at exit
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void spillOrphans(List<Object> left) {
        long lines = left.stream().filter(e -> e instanceof byte[]).count();
        left.stream().filter(e -> e instanceof Barrier).forEach(b -> ((Barrier) b).written().countDown());
        spill(left, "not written to the sink within the drain timeout");
        errors.report("log writer '" + name + "': " + lines + " line(s) " + "could not be written to the sink in time;"
                + " they were written to stderr instead", null);
    }

    private void spill(List<?> entries, String why) {
        SPILL_LOCK.lock();
        try {
            for (Object e : entries) {
                if (e instanceof byte[] line) {
                    fallback.print("[" + name + ": " + why + "] ");
                    fallback.write(line, 0, line.length);
                    spilled.incrementAndGet();
                }
            }
            fallback.flush();
        } finally {
            SPILL_LOCK.unlock();
        }
    }

    /** Opens {@code file} for appending, creating it and its directories if missing. */
    static OutputStream open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open log file " + file.toAbsolutePath(), e);
        }
    }

    private boolean consumerEnded() {
        try {
            return queue.awaitTermination(Duration.ofMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeSink() {
        try {
            if (ownsSink) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException e) {
            errors.report("log writer '" + name + "': closing the sink failed", e);
        }
    }
}
