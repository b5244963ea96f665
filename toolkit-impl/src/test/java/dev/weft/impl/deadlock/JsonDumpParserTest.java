package dev.weft.impl.deadlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.weft.Deadlock;
import dev.weft.DeadlockReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Golden tests of the dump parser: JDK 25 dumps this JVM writes, a JDK 21 dump, a JDK 26 dump, and files that are not dumps. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonDumpParserTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(JsonDumpParserTest.class.getResource(name).toURI());
    }

    /** A JDK 25 dump of this JVM, taken while known threads sit in known waits. */
    @Nested
    class Jdk25DumpOfThisJvm {
        static final Object M1 = new Object(), M2 = new Object(), MAILBOX = new Object();
        static final ReentrantLock LOCK = new ReentrantLock();
        static Thread cycleA, cycleB, waiter, sleeper, parked, holder;
        static ThreadDump dump;
        static Path dir;

        @BeforeAll
        static void dumpKnownThreads() throws Exception {
            CountDownLatch both = new CountDownLatch(2), held = new CountDownLatch(1);
            cycleA = Thread.ofVirtual().name("golden-a").start(() -> ScenarioMain.syncBoth(M1, M2, both));
            cycleB = Thread.ofVirtual().name("golden-b").start(() -> ScenarioMain.syncBoth(M2, M1, both));
            waiter = Thread.ofVirtual().name("golden-waiter").start(() -> {
                synchronized (MAILBOX) {
                    try {
                        MAILBOX.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            sleeper = Thread.ofVirtual().name("golden-sleeper").start(() -> ScenarioMain.sleep(60_000));
            holder = Thread.ofPlatform().daemon().name("golden-holder").start(() -> {
                LOCK.lock();
                held.countDown();
                ScenarioMain.sleep(60_000);
            });
            held.await();
            parked = Thread.ofVirtual().name("golden-parked").start(LOCK::lock);
            ScenarioMain.await(() -> ScenarioMain.blocked(cycleA) && ScenarioMain.blocked(cycleB)
                    && waiter.getState() == Thread.State.WAITING && ScenarioMain.timedWaiting(sleeper)
                    && ScenarioMain.parkedOn(parked, LOCK));
            dir = Files.createTempDirectory("weft-golden");
            Path file = dir.resolve("threads.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            dump = JsonDumpParser.parse(file);
            Files.delete(file);
        }

        @AfterAll
        static void release() throws IOException {
            waiter.interrupt();
            sleeper.interrupt();
            holder.interrupt();
            Files.deleteIfExists(dir);
        }

        DumpedThread named(String name) {
            return dump.threads().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        }

        @Test
        void carriesStatesLocksAndTheRuntimeVersion() {
            assertThat(dump.rich()).isTrue();
            assertThat(dump.complete()).isTrue();
            assertThat(dump.runtimeVersion()).startsWith(Integer.toString(Runtime.version().feature()));
        }

        @Test
        void aThreadBlockedOnAMonitorNamesItAndWhatItHolds() {
            DumpedThread a = named("golden-a");
            assertThat(a.id()).isEqualTo(cycleA.threadId());
            assertThat(a.virtual()).isTrue();
            assertThat(a.state()).isEqualTo("BLOCKED");
            assertThat(a.how()).isEqualTo(DumpedThread.Wait.MONITOR_ENTER);
            assertThat(a.lockId()).isEqualTo(LiveSources.identity(M2));
            assertThat(a.holds()).containsExactly(LiveSources.identity(M1));
            assertThat(a.stack()).anyMatch(f -> f.contains("ScenarioMain.syncBoth"));
        }

        @Test
        void aThreadInObjectWaitDoesNotHoldTheMonitorItWaitsOn() {
            DumpedThread w = named("golden-waiter");
            assertThat(w.how()).isEqualTo(DumpedThread.Wait.OBJECT_WAIT);
            assertThat(w.lockId()).isEqualTo(LiveSources.identity(MAILBOX));
            assertThat(w.holds()).doesNotContain(LiveSources.identity(MAILBOX));
        }

        @Test
        void sleepIsTimedAndAParkedLockWaiterNamesTheSync() {
            assertThat(named("golden-sleeper").how()).isEqualTo(DumpedThread.Wait.TIMED);
            DumpedThread p = named("golden-parked");
            assertThat(p.how()).isEqualTo(DumpedThread.Wait.LOCK);
            assertThat(p.lockId()).startsWith("java.util.concurrent.locks.ReentrantLock$NonfairSync@");
            assertThat(p.ownerIds()).isEmpty(); // JDK 25 does not name an AQS owner
            assertThat(named("golden-holder").virtual()).isFalse();
        }

        @Test
        void theAnalyzerFindsTheMonitorCycleAndNothingElseAmongTheseThreads() {
            DeadlockReport report = DeadlockDetectorImpl.analyzeDump(dump);
            assertThat(report.deadlocks()).filteredOn(d -> d.threads().stream().anyMatch(t -> t.name().startsWith("golden-")))
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.kind()).isEqualTo(Deadlock.Kind.LOCK_CYCLE);
                        assertThat(d.threads()).extracting(t -> t.name()).containsExactlyInAnyOrder("golden-a", "golden-b");
                        assertThat(d.threads()).allSatisfy(t -> assertThat(t.ownerId()).isNotNegative());
                    });
            assertThat(report.toText()).startsWith("Found one Java-level deadlock:");
        }
    }

    @Nested
    class Jdk21ThinDump {
        @Test
        void parsesIdsNamesAndStacksAndSaysNothingCanBeProven() throws Exception {
            ThreadDump dump = JsonDumpParser.parse(resource("jdk21-thread-dump.json"));
            assertThat(dump.rich()).isFalse();
            assertThat(dump.runtimeVersion()).isEqualTo("21.0.5+11-LTS");
            assertThat(dump.threads()).extracting(DumpedThread::name)
                    .containsExactly("main", "Reference Handler", "worker-a", "worker-b");
            DumpedThread a = dump.threads().get(2);
            assertThat(a.id()).isEqualTo(31);
            assertThat(a.state()).isNull();
            assertThat(a.stack()).first().isEqualTo("java.base/java.lang.VirtualThread.park(VirtualThread.java:596)");
            assertThat(ReportBuilder.trim(a.stack())).first().isEqualTo("java.base/java.util.concurrent.locks.ReentrantLock$Sync.lock(ReentrantLock.java:153)");

            DeadlockReport report = DeadlockDetectorImpl.analyzeDump(dump);
            assertThat(report.found()).isFalse();
            assertThat(report.toText()).contains("No deadlock found among 4 threads", "no deadlock can be proven from it");
        }
    }

    @Nested
    class Jdk26LockOwners {
        @Test
        void aReentrantLockCycleBecomesProvenWhenTheDumpNamesOwners() throws Exception {
            DeadlockReport report = DeadlockDetectorImpl.analyzeDump(JsonDumpParser.parse(resource("jdk26-lock-owners.json")));
            assertThat(report.deadlocks()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Deadlock.Kind.LOCK_CYCLE);
                assertThat(d.threads()).extracting(t -> t.name()).containsExactly("transfer-1", "transfer-2");
                assertThat(d.threads().get(0).ownerName()).isEqualTo("transfer-2");
                assertThat(d.threads().get(0).stack()).first().asString().contains("ReentrantLock.lock");
            });
            assertThat(report.toJson()).contains("\"kind\" : \"LOCK_CYCLE\"", "\"ownerId\" : 42");
        }
    }

    @Nested
    class NotADump {
        @Test
        void jsonWithoutAThreadDumpIsRefusedWithAMessageSayingHowToWriteOne(@TempDir Path dir) throws IOException {
            Path f = Files.writeString(dir.resolve("other.json"), "{\"name\": \"not a dump\", \"threads\": []}");
            assertThatThrownBy(() -> JsonDumpParser.parse(f)).isInstanceOf(NotAThreadDumpException.class)
                    .hasMessageContaining("is not a JDK thread dump in JSON: it has no \"threadDump\" object")
                    .hasMessageContaining("jcmd <pid> Thread.dump_to_file -format=json");
        }

        @Test
        void textIsRefusedAsInvalidJson(@TempDir Path dir) throws IOException {
            Path f = Files.writeString(dir.resolve("jstack.txt"), "\"main\" #1 prio=5 os_prio=0 tid=0x1 nid=0x2 runnable\n");
            assertThatThrownBy(() -> JsonDumpParser.parse(f)).isInstanceOf(NotAThreadDumpException.class)
                    .hasMessageContaining("is not a JDK thread dump in JSON");
        }

        @Test
        void aDumpWithoutContainersIsRefused(@TempDir Path dir) throws IOException {
            Path f = Files.writeString(dir.resolve("half.json"), "{\"threadDump\": {\"processId\": \"1\"}}");
            assertThatThrownBy(() -> JsonDumpParser.parse(f)).isInstanceOf(NotAThreadDumpException.class)
                    .hasMessageContaining("no \"threadContainers\"");
        }

        @Test
        void analyzeRefusesNull() {
            assertThatThrownBy(() -> DeadlockDetectorImpl.instance().analyze(null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("dump");
        }
    }

}
