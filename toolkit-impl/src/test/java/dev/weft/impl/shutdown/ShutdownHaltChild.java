package dev.weft.impl.shutdown;

import dev.weft.ShutdownPhase;
import dev.weft.Weft;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A child JVM for {@link ShutdownHaltTest}: a Weft action and another library's plain shutdown
 * hook both hang forever; {@code haltWhenStuck} must still end the JVM at the deadline.
 */
public final class ShutdownHaltChild {
    private ShutdownHaltChild() {}

    public static void main(String[] args) {
        Weft.shutdown().deadline(Duration.ofMillis(1_500)).haltWhenStuck(true)
                .register(ShutdownPhase.DRAIN, "hangs-forever", ShutdownHaltChild::hang);
        Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHaltChild::hang, "someone-elses-hook"));
        System.out.println("MAIN RETURNS");
    }

    private static void hang() {
        for (;;) {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException ignored) {
                // a badly written hook: it ignores interrupts
            }
        }
    }
}
