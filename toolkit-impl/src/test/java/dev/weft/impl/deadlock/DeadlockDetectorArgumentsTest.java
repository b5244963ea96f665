package dev.weft.impl.deadlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.DeadlockReport;
import dev.weft.Weft;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the detector refuses at once, and what it returns when nothing is wrong. */
class DeadlockDetectorArgumentsTest {

    @Test
    void weftDeadlocksIsTheDetector() {
        assertThat(Weft.deadlocks()).isSameAs(DeadlockDetectorImpl.instance());
    }

    @Test
    void watchRefusesAZeroOrNegativeIntervalAndANullListener() {
        assertThatThrownBy(() -> Weft.deadlocks().watch(Duration.ZERO, r -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> Weft.deadlocks().watch(Duration.ofMillis(-5), r -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
        assertThatThrownBy(() -> Weft.deadlocks().watch(Duration.ofSeconds(1), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
    }

    @Test
    void anEmptyReportRendersAsTextAndJson() {
        DeadlockReport none = DeadlockReportImpl.none("registry", 7, List.of());
        assertThat(none.found()).isFalse();
        assertThat(none.toText()).isEqualTo("No deadlock found among 7 threads (registry).\n");
        assertThat(none.toJson()).contains("\"found\" : false", "\"deadlocks\" : [ ]");
    }
}
