package dev.weft;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** toolkit-api alone: every entry point says which artifact to add, and arguments are still checked first. */
class WithoutImplementationTest {
    @Test
    void everyEntryPointNamesTheMissingArtifact() {
        for (Runnable call : new Runnable[] {
                () -> Weft.scope("s"), () -> Weft.tasks("t"), () -> Weft.queue("q"),
                () -> Weft.executor("e"), Weft::deadlocks, Weft::shutdown}) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("dev.weft:toolkit-impl");
        }
    }

    @Test
    void badNamesAreRefusedBeforeTheImplementationIsLookedUp() {
        assertThatThrownBy(() -> Weft.scope(null)).isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
        assertThatThrownBy(() -> Weft.queue(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name must not be blank");
    }

    @Test
    void durationChecksNameTheParameterAndTheValue() {
        assertThatThrownBy(() -> dev.weft.spi.Checks.positive("timeout", Duration.ofMillis(-3)))
                .hasMessage("timeout must be positive, was PT-0.003S");
        assertThatThrownBy(() -> dev.weft.spi.Checks.nonNegative("grace", Duration.ofSeconds(-1)))
                .hasMessage("grace must not be negative, was PT-1S");
    }
}
