package dev.weft.impl.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A queue nobody closes still delivers every accepted item: each test runs {@link QueueExitChild}
 * in a real second JVM with 100,000 items waiting behind a held-back consumer, ends it one way,
 * and checks that what the handler saw plus what was reported equals what was accepted, exactly.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueueExitTest {
    private static final long N = QueueExitChild.ITEMS;

    @Test
    @DisplayName("main returns without close: the shutdown coordinator drains every item")
    void mainReturns() throws Exception {
        Child c = Child.run("return");
        assertThat(c.exitCode).as(c.output).isZero();
        c.assertAllDelivered();
    }

    @Test
    @DisplayName("System.exit without close: every item delivered")
    void systemExit() throws Exception {
        Child c = Child.run("exit");
        assertThat(c.exitCode).as(c.output).isZero();
        c.assertAllDelivered();
    }

    @Test
    @DisplayName("SIGTERM without close: every item delivered")
    void sigterm() throws Exception {
        Child c = Child.run("sigterm");
        assertThat(c.exitCode).as(c.output).isEqualTo(143);
        c.assertAllDelivered();
    }

    @Test
    @DisplayName("queue and producers unreachable while the JVM lives on: the Cleaner closes it after delivering everything")
    void cleaner() throws Exception {
        Child c = Child.run("cleaner");
        assertThat(c.exitCode).as(c.output).isZero();
        c.assertAllDelivered();
        assertThat(c.number("RUNNING")).as("consumer thread ended, so the queue was closed\n" + c.output).isZero();
    }

    @Test
    @DisplayName("a handler that hangs forever: the JVM exits by the deadline and the report names the undelivered count")
    void hangingHandler() throws Exception {
        long start = System.nanoTime();
        Child c = Child.run("hang");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("hanging-handler child took " + tookMs + " ms, exit " + c.exitCode);
        assertThat(c.output).contains("HANGING at " + QueueExitChild.HANG_AT);
        Matcher m = Pattern.compile("Weft queue 'child' closed at JVM shutdown: delivered (\\d+), undelivered (\\d+)"
                + " \\(handed to the orphan handler\\), in flight (\\d+)").matcher(c.output);
        assertThat(m.find()).as(c.output).isTrue();
        long undelivered = Long.parseLong(m.group(2));
        long inFlight = Long.parseLong(m.group(3));
        long seen = QueueExitChild.HANG_AT + 1; // items 0..HANG_AT reached the handler; the last never returned
        assertThat(inFlight).isEqualTo(1);
        assertThat(seen + undelivered).as(c.output).isEqualTo(c.number("ACCEPTED"));
        assertThat(c.output).contains("stuck: \"child-");
    }

    @Test
    @DisplayName("a handler that throws on one item: it is reported, all others are delivered")
    void throwingHandler() throws Exception {
        Child c = Child.run("throw");
        assertThat(c.exitCode).as(c.output).isZero();
        assertThat(c.number("FAILURES")).as(c.output).isEqualTo(1);
        assertThat(c.number("SEEN")).as(c.output).isEqualTo(N);
        assertThat(c.number("DELIVERED") + c.number("FAILURES")).as(c.output).isEqualTo(c.number("ACCEPTED"));
    }

    private record Child(int exitCode, String output) {
        static Child run(String mode) throws IOException, InterruptedException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:off", "-cp", classPath(),
                    QueueExitChild.class.getName(), mode));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    if (line.equals("READY")) {
                        p.toHandle().destroy(); // SIGTERM on Linux; Process.destroy() would also close our end of the pipe
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child did not exit:\n" + out);
            }
            return new Child(p.exitValue(), out.toString());
        }

        private static String classPath() {
            return dev.weft.impl.testing.ChildJvm.classPath();
        }

        long number(String key) {
            Matcher m = Pattern.compile("(?m)^" + key + " (\\d+)$").matcher(output);
            if (!m.find()) {
                throw new AssertionError("no " + key + " line in:\n" + output);
            }
            return Long.parseLong(m.group(1));
        }

        void assertAllDelivered() {
            assertThat(number("ACCEPTED")).as(output).isEqualTo(N);
            assertThat(number("FAILURES")).as(output).isZero();
            assertThat(number("SEEN")).as(output).isEqualTo(N);
            assertThat(number("DELIVERED")).as(output).isEqualTo(N);
        }
    }
}
