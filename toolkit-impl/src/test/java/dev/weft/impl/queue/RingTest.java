package dev.weft.impl.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lock-free ring under a consumer queue, on one thread: capacity, order, laps, close. */
class RingTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8, 1000})
    void holdsExactlyItsCapacityAndHandsItemsBackInOrderLapAfterLap(int capacity) {
        Ring ring = new Ring(capacity);
        int next = 0;
        int expected = 0;
        for (int lap = 0; lap < 5; lap++) {
            for (int i = 0; i < capacity; i++) {
                assertThat(ring.offer(next++)).isEqualTo(Ring.OK);
            }
            assertThat(ring.offer(-1)).as("full at %d", capacity).isEqualTo(Ring.FULL);
            assertThat(ring.hasRoom()).isFalse();
            assertThat(ring.size()).isEqualTo(capacity);
            for (int i = 0; i < capacity; i++) {
                assertThat(ring.poll()).isEqualTo(expected++);
            }
            assertThat(ring.poll()).isNull();
            assertThat(ring.hasItems()).isFalse();
        }
        assertThat(ring.accepted()).isEqualTo(5L * capacity);
    }

    @Test
    void aDrainTakesAtMostMaxInOrderAndOnlyWhatIsThere() {
        Ring ring = new Ring(5);
        for (int i = 0; i < 4; i++) {
            ring.offer(i);
        }
        List<Object> got = new ArrayList<>();
        assertThat(ring.drainTo(got, 3)).isEqualTo(3);
        assertThat(ring.drainTo(got, 3)).isEqualTo(1);
        assertThat(ring.drainTo(got, 3)).isZero();
        assertThat(got).containsExactly(0, 1, 2, 3);
    }

    @Test
    void afterCloseNothingIsAcceptedAndWhatWasAcceptedIsStillTaken() {
        Ring ring = new Ring(4);
        ring.offer("a");
        ring.offer("b");
        assertThat(ring.close()).isTrue();
        assertThat(ring.close()).as("closing twice").isFalse();
        assertThat(ring.offer("c")).isEqualTo(Ring.CLOSED_TO_PRODUCERS);
        assertThat(ring.isClosedAndEmpty()).isFalse();
        assertThat(ring.poll()).isEqualTo("a");
        List<Object> rest = new ArrayList<>();
        assertThat(ring.takeAll(rest)).isEqualTo(1);
        assertThat(rest).containsExactly("b");
        assertThat(ring.isClosedAndEmpty()).isTrue();
        assertThat(ring.poll()).isNull();
        assertThat(ring.accepted()).isEqualTo(2);
    }

    @Test
    void producersOnManyThreadsLoseAndDuplicateNothing() throws Exception {
        Ring ring = new Ring(64);
        int producers = 4;
        int each = 50_000;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int base = p * each;
            threads[p] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; ) {
                    if (ring.offer(base + i) == Ring.OK) {
                        i++;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            });
        }
        int[] lastOf = new int[producers];
        java.util.Arrays.fill(lastOf, -1);
        boolean[] seen = new boolean[producers * each];
        for (int taken = 0; taken < producers * each; ) {
            Object o = ring.poll();
            if (o == null) {
                Thread.onSpinWait();
                continue;
            }
            int v = (Integer) o;
            assertThat(seen[v]).as("item %d twice", v).isFalse();
            seen[v] = true;
            int p = v / each;
            assertThat(v).as("producer %d's order", p).isGreaterThan(lastOf[p]);
            lastOf[p] = v;
            taken++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ring.poll()).isNull();
    }
}
