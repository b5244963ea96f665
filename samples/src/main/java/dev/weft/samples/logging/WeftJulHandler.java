package dev.weft.samples.logging;

import dev.weft.QueueStats;
import dev.weft.ShutdownReport;
import dev.weft.spi.Checks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * A {@code java.util.logging} handler that formats each record on the logging thread and hands the
 * line to a Weft consumer queue, whose one thread writes it to a file or stream. Logging never waits
 * for the disk (only for room when {@code capacity} lines are waiting), and no line it accepted is
 * lost: {@link #close()} drains the queue, and a program that never closes it is drained at JVM exit
 * by Weft's shutdown coordinator (phase {@code FLUSH}) — and by JUL's own {@code LogManager} reset,
 * which closes root handlers at exit.
 *
 * <pre>{@code
 * Logger root = Logger.getLogger("");
 * for (Handler h : root.getHandlers()) root.removeHandler(h);
 * root.addHandler(new WeftJulHandler(Path.of("app.log")));
 * Logger.getLogger("orders").info("order 17 accepted");    // returns once the line is queued
 * }</pre>
 *
 * <p>Or from {@code logging.properties}:
 * <pre>
 * handlers = dev.weft.samples.logging.WeftJulHandler
 * dev.weft.samples.logging.WeftJulHandler.file = /var/log/app.log
 * dev.weft.samples.logging.WeftJulHandler.capacity = 8192
 * dev.weft.samples.logging.WeftJulHandler.drainTimeoutMillis = 5000
 * dev.weft.samples.logging.WeftJulHandler.level = INFO
 * dev.weft.samples.logging.WeftJulHandler.formatter = java.util.logging.SimpleFormatter
 * </pre>
 *
 * <p>Invariants: a record that passes {@link #isLoggable} is formatted exactly once and its line is
 * written to the sink or, if it cannot be, to stderr ({@link QueuedLineWriter}); format failures go to
 * the {@link ErrorManager}, as JUL handlers do. The formatter's head is queued before any record's
 * line (guarded by {@code headLock}, taken only until the head is out), and its tail after the last
 * record accepted before {@link #close()}.
 *
 * <p>Visibility: {@code headWritten} is volatile, set under {@code headLock}; the writer is final and
 * thread-safe; {@code lastReport} is volatile.
 */
public final class WeftJulHandler extends Handler {
    private static final String PREFIX = WeftJulHandler.class.getName();

    private final QueuedLineWriter writer;
    private final Duration drainTimeout;
    private final ReentrantLock headLock = new ReentrantLock();
    private volatile boolean headWritten;
    private final AtomicBoolean tailWritten = new AtomicBoolean();
    private volatile ShutdownReport lastReport;

    /**
     * Configured from the {@link LogManager}'s properties (see the class comment); what is not set
     * takes its default: file {@code weft-jul.log} in the working directory, appended to.
     */
    public WeftJulHandler() {
        this(Settings.fromLogManager());
        setLevel(Level.parse(property("level", "ALL")));
        setFormatter(newFormatter(property("formatter", SimpleFormatter.class.getName())));
        try {
            setEncoding(property("encoding", "UTF-8"));
        } catch (IOException e) {   // UnsupportedEncodingException
            throw new IllegalArgumentException(PREFIX + ".encoding: " + e.getMessage(), e);
        }
    }

    /** The properties read before the file is opened, so a bad value fails without leaving a file open. */
    private record Settings(Path file, int capacity, Duration drainTimeout) {
        static Settings fromLogManager() {
            Path file = Path.of(property("file", "weft-jul.log"));
            int capacity = Math.clamp(number("capacity", QueuedLineWriter.DEFAULT_CAPACITY), Integer.MIN_VALUE,
                    Integer.MAX_VALUE);
            Duration drain = Duration.ofMillis(number("drainTimeoutMillis",
                    QueuedLineWriter.DEFAULT_DRAIN_TIMEOUT.toMillis()));
            Checks.positive(PREFIX + ".capacity", capacity, QueuedLineWriter.MAX_CAPACITY);
            Checks.positive(PREFIX + ".drainTimeoutMillis", drain);
            return new Settings(file, capacity, drain);
        }

        private static long number(String key, long fallback) {
            String value = property(key, Long.toString(fallback));
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PREFIX + "." + key + " must be a number, was '" + value + "'", e);
            }
        }
    }

    private WeftJulHandler(Settings s) {
        this("jul:" + s.file().getFileName(), QueuedLineWriter.open(s.file()), true, s.capacity(), s.drainTimeout());
    }

    /** Appends to {@code file} (created if missing), with the default capacity and drain timeout. */
    public WeftJulHandler(Path file) {
        this("jul:" + Checks.notNull("file", file).getFileName(), QueuedLineWriter.open(file), true,
                QueuedLineWriter.DEFAULT_CAPACITY, QueuedLineWriter.DEFAULT_DRAIN_TIMEOUT);
    }

    /**
     * @param name         the queue's name (thread names, reports)
     * @param sink         where lines go
     * @param ownsSink     close {@code sink} on {@link #close()} ({@code false} for {@code System.out})
     * @param capacity     lines that may wait before a logging thread waits for room
     * @param drainTimeout how long {@link #close()} drains before it forces
     */
    public WeftJulHandler(String name, OutputStream sink, boolean ownsSink, int capacity, Duration drainTimeout) {
        setFormatter(new SimpleFormatter());
        this.drainTimeout = Checks.positive("drainTimeout", drainTimeout);
        this.writer = new QueuedLineWriter(name, sink, ownsSink, capacity, drainTimeout, this::reportFailure);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError("formatting a record failed", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        ensureHeadWritten();
        writer.write(line.getBytes(charset()));
    }

    /** Waits (up to the drain timeout) until every line published before has been written and the sink flushed. */
    @Override
    public void flush() {
        if (!writer.isClosed() && !writer.flush(drainTimeout)) {
            reportError("flush did not complete within " + drainTimeout, null, ErrorManager.FLUSH_FAILURE);
        }
    }

    /** Writes the formatter's tail, drains the queue (up to the drain timeout) and closes the sink. */
    @Override
    public void close() {
        closeAndReport(drainTimeout);
    }

    /**
     * Like {@link #close()}, draining for at most {@code timeout}.
     *
     * @return what the queue delivered, and what it could not (handed to stderr)
     */
    public ShutdownReport close(Duration timeout) {
        return closeAndReport(Checks.positive("timeout", timeout));
    }

    /** @return the report of the last close, or {@code null} before the first */
    public ShutdownReport lastReport() {
        return lastReport;
    }

    /** @return the queue's counters (accepted, delivered = written, failed, waiting, ...) */
    public QueueStats stats() {
        return writer.stats();
    }

    private ShutdownReport closeAndReport(Duration timeout) {
        if (headWritten && tailWritten.compareAndSet(false, true)) {
            String tail = getFormatter().getTail(this);
            if (!tail.isEmpty()) {
                writer.write(tail.getBytes(charset()));
            }
        }
        ShutdownReport report = writer.close(timeout);
        lastReport = report;
        return report;
    }

    private void ensureHeadWritten() {
        if (headWritten) {
            return;
        }
        headLock.lock();
        try {
            if (!headWritten) {
                String head = getFormatter().getHead(this);
                if (!head.isEmpty()) {
                    writer.write(head.getBytes(charset()));
                }
                headWritten = true;
            }
        } finally {
            headLock.unlock();
        }
    }

    private Charset charset() {
        String encoding = getEncoding();
        return encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    }

    private void reportFailure(String message, Throwable error) {
        Exception e = error == null || error instanceof Exception ? (Exception) error : new Exception(error);
        reportError(message, e, error == null ? ErrorManager.CLOSE_FAILURE : ErrorManager.WRITE_FAILURE);
    }

    private static String property(String key, String fallback) {
        String value = LogManager.getLogManager().getProperty(PREFIX + "." + key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static Formatter newFormatter(String className) {
        try {
            return (Formatter) Class.forName(className, true, ClassLoader.getSystemClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(PREFIX + ".formatter: cannot create '" + className + "'", e);
        }
    }
}
