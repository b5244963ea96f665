package dev.weft.impl.shutdown;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In a real second JVM: hung shutdown hooks cannot keep a process alive when {@code haltWhenStuck} is on. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownHaltTest {
    @Test
    void aJvmWithHungHooksHaltsAtTheDeadlineAndSaysWhatHung() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> parts = new ArrayList<>();
        for (String key : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(key);
            if (v != null && !v.isBlank()) {
                parts.add(v);
            }
        }
        Process p = new ProcessBuilder(java, "-Xshare:off", "-cp", String.join(File.pathSeparator, parts),
                ShutdownHaltChild.class.getName()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child must not hang").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("MAIN RETURNS");
        assertThat(out).contains("action 'hangs-forever' is still running on").contains("ShutdownHaltChild.hang");
        assertThat(out).contains("halting");
        assertThat(p.exitValue()).as(out).isEqualTo(1);
    }
}
