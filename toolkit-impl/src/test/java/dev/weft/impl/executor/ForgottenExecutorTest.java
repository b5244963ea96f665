package dev.weft.impl.executor;

import dev.weft.impl.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A forgotten executor (main returns, nobody closes it) still runs every accepted task at JVM exit. */
@Timeout(120)
class ForgottenExecutorTest {
    @Test
    void pendingTasksAreDrainedWhenMainReturnsWithoutClose() throws Exception {
        Result r = runChild(ForgottenExecutorMain.class.getName());
        assertThat(r.exit).as("exit code; output:\n" + r.output).isZero();
        assertThat(r.output).contains("main returns with");
        assertThat(r.output).doesNotContain("main returns with 0 queued");
        for (int i = 0; i < ForgottenExecutorMain.TASKS; i++) {
            assertThat(r.output).as("output:\n" + r.output).contains("task " + i + " done");
        }
        assertThat(r.output).doesNotContain("interrupted");
    }

    record Result(int exit, String output) {}

    static Result runChild(String mainClass) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ChildJvm.command(mainClass))
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM exits").isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
