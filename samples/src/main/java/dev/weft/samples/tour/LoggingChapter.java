package dev.weft.samples.tour;

import dev.weft.samples.logging.ForgetfulLoggingProgram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Logging without losing the last lines: a child JVM logs many lines and returns from {@code main}
 * without stopping anything. Logback's own {@code AsyncAppender}, with its default settings, loses
 * lines; Weft's appender, whose queue the shutdown coordinator drains at exit, loses none.
 *
 * <pre>{@code
 * <appender name="FILE" class="dev.weft.samples.logging.WeftLogbackAppender">
 *   <file>logs/app.log</file>
 *   <encoder><pattern>%d %-5level [%thread] %logger - %msg%n</pattern></encoder>
 * </appender>
 * }</pre>
 *
 * <p>The child is {@link ForgetfulLoggingProgram}, started with this JVM's {@code java} and class
 * path (the tour's jar), so what it does is exactly what a user's program would do.
 */
public final class LoggingChapter implements Chapter {
    /** A hang guard only: a child that has not ended by then is killed and reported. */
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @Override
    public String id() {
        return "logging";
    }

    @Override
    public String title() {
        return "Logging without losing the last lines: a program that exits without stopping its loggers";
    }

    @Override
    public void run(boolean smoke) throws Exception {
        int lines = smoke ? 20_000 : 100_000;
        Path dir = Files.createTempDirectory("weft-logging-");
        try {
            logback(lines, dir);
            jul(lines, dir);
        } finally {
            deleteTree(dir);
        }
    }

    private static void logback(int lines, Path dir) throws IOException, InterruptedException {
        System.out.println("A child JVM logs " + lines + " lines at INFO through two appenders on Logback's root logger,"
                + " then returns from main without stopping anything:");
        System.out.println("  - Logback's AsyncAppender over a FileAppender, every setting at its default;");
        System.out.println("  - WeftLogbackAppender (capacity 8192, Overflow.BLOCK), drained at exit by Weft's shutdown"
                + " coordinator (phase FLUSH).");
        String out = runChild("logback", lines, dir);
        String settings = out.lines().filter(l -> l.startsWith("SETTINGS ")).findFirst()
                .map(l -> l.substring("SETTINGS ".length())).orElse("(not printed)");
        System.out.println("AsyncAppender's settings, read from it in the child: " + settings);
        System.out.println("  discardingThreshold: INFO, DEBUG and TRACE events are discarded while fewer than that many"
                + " of queueSize slots are free;");
        System.out.println("  its worker is a daemon thread: at exit it simply stops; maxFlushTime applies only to stop(),"
                + " which nobody called.");
        long async = countLines(dir.resolve(ForgetfulLoggingProgram.ASYNC_FILE));
        long weft = countLines(dir.resolve(ForgetfulLoggingProgram.WEFT_LOGBACK_FILE));
        System.out.println("Logback AsyncAppender: wrote " + async + " of " + lines + " (lost " + (lines - async) + ")");
        System.out.println("Weft appender: wrote " + weft + " of " + lines + " (lost " + (lines - weft) + ")");
        int queueSize = number(settings, "queueSize", 256);
        System.out.println("  (of the AsyncAppender's losses, at most " + (2 * queueSize + 1) + " were still in its"
                + " queue or its worker's hands at exit; the rest were discarded while the program ran.)");
    }

    private static void jul(int lines, Path dir) throws IOException, InterruptedException {
        System.out.println();
        System.out.println("The same with java.util.logging and WeftJulHandler on the root logger:");
        runChild("jul", lines, dir);
        long jul = countLines(dir.resolve(ForgetfulLoggingProgram.WEFT_JUL_FILE));
        System.out.println("Weft JUL handler: wrote " + jul + " of " + lines + " (lost " + (lines - jul) + ")");
    }

    /** Runs the program in a child JVM and returns its output (stdout and stderr together). */
    private static String runChild(String mode, int lines, Path dir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                ForgetfulLoggingProgram.class.getName(), mode, Integer.toString(lines), dir.toString()));
        Path output = dir.resolve(mode + "-child.out");   // a file, so a hung child cannot block a reader
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            throw new IllegalStateException("the child JVM (" + mode + ") did not end within " + CHILD_TIMEOUT_SECONDS
                    + " s:\n" + Files.readString(output));
        }
        String text = Files.readString(output);
        if (child.exitValue() != 0 || !text.contains("LOGGED " + lines)) {
            throw new IllegalStateException("the child JVM (" + mode + ") exited with " + child.exitValue()
                    + ":\n" + text);
        }
        return text;
    }

    private static long countLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
            return s.count();
        }
    }

    private static int number(String settings, String key, int fallback) {
        for (String part : settings.split(" ")) {
            if (part.startsWith(key + "=")) {
                return Integer.parseInt(part.substring(key.length() + 1));
            }
        }
        return fallback;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
