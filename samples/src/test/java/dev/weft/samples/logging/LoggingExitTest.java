package dev.weft.samples.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program that logs and returns from {@code main} without closing its logger loses no line through
 * Weft's handler or appender: each test runs a real second JVM that logs 100,000 lines and exits,
 * then reads the file and checks that every line is there, once, in the order it was logged.
 * Logback's own AsyncAppender runs beside Weft's in the tour's scenario; how much it loses varies
 * from run to run, so nothing is asserted about it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoggingExitTest {
    private static final int LINES = 100_000;

    @TempDir
    Path dir;

    @Nested
    @DisplayName("the tour's program (appenders built in code), main returns without closing anything")
    class TourProgram {
        @Test
        @DisplayName("Logback: WeftLogbackAppender wrote every line, in order, beside a default AsyncAppender")
        void logback() throws Exception {
            String out = runChild(List.of(), ForgetfulLoggingProgram.class.getName(), "logback",
                    Integer.toString(LINES), dir.toString());
            assertThat(out).contains("SETTINGS queueSize=");
            assertEveryLineInOrder(dir.resolve(ForgetfulLoggingProgram.WEFT_LOGBACK_FILE), out);
        }

        @Test
        @DisplayName("java.util.logging: WeftJulHandler wrote every line, in order")
        void jul() throws Exception {
            String out = runChild(List.of(), ForgetfulLoggingProgram.class.getName(), "jul",
                    Integer.toString(LINES), dir.toString());
            assertEveryLineInOrder(dir.resolve(ForgetfulLoggingProgram.WEFT_JUL_FILE), out);
        }
    }

    @Nested
    @DisplayName("configured from a file, as users do; main returns without closing anything")
    class Configured {
        @Test
        @DisplayName("Logback XML (the one docs/queues.md shows): every line written, in order")
        void logbackXml() throws Exception {
            Path xml = Path.of(LoggingExitTest.class.getResource("/weft-logback.xml").toURI());
            Path log = dir.resolve("xml-configured.log");
            String out = runChild(List.of("-Dlogback.configurationFile=" + xml, "-Dlog.file=" + log),
                    ConfiguredLoggingChild.class.getName(), "logback", Integer.toString(LINES));
            assertEveryLineInOrder(log, out);
        }

        @Test
        @DisplayName("JUL logging.properties naming WeftJulHandler: every line written, in order")
        void julProperties() throws Exception {
            Path log = dir.resolve("properties-configured.log");
            Path properties = dir.resolve("logging.properties");
            Files.writeString(properties, String.join("\n",
                    "handlers = dev.weft.samples.logging.WeftJulHandler",
                    ".level = INFO",
                    "dev.weft.samples.logging.WeftJulHandler.file = " + log.toString().replace("\\", "\\\\"),
                    "dev.weft.samples.logging.WeftJulHandler.capacity = 4096",
                    "dev.weft.samples.logging.WeftJulHandler.formatter = java.util.logging.SimpleFormatter",
                    "java.util.logging.SimpleFormatter.format = %4$s %5$s%n",
                    ""));
            String out = runChild(List.of("-Djava.util.logging.config.file=" + properties),
                    ConfiguredLoggingChild.class.getName(), "jul", Integer.toString(LINES));
            assertEveryLineInOrder(log, out);
        }
    }

    /** Every line {@code "... line i of N"} for i = 1..N, each once, in that order, and nothing else. */
    private static void assertEveryLineInOrder(Path file, String childOutput) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).as("lines in %s; child output:%n%s", file, childOutput).hasSize(LINES);
        List<Integer> outOfPlace = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            if (!lines.get(i).endsWith(" line " + (i + 1) + " of " + LINES)) {
                outOfPlace.add(i + 1);
            }
        }
        assertThat(outOfPlace).as("line numbers not found where expected; first lines: %s", lines.subList(0, 3))
                .isEmpty();
    }

    private String runChild(List<String> jvmOptions, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "child-", ".out");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = child.waitFor(100, TimeUnit.SECONDS);   // hang guard, not a timing assertion
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        String out = Files.readString(output);
        assertThat(ended).as("child ended; output:%n%s", out).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("LOGGED " + LINES);
        return out;
    }
}
