package dev.weft.impl.deadlock;

import dev.weft.impl.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The corpus: every scenario of {@link ScenarioMain} runs alone in a child JVM (deadlocked threads never
 * end, so they must not share a JVM with the next scenario). Deadlocks must be found with the right kind
 * and exactly the right threads; healthy programs must raise no alarm at all.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DeadlockScenariosTest {

    record Run(int exit, List<String> out, String err) {
        List<String> deadlocks() {
            return out.stream().filter(l -> l.startsWith("DEADLOCK ")).toList();
        }

        String expected() {
            return out.stream().filter(l -> l.startsWith("EXPECT ")).map(l -> l.substring(7)).findFirst().orElseThrow();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr:\n" + err;
        }
    }

    static Run run(String scenario) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ChildJvm.command(ScenarioMain.class.getName(), scenario)).start();
        var err = new java.io.ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        drain.join();
        return new Run(p.exitValue(), Arrays.asList(out.split("\\R")), err.toString(StandardCharsets.UTF_8));
    }

    @Nested
    class DeadlocksAreFound {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "sync-cycle, LOCK_CYCLE",
            "mixed-cycle, LOCK_CYCLE",
            "three-cycle, LOCK_CYCLE",
            "philosophers, LOCK_CYCLE",
            "platform-rl-cycle, LOCK_CYCLE",
            "weft-and-monitor, LOCK_CYCLE",
            "weft-and-monitor-platform-owner, LOCK_CYCLE",
            "full-queue-monitor, LOCK_CYCLE",
            // the producer is a subtask and its scope's owner joins: every thread asleep on Weft wait points
            "full-queue-get, ALL_ASLEEP",
            "dump-file-raw-threads, LOCK_CYCLE",
            "get-each-other-detection-off, ALL_ASLEEP",
            // JDK 21-25 do not reveal who owns a ReentrantLock held by a virtual thread: unprovable, so a stall
            "rl-cycle, SUSPECTED_STALL",
            "rw-cycle, SUSPECTED_STALL",
            // the signal went before the wait: nobody is known to be able to wake the waiter, but anyone might
            "lost-wakeup, SUSPECTED_STALL",
        })
        void scanReportsTheDeadlockWithItsKindAndExactlyItsThreads(String scenario, String kind) throws Exception {
            Run run = run(scenario);
            assertThat(run.out()).as(run.toString()).contains("DONE");
            assertThat(run.deadlocks()).as(run.toString()).containsExactly("DEADLOCK " + kind + " " + run.expected());
        }

        @ParameterizedTest
        @ValueSource(strings = {"get-each-other", "permit-self"})
        void joinThrowsDeadlockExceptionCarryingTheReport(String scenario) throws Exception {
            Run run = run(scenario);
            assertThat(run.out()).as(run.toString()).contains("JOIN DeadlockException", "DONE");
            assertThat(run.deadlocks()).as(run.toString()).containsExactly("DEADLOCK ALL_ASLEEP " + run.expected());
            assertThat(run.err()).contains("Found one Java-level deadlock:", "join of scope");
        }

        @org.junit.jupiter.api.Test
        void aVirtualOwnerGetsTheDeadlockExceptionFromJoinWithNoInterruptLeft() throws Exception {
            Run run = run("get-each-other-virtual-owner");
            assertThat(run.out()).as(run.toString()).contains("JOIN DeadlockException", "INTERRUPTED false", "DONE");
            assertThat(run.deadlocks()).as(run.toString()).containsExactly("DEADLOCK ALL_ASLEEP " + run.expected());
        }

        @org.junit.jupiter.api.Test
        void aWatchReportsADeadlockThatAppearsWhileItRunsAndStopsWhenClosed() throws Exception {
            Run run = run("watch");
            assertThat(run.out()).as(run.toString()).contains("WATCH-ALIVE false REPORTS 1", "DONE");
            assertThat(run.deadlocks()).as(run.toString()).containsExactly("DEADLOCK LOCK_CYCLE " + run.expected());
        }

        @ParameterizedTest
        @ValueSource(strings = {"nested-scopes"})
        void nestedScopesDeadlockSurfacesFromTheOuterJoin(String scenario) throws Exception {
            Run run = run(scenario);
            assertThat(run.out()).as(run.toString()).contains("JOIN DeadlockException", "DONE");
            assertThat(run.deadlocks()).as(run.toString()).hasSize(1);
            String line = run.deadlocks().get(0);
            assertThat(line).startsWith("DEADLOCK ALL_ASLEEP ");
            List<String> names = new ArrayList<>(List.of(line.substring("DEADLOCK ALL_ASLEEP ".length()).split(",")));
            // the inner scope's join may throw first (its owner is the middle subtask), or the outer one (then main is in it too)
            assertThat(names).containsAll(List.of(run.expected().split(",")));
            names.removeAll(List.of(run.expected().split(",")));
            assertThat(names).isSubsetOf("main");
        }
    }

    @Nested
    class HealthyProgramsRaiseNoAlarm {
        @ParameterizedTest
        @ValueSource(strings = {"timed-trylock", "socket-reads", "idle-consumer", "long-sleep-holder", "contention",
                "busy-scope", "chain-resolves", "timed-wait-scope", "bare-park"})
        void noDeadlockIsReported(String scenario) throws Exception {
            Run run = run(scenario);
            assertThat(run.out()).as(run.toString()).contains("DONE");
            assertThat(run.deadlocks()).as(run.toString()).isEmpty();
            assertThat(run.out()).doesNotContain("JOIN DeadlockException", "UNEXPECTED got both", "PROGRESS false");
        }

        @ParameterizedTest
        @ValueSource(strings = {"deadline-scope"})
        void aScopeWithADeadlineEndsInTimeoutNotDeadlock(String scenario) throws Exception {
            Run run = run(scenario);
            assertThat(run.out()).as(run.toString()).contains("JOIN ScopeTimeoutException", "DONE");
            assertThat(run.deadlocks()).as(run.toString()).isEmpty();
        }
    }
}
