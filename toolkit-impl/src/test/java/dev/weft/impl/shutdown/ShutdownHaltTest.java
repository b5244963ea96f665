package dev.weft.impl.shutdown;

import dev.weft.impl.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In a real second JVM: hung shutdown hooks cannot keep a process alive when {@code haltWhenStuck} is on. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownHaltTest {
    @Test
    void aJvmWithHungHooksHaltsAtTheDeadlineAndSaysWhatHung() throws Exception {
        Process p = new ProcessBuilder(ChildJvm.java(), "-Xshare:off", "-cp", ChildJvm.classPath(),
                ShutdownHaltChild.class.getName()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child must not hang").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("MAIN RETURNS");
        assertThat(out).contains("action 'hangs-forever' is still running on").contains("ShutdownHaltChild.hang");
        assertThat(out).contains("halting");
        assertThat(p.exitValue()).as(out).isEqualTo(1);
    }
}
