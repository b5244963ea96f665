package dev.weft.samples.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.util.Duration;
import dev.weft.QueueStats;
import dev.weft.ShutdownReport;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A Logback appender that encodes each event on the logging thread and hands the bytes to a Weft
 * consumer queue, whose one thread writes them to a file (or a stream you give it). Unlike Logback's
 * {@code AsyncAppender} it never discards an event because the queue is getting full, and a program
 * that never stops it loses nothing: its queue is drained at JVM exit by Weft's shutdown coordinator
 * (phase {@code FLUSH}), whether or not Logback's {@code <shutdownHook/>} is configured.
 *
 * <pre>{@code
 * <appender name="FILE" class="dev.weft.samples.logging.WeftLogbackAppender">
 *   <file>logs/app.log</file>
 *   <capacity>8192</capacity>                 <!-- lines that may wait; then loggers wait for room -->
 *   <drainTimeout>5 seconds</drainTimeout>    <!-- how long stop() drains before it forces -->
 *   <encoder><pattern>%d %-5level [%thread] %logger - %msg%n</pattern></encoder>
 * </appender>
 * }</pre>
 *
 * <p>Invariants: an event that reaches {@link #append} while the appender is started is encoded
 * exactly once and its bytes are written to the sink or, if they cannot be, to stderr
 * ({@link QueuedLineWriter}). The encoder's header is queued before any event and its footer after
 * the last event accepted before {@link #stop()}. Encoding on the calling thread captures the event
 * (message arguments, MDC) as it was when logged, so nothing mutable crosses threads; Logback's
 * encoders are safe to call from several threads (its own {@code OutputStreamAppender} does).
 *
 * <p>Visibility: {@code writer} is set in {@link #start()} before the superclass's volatile
 * {@code started} flag is raised, and {@code doAppend} reads that flag before calling
 * {@link #append}; so every appending thread sees the writer. {@code lastReport} is volatile.
 */
public class WeftLogbackAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private Encoder<ILoggingEvent> encoder;
    private String file;
    private OutputStream stream;
    private int capacity = QueuedLineWriter.DEFAULT_CAPACITY;
    private Duration drainTimeout = Duration.buildBySeconds(5);
    private volatile QueuedLineWriter writer;
    private volatile ShutdownReport lastReport;

    /** The encoder that turns an event into bytes, e.g. a {@code PatternLayoutEncoder}. Required. */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    /** The file to append to (created with its directories if missing). Set this or {@link #setOutputStream}. */
    public void setFile(String file) {
        this.file = file;
    }

    public String getFile() {
        return file;
    }

    /** A stream to write to instead of a file; it is flushed, not closed, on {@link #stop()}. */
    public void setOutputStream(OutputStream stream) {
        this.stream = stream;
    }

    /** Lines that may wait before a logging thread waits for room; default 8,192. */
    public void setCapacity(int capacity) {
        this.capacity = capacity;
    }

    public int getCapacity() {
        return capacity;
    }

    /** How long {@link #stop()} drains before it forces (the rest goes to stderr); default 5 seconds. */
    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (!configurationIsValid()) {
            return;   // the reasons are in Logback's status, as for its own appenders
        }
        String queueName = "logback:" + (getName() != null ? getName() : "weft");
        QueuedLineWriter w;
        try {
            boolean ownsSink = stream == null;
            OutputStream sink = ownsSink ? QueuedLineWriter.open(Path.of(file)) : stream;
            w = new QueuedLineWriter(queueName, sink, ownsSink, capacity,
                    java.time.Duration.ofMillis(drainTimeout.getMilliseconds()), this::reportFailure);
        } catch (RuntimeException e) {
            addError("appender '" + getName() + "' could not start", e);
            return;
        }
        byte[] header = encoder.headerBytes();
        if (header != null && header.length > 0) {
            w.write(header);
        }
        writer = w;
        super.start();
    }

    private boolean configurationIsValid() {
        boolean ok = true;
        if (encoder == null) {
            addError("no encoder set for appender '" + getName() + "': add <encoder><pattern>..</pattern></encoder>");
            ok = false;
        }
        if ((file == null || file.isBlank()) == (stream == null)) {
            addError("appender '" + getName() + "' needs exactly one of <file> and an output stream; file = '"
                    + file + "', stream = " + stream);
            ok = false;
        }
        if (capacity < 1 || capacity > QueuedLineWriter.MAX_CAPACITY) {
            addError("capacity must be between 1 and " + QueuedLineWriter.MAX_CAPACITY + ", was " + capacity);
            ok = false;
        }
        if (drainTimeout == null || drainTimeout.getMilliseconds() <= 0) {
            addError("drainTimeout must be positive, was " + drainTimeout);
            ok = false;
        }
        return ok;
    }

    @Override
    protected void append(ILoggingEvent event) {
        byte[] bytes;
        try {
            bytes = encoder.encode(event);
        } catch (RuntimeException e) {
            addError("encoding an event failed", e);
            return;
        }
        writer.write(bytes);
    }

    /** Stops intake, writes the footer, drains (up to the drain timeout) and closes the file. */
    @Override
    public void stop() {
        stop(java.time.Duration.ofMillis(drainTimeout.getMilliseconds()));
    }

    /**
     * Like {@link #stop()}, draining for at most {@code timeout}.
     *
     * @return what was delivered and what was not (handed to stderr), or {@code null} if not started
     */
    public ShutdownReport stop(java.time.Duration timeout) {
        QueuedLineWriter w = writer;
        if (!isStarted() || w == null) {
            return null;
        }
        super.stop();   // doAppend refuses events from here on; one in append now is still accepted
        byte[] footer = encoder.footerBytes();
        if (footer != null && footer.length > 0) {
            w.write(footer);
        }
        ShutdownReport report = w.close(timeout);
        lastReport = report;
        if (report.clean()) {
            addInfo("appender '" + getName() + "' stopped: " + report);
        }
        return report;
    }

    /** @return the report of the last stop, or {@code null} before the first */
    public ShutdownReport lastReport() {
        return lastReport;
    }

    /** @return the queue's counters, or {@code null} before {@link #start()} */
    public QueueStats stats() {
        QueuedLineWriter w = writer;
        return w == null ? null : w.stats();
    }

    private void reportFailure(String message, Throwable error) {
        if (error == null) {
            addWarn(message);
        } else {
            addError(message, error);
        }
    }
}
