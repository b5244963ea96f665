package dev.weft.samples.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.status.Status;
import dev.weft.ShutdownReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a user relies on when they do close, flush or stop the logging samples, in this JVM. */
@Timeout(60)
class LoggingLifecycleTest {
    private static final int LINES = 5_000;

    @TempDir
    Path dir;

    /** One line per record: the message only. */
    private static final class MessageOnly extends Formatter {
        @Override
        public String format(LogRecord r) {
            return formatMessage(r) + "\n";
        }
    }

    private static List<String> expected(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "line " + i).toList();
    }

    @Nested
    @DisplayName("WeftJulHandler")
    class Jul {
        private WeftJulHandler handler(Path file) {
            WeftJulHandler h = new WeftJulHandler(file);
            h.setFormatter(new MessageOnly());
            return h;
        }

        @Test
        @DisplayName("close() writes every published line in order and reports them all delivered")
        void closeDrains() throws Exception {
            Path file = dir.resolve("jul.log");
            WeftJulHandler h = handler(file);
            for (int i = 1; i <= LINES; i++) {
                h.publish(new LogRecord(Level.INFO, "line " + i));
            }
            ShutdownReport report = h.close(Duration.ofSeconds(30));

            assertThat(report.clean()).as(report.toString()).isTrue();
            assertThat(h.stats().delivered()).isEqualTo(LINES);
            assertThat(h.lastReport()).isSameAs(report);
            assertThat(Files.readAllLines(file)).isEqualTo(expected(LINES));
        }

        @Test
        @DisplayName("flush() returns once every line published before it is in the file, without closing")
        void flushWrites() throws Exception {
            Path file = dir.resolve("flushed.log");
            WeftJulHandler h = handler(file);
            try {
                for (int i = 1; i <= LINES; i++) {
                    h.publish(new LogRecord(Level.INFO, "line " + i));
                }
                h.flush();
                assertThat(Files.readAllLines(file)).isEqualTo(expected(LINES));
            } finally {
                h.close();
            }
        }

        @Test
        @DisplayName("records below the handler's level are not written")
        void level() throws Exception {
            Path file = dir.resolve("level.log");
            WeftJulHandler h = handler(file);
            h.setLevel(Level.WARNING);
            h.publish(new LogRecord(Level.INFO, "quiet"));
            h.publish(new LogRecord(Level.SEVERE, "loud"));
            h.close();
            assertThat(Files.readAllLines(file)).containsExactly("loud");
        }

        @Test
        @DisplayName("a record published after close does not vanish: it goes to stderr")
        void afterCloseGoesToStderr() throws Exception {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream original = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                WeftJulHandler h = handler(dir.resolve("closed.log"));
                h.close();
                h.publish(new LogRecord(Level.INFO, "too late"));
            } finally {
                System.setErr(original);
            }
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("logged after the writer was closed] too late");
        }

        @Test
        @DisplayName("bad arguments fail at once, naming the parameter")
        void badArguments() {
            assertThatThrownBy(() -> new WeftJulHandler((Path) null)).hasMessageContaining("file");
            assertThatThrownBy(() -> new WeftJulHandler("q", new ByteArrayOutputStream(), false, 0, Duration.ofSeconds(1)))
                    .hasMessageContaining("capacity").hasMessageContaining("was 0");
            assertThatThrownBy(() -> new WeftJulHandler("q", new ByteArrayOutputStream(), false, 10, Duration.ZERO))
                    .hasMessageContaining("drainTimeout");
        }
    }

    @Nested
    @DisplayName("WeftLogbackAppender")
    class Logback {
        private final LoggerContext context = new LoggerContext();

        private WeftLogbackAppender appender(Path file) {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%msg%n");
            encoder.start();
            WeftLogbackAppender a = new WeftLogbackAppender();
            a.setContext(context);
            a.setName("test");
            a.setFile(file.toString());
            a.setEncoder(encoder);
            return a;
        }

        private ILoggingEvent event(String message) {
            return new LoggingEvent("test", context.getLogger("test"), ch.qos.logback.classic.Level.INFO, message,
                    null, null);
        }

        @Test
        @DisplayName("stop() writes every appended event in order and reports them all delivered")
        void stopDrains() throws Exception {
            Path file = dir.resolve("logback.log");
            WeftLogbackAppender a = appender(file);
            a.start();
            assertThat(a.isStarted()).isTrue();
            for (int i = 1; i <= LINES; i++) {
                a.doAppend(event("line " + i));
            }
            ShutdownReport report = a.stop(Duration.ofSeconds(30));

            assertThat(a.isStarted()).isFalse();
            assertThat(report.clean()).as(report.toString()).isTrue();
            assertThat(a.stats().delivered()).isEqualTo(LINES);
            assertThat(Files.readAllLines(file)).isEqualTo(expected(LINES));
        }

        @Test
        @DisplayName("an appender without an encoder does not start, and says why in Logback's status")
        void noEncoder() {
            WeftLogbackAppender a = new WeftLogbackAppender();
            a.setContext(context);
            a.setName("bare");
            a.setFile(dir.resolve("never.log").toString());
            a.start();
            assertThat(a.isStarted()).isFalse();
            assertThat(context.getStatusManager().getCopyOfStatusList()).anySatisfy(s -> {
                assertThat(s.getLevel()).isEqualTo(Status.ERROR);
                assertThat(s.getMessage()).contains("no encoder set for appender 'bare'");
            });
            assertThat(dir.resolve("never.log")).doesNotExist();
        }

        @Test
        @DisplayName("a capacity out of range is refused at start with the value")
        void badCapacity() {
            WeftLogbackAppender a = appender(dir.resolve("cap.log"));
            a.setCapacity(-5);
            a.start();
            assertThat(a.isStarted()).isFalse();
            assertThat(context.getStatusManager().getCopyOfStatusList())
                    .anySatisfy(s -> assertThat(s.getMessage()).contains("capacity", "was -5"));
        }
    }
}
