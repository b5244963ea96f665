package dev.weft.impl.deadlock;

import dev.weft.impl.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit 1 on a deadlock, 0 on none, 2 on input it cannot read; real child JVMs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeadlockCliTest {

    record Result(int exit, String out, String err) {}

    static Result cli(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ChildJvm.command(DeadlockCli.class.getName(), args)).redirectError(ProcessBuilder.Redirect.PIPE).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // ended
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        drain.join();
        return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    static Result inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = DeadlockCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDumpOfAHealthyJvmExitsZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("healthy.json");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        Result r = cli("analyze", file.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("No deadlock found among");
    }

    @Test
    void aDumpWithADeadlockExitsOneAndPrintsTheReport() throws Exception {
        Result r = cli("analyze", JsonDumpParserTest.resource("jdk26-lock-owners.json").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).startsWith("Found one Java-level deadlock:").contains("\"transfer-1\" #41 virtual WAITING",
                "which is held by \"transfer-2\" #42");
    }

    @Test
    void jsonOutputOnRequest() throws Exception {
        Result r = inProcess("analyze", JsonDumpParserTest.resource("jdk26-lock-owners.json").toString(), "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("{").contains("\"found\" : true");
    }

    @Test
    void aMissingFileExitsTwo(@TempDir Path dir) throws Exception {
        Result r = cli("analyze", dir.resolve("nope.json").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read", "nope.json", "no such file");
    }

    @Test
    void aFileThatIsNotAThreadDumpExitsTwoSayingSo(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("pom.json"), "[1, 2, 3]");
        Result r = inProcess("analyze", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not a JDK thread dump in JSON", "jcmd <pid> Thread.dump_to_file -format=json");
    }

    @Test
    void wrongArgumentsExitTwoWithUsage() {
        assertThat(inProcess().exit()).isEqualTo(2);
        Result r = inProcess("scan", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("usage: analyze <dump.json>");
        Result pid = inProcess("pid", "-4");
        assertThat(pid.exit()).isEqualTo(2);
        assertThat(pid.err()).contains("pid must be a positive process id, was '-4'");
    }

    @Test
    void pidTakesTwoDumpsOfARunningDeadlockedJvmWithJcmd() throws Exception {
        Process target = new ProcessBuilder(ChildJvm.command(ScenarioMain.class.getName(), "hold-sync-cycle")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
            String ready;
            while ((ready = lines.readLine()) != null && !ready.startsWith("READY ")) {
                // skip
            }
            assertThat(ready).as("the target process reports its deadlock is in place").isNotNull();
            Result r = cli("pid", Long.toString(target.pid()));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).startsWith("Found one Java-level deadlock:").contains("LOCK_CYCLE", "\"held-a\"", "\"held-b\"");
        } finally {
            target.destroyForcibly();
            target.waitFor();
        }
    }
}
