package dev.weft;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Finds deadlocks among virtual and platform threads, which the JDK's own finder cannot see.
 *
 * <pre>{@code
 * DeadlockReport now  = Weft.deadlocks().scan();
 * DeadlockReport file = Weft.deadlocks().analyze(Path.of("threads.json"));
 * try (var watch = Weft.deadlocks().watch(Duration.ofSeconds(1), report -> alert(report))) { ... }
 * }</pre>
 */
public interface DeadlockDetector {
    /** Samples this JVM now (Weft's registry first, a JSON thread dump only to confirm) and reports. */
    DeadlockReport scan();

    /** Analyzes a thread dump written by {@code jcmd <pid> Thread.dump_to_file -format=json}. */
    DeadlockReport analyze(Path dump) throws IOException;

    /** Scans every {@code interval} and calls {@code listener} when a confirmed deadlock is found. */
    Watch watch(Duration interval, Consumer<? super DeadlockReport> listener);

    /** A running watch; {@link #close()} stops it. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
