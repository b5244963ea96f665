package dev.weft.impl.shutdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ShutdownCoordinator;
import dev.weft.ShutdownPhase;
import dev.weft.StuckThread;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownCoordinatorTest {
    private final ShutdownCoordinatorImpl coordinator = ShutdownCoordinatorImpl.detached();

    @Test
    void runsPhasesInOrderWhateverTheRegistrationOrder() {
        List<String> order = new CopyOnWriteArrayList<>();
        coordinator.register(ShutdownPhase.FLUSH, "log", () -> order.add("FLUSH"));
        coordinator.register(ShutdownPhase.DRAIN, "orders", () -> order.add("DRAIN"));
        coordinator.register(ShutdownPhase.STOP_INTAKE, "http", () -> order.add("STOP_INTAKE"));
        assertThat(coordinator.runNow()).isEmpty();
        assertThat(order).containsExactly("STOP_INTAKE", "DRAIN", "FLUSH");
    }

    @Test
    void runsTheActionsOfOnePhaseInParallel() {
        CyclicBarrier both = new CyclicBarrier(2);
        AtomicBoolean met = new AtomicBoolean();
        Runnable meet = () -> {
            try {
                both.await(30, TimeUnit.SECONDS); // only returns if the other action runs at the same time
                met.set(true);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        coordinator.register(ShutdownPhase.DRAIN, "a", meet);
        coordinator.register(ShutdownPhase.DRAIN, "b", meet);
        assertThat(coordinator.runNow()).isEmpty();
        assertThat(met).isTrue();
    }

    @Test
    void aHungActionIsReportedWithItsStackInterruptedAndTheNextPhasesStillRun() throws Exception {
        coordinator.deadline(Duration.ofMillis(600));
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicBoolean flushed = new AtomicBoolean();
        coordinator.register(ShutdownPhase.STOP_INTAKE, "hangs", () -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        coordinator.register(ShutdownPhase.FLUSH, "log", () -> flushed.set(true));
        String err = capturingStderr(() -> {
            List<StuckThread> stuck = coordinator.runNow();
            assertThat(stuck).singleElement().satisfies(t -> assertThat(t.describe()).contains("CountDownLatch.await"));
        });
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(flushed).isTrue();
        assertThat(err).contains("action 'hangs'").contains("STOP_INTAKE").contains("CountDownLatch.await");
    }

    @Test
    void eachPhaseGetsAShareOfTheTimeLeftOverTheNonEmptyPhasesLeft() {
        coordinator.deadline(Duration.ofSeconds(40));
        AtomicReference<Duration> drainShare = new AtomicReference<>();
        AtomicReference<Duration> flushShare = new AtomicReference<>();
        coordinator.register(ShutdownPhase.DRAIN, "d", () -> drainShare.set(coordinator.timeLeftInPhase()));
        coordinator.register(ShutdownPhase.FLUSH, "f", () -> flushShare.set(coordinator.timeLeftInPhase()));
        coordinator.runNow();
        // two non-empty phases share 39.5 s (0.5 s is kept for the report): DRAIN may use half;
        // FLUSH gets what DRAIN left, nearly all of it
        assertThat(drainShare.get()).isLessThanOrEqualTo(Duration.ofMillis(19_750)).isGreaterThan(Duration.ofSeconds(10));
        assertThat(flushShare.get()).isGreaterThan(Duration.ofSeconds(20)).isLessThanOrEqualTo(Duration.ofMillis(39_500));
    }

    @Test
    void anActionThatThrowsIsReportedAndTheOthersStillRun() {
        AtomicBoolean other = new AtomicBoolean();
        coordinator.register(ShutdownPhase.DRAIN, "broken", () -> {
            throw new IllegalStateException("boom");
        });
        coordinator.register(ShutdownPhase.DRAIN, "fine", () -> other.set(true));
        String err = capturingStderr(() -> assertThat(coordinator.runNow()).isEmpty());
        assertThat(other).isTrue();
        assertThat(err).contains("action 'broken'").contains("boom");
    }

    @Test
    void registeringAfterTheShutdownBeganRunsTheActionAtOnce() {
        coordinator.runNow();
        assertThat(coordinator.isShuttingDown()).isTrue();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        coordinator.register(ShutdownPhase.DRAIN, "late", () -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void aClosedRegistrationDoesNotRun() {
        AtomicBoolean ran = new AtomicBoolean();
        ShutdownCoordinator.Registration r = coordinator.register(ShutdownPhase.DRAIN, "gone", () -> ran.set(true));
        r.close();
        coordinator.runNow();
        assertThat(ran).isFalse();
    }

    @Test
    void runsOnlyOnce() {
        List<String> runs = new CopyOnWriteArrayList<>();
        coordinator.register(ShutdownPhase.DRAIN, "once", () -> runs.add("x"));
        coordinator.runNow();
        coordinator.runNow();
        assertThat(runs).hasSize(1);
    }

    @Test
    void rejectsBadInputNamingTheParameter() {
        assertThatThrownBy(() -> coordinator.deadline(Duration.ZERO)).hasMessageContaining("deadline");
        assertThatThrownBy(() -> coordinator.deadline(null)).hasMessageContaining("deadline");
        assertThatThrownBy(() -> coordinator.register(null, "x", () -> { })).hasMessageContaining("phase");
        assertThatThrownBy(() -> coordinator.register(ShutdownPhase.DRAIN, "", () -> { })).hasMessageContaining("name");
        assertThatThrownBy(() -> coordinator.register(ShutdownPhase.DRAIN, "x", null)).hasMessageContaining("action");
    }

    private static String capturingStderr(Runnable body) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
