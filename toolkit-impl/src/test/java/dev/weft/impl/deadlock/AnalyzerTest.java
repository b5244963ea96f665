package dev.weft.impl.deadlock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Deadlock;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The analyzer's rules, on small hand-made models: what is proven, what is only suspected, what is never a deadlock. */
class AnalyzerTest {

    static DumpedThread thread(long id, String state, DumpedThread.Wait how, String lock, List<Long> owners, List<String> holds) {
        return new DumpedThread(id, "t" + id, true, state, null, how, lock, lock, owners, holds, List.of());
    }

    static DumpedThread enters(long id, String monitor, String... holds) {
        return thread(id, "BLOCKED", DumpedThread.Wait.MONITOR_ENTER, monitor, List.of(), List.of(holds));
    }

    static DumpedThread weft(long id, String what, Long... owners) {
        return new DumpedThread(id, "t" + id, true, "WAITING", "s", DumpedThread.Wait.WEFT, what, "dev.weft.X@" + id,
                List.of(owners), List.of(), List.of());
    }

    static List<Analyzer.Finding> analyze(DumpedThread... threads) {
        return Analyzer.analyze(new ThreadDump("test", "25", true, true, List.of(threads)));
    }

    @Nested
    class Proven {
        @Test
        void aMonitorCycleIsALockCycleInEdgeOrder() {
            List<Analyzer.Finding> f = analyze(enters(1, "M2", "M1"), enters(2, "M3", "M2"), enters(3, "M1", "M3"));
            assertThat(f).singleElement().satisfies(x -> {
                assertThat(x.kind()).isEqualTo(Deadlock.Kind.LOCK_CYCLE);
                assertThat(x.threadIds()).containsExactly(1L, 2L, 3L); // t1 waits for M2, held by t2, which waits for M3 ...
            });
        }

        @Test
        void threadsWaitingOnACycleAreListedAfterIt() {
            List<Analyzer.Finding> f = analyze(enters(1, "M2", "M1"), enters(2, "M1", "M2"), enters(3, "M1"));
            assertThat(f).singleElement().satisfies(x -> assertThat(x.threadIds()).containsExactly(1L, 2L, 3L));
        }

        @Test
        void ownerJoiningSubtasksThatWaitForEachOtherIsAllAsleep() {
            List<Analyzer.Finding> f = analyze(weft(1, "result of subtask 'b'", 2L), weft(2, "result of subtask 'a'", 1L),
                    weft(3, "join of scope 'pair'", 1L, 2L));
            assertThat(f).singleElement().satisfies(x -> {
                assertThat(x.kind()).isEqualTo(Deadlock.Kind.ALL_ASLEEP);
                assertThat(x.scope()).isEqualTo("pair");
                assertThat(x.threadIds()).containsExactlyInAnyOrder(1L, 2L, 3L);
            });
        }

        @Test
        void aThreadWaitingOnAPermitOnlyItHoldsIsASelfLoop() {
            List<Analyzer.Finding> f = analyze(weft(1, "concurrency permit of scope 'p' (limit 1)", 1L));
            assertThat(f).singleElement().satisfies(x -> assertThat(x.threadIds()).containsExactly(1L));
        }
    }

    @Nested
    class NeverADeadlock {
        @Test
        void aWaiterWithSeveralOwnersIsFreeIfAnyOwnerIsFree() {
            // 3 waits for a permit that 1 or 2 will free when it ends; 1 waits for 3's result (a cycle 1 -> 3 -> 1),
            // but 2 runs, and when it ends its permit lets 3 go on
            DumpedThread running = thread(2, "RUNNABLE", DumpedThread.Wait.NONE, null, List.of(), List.of());
            assertThat(analyze(weft(1, "result of subtask 'c'", 3L), running,
                    weft(3, "concurrency permit of scope 's' (limit 2)", 1L, 2L))).isEmpty();
        }

        @Test
        void theMonitorAThreadWaitsOnInObjectWaitIsNotHeld() {
            // the dump lists it under monitorsOwned; the parser removes it, so t2 entering it has no owner
            DumpedThread waiter = thread(1, "WAITING", DumpedThread.Wait.OBJECT_WAIT, "M", List.of(), List.of());
            assertThat(analyze(waiter, enters(2, "M"))).isEmpty();
        }

        @Test
        void timedWaitsRunnableThreadsAndIoBreakEveryCycle() {
            for (DumpedThread.Wait how : List.of(DumpedThread.Wait.TIMED, DumpedThread.Wait.IO, DumpedThread.Wait.NONE)) {
                DumpedThread other = thread(2, "TIMED_WAITING", how, "M1", List.of(), List.of("M2"));
                assertThat(analyze(enters(1, "M2", "M1"), other)).as(how.name()).isEmpty();
            }
        }

        @Test
        void anOwnerOutsideTheDumpBlamesNobody() {
            assertThat(analyze(weft(1, "result of subtask 'x'", 99L))).isEmpty();
        }

        @Test
        void idleConsumersOnConditionsAreNotStalls() {
            DumpedThread a = thread(1, "WAITING", DumpedThread.Wait.LOCK,
                    "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject@1", List.of(), List.of());
            DumpedThread b = thread(2, "WAITING", DumpedThread.Wait.LOCK,
                    "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject@2", List.of(), List.of());
            assertThat(analyze(a, b)).isEmpty();
        }

        @Test
        void manyWaitersOnOneBusyLockAreNotAStall() {
            String lock = "java.util.concurrent.locks.ReentrantLock$NonfairSync@1";
            assertThat(analyze(thread(1, "WAITING", DumpedThread.Wait.LOCK, lock, List.of(), List.of()),
                    thread(2, "WAITING", DumpedThread.Wait.LOCK, lock, List.of(), List.of()))).isEmpty();
        }
    }

    @Nested
    class Suspected {
        @Test
        void twoThreadsOnTwoJdkLocksWithUnknownOwnersAreASuspectedStall() {
            List<Analyzer.Finding> f = analyze(
                    thread(1, "WAITING", DumpedThread.Wait.LOCK, "java.util.concurrent.locks.ReentrantLock$NonfairSync@1", List.of(), List.of()),
                    thread(2, "WAITING", DumpedThread.Wait.LOCK, "java.util.concurrent.locks.ReentrantLock$NonfairSync@2", List.of(), List.of()));
            assertThat(f).singleElement().satisfies(x -> {
                assertThat(x.kind()).isEqualTo(Deadlock.Kind.SUSPECTED_STALL);
                assertThat(x.threadIds()).containsExactly(1L, 2L);
            });
        }

        @Test
        void theSameTwoLocksWithOwnersNamedAreProven() {
            List<Analyzer.Finding> f = analyze(
                    thread(1, "WAITING", DumpedThread.Wait.LOCK, "java.util.concurrent.locks.ReentrantLock$NonfairSync@1", List.of(2L), List.of()),
                    thread(2, "WAITING", DumpedThread.Wait.LOCK, "java.util.concurrent.locks.ReentrantLock$NonfairSync@2", List.of(1L), List.of()));
            assertThat(f).singleElement().satisfies(x -> assertThat(x.kind()).isEqualTo(Deadlock.Kind.LOCK_CYCLE));
        }

        @Test
        void anOwnerJoiningASubtaskInAnUntimedParkIsASuspectedStallOfItsScope() {
            DumpedThread parked = thread(1, "WAITING", DumpedThread.Wait.PARK, null, List.of(), List.of());
            List<Analyzer.Finding> f = analyze(parked, weft(2, "join of scope 'handover'", 1L));
            assertThat(f).singleElement().satisfies(x -> {
                assertThat(x.kind()).isEqualTo(Deadlock.Kind.SUSPECTED_STALL);
                assertThat(x.scope()).isEqualTo("handover");
                assertThat(x.threadIds()).containsExactly(1L, 2L);
            });
        }
    }
}
