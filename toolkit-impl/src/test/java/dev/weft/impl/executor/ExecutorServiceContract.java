package dev.weft.impl.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link ExecutorService} contract, clause by clause from its javadoc (and that of
 * {@link Future}). Each subclass runs these same tests against one executor: the JDK's
 * {@code newVirtualThreadPerTaskExecutor()} as the reference, and Weft's with and without a
 * concurrency limit. A test that passes for the JDK and fails for Weft is a Weft bug.
 *
 * <p>No test uses more than {@link #MAX_BLOCKED} simultaneously blocked tasks, so a limited
 * executor with at least that many permits must behave exactly as the reference, except where a
 * test says otherwise.
 */
@Timeout(60)
abstract class ExecutorServiceContract {
    /** The most tasks any test keeps blocked at once. */
    static final int MAX_BLOCKED = 4;
    static final long LONG = 30;

    ExecutorService executor;
    /** Opened at the end of each test so no task outlives it. */
    final CountDownLatch release = new CountDownLatch(1);

    /** @return a new, running executor of the kind under test */
    abstract ExecutorService create();

    @BeforeEach
    void open() {
        executor = create();
    }

    @AfterEach
    void closeEverything() throws InterruptedException {
        release.countDown();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).as("terminates after the test").isTrue();
    }

    /** A task that signals it started, then blocks until {@link #release} opens (interruptibly). */
    Callable<String> blocker(CountDownLatch started, String result) {
        return () -> {
            started.countDown();
            release.await();
            return result;
        };
    }

    /** A task that signals it started, then blocks; records whether it was interrupted. */
    Callable<String> interruptible(CountDownLatch started, CountDownLatch interrupted) {
        return () -> {
            started.countDown();
            try {
                release.await();
                return "released";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        };
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(LONG, TimeUnit.SECONDS)).as("latch opened in time").isTrue();
    }

    @Nested
    class Execute {
        @Test
        void runsTheCommandOnAnotherThread() throws Exception {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            executor.execute(() -> {
                ranOn.set(Thread.currentThread());
                done.countDown();
            });
            await(done);
            assertThat(ranOn.get()).isNotNull().isNotSameAs(Thread.currentThread());
        }

        @Test
        void runsEachTaskOnAVirtualThreadOfItsOwn() throws Exception {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            CountDownLatch started = new CountDownLatch(MAX_BLOCKED);
            for (int i = 0; i < MAX_BLOCKED; i++) {
                executor.execute(() -> {
                    threads.add(Thread.currentThread());
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            await(started);
            assertThat(threads).hasSize(MAX_BLOCKED).allMatch(Thread::isVirtual);
        }

        @Test
        void rejectsNull() {
            assertThatThrownBy(() -> executor.execute(null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void rejectsTasksAfterShutdown() {
            executor.shutdown();
            assertThatThrownBy(() -> executor.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Nested
    class Submit {
        @Test
        void callableResultIsReturnedByGet() throws Exception {
            assertThat(executor.submit(() -> 42).get()).isEqualTo(42);
        }

        @Test
        void runnableCompletesWithNull() throws Exception {
            AtomicBoolean ran = new AtomicBoolean();
            Future<?> f = executor.submit(() -> ran.set(true));
            assertThat(f.get()).isNull();
            assertThat(ran).isTrue();
        }

        @Test
        void runnableWithResultCompletesWithThatResult() throws Exception {
            assertThat(executor.submit(() -> {}, "given").get()).isEqualTo("given");
        }

        @Test
        void failureIsHeldInTheFutureAsExecutionException() {
            IllegalStateException boom = new IllegalStateException("boom");
            Future<Object> f = executor.submit(() -> {
                throw boom;
            });
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCause(boom);
            assertThat(f.state()).isEqualTo(Future.State.FAILED);
            assertThat(f.exceptionNow()).isSameAs(boom);
        }

        @Test
        void checkedExceptionOfCallableIsTheCause() {
            Future<Object> f = executor.submit(() -> {
                throw new java.io.IOException("disk");
            });
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(java.io.IOException.class).hasMessage("disk");
        }

        @Test
        void rejectsNullTasks() {
            assertThatThrownBy(() -> executor.submit((Callable<?>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> executor.submit((Runnable) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> executor.submit((Runnable) null, "x")).isInstanceOf(NullPointerException.class);
        }

        @Test
        void rejectsTasksAfterShutdown() {
            executor.shutdown();
            assertThatThrownBy(() -> executor.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
            assertThatThrownBy(() -> executor.submit(() -> {})).isInstanceOf(RejectedExecutionException.class);
        }

        @Test
        void aTaskMaySubmitAnother() throws Exception {
            Future<Integer> outer = executor.submit(() -> executor.submit(() -> 7).get() + 1);
            assertThat(outer.get()).isEqualTo(8);
        }

        @Test
        void getWithTimeoutThrowsTimeoutExceptionWhileRunning() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            Future<String> f = executor.submit(blocker(started, "late"));
            await(started);
            assertThatThrownBy(() -> f.get(1, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(f.isDone()).isFalse();
        }

        @Test
        void cancelWithInterruptStopsARunningTask() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            Future<String> f = executor.submit(interruptible(started, interrupted));
            await(started);
            assertThat(f.cancel(true)).isTrue();
            await(interrupted);
            assertThat(f.isCancelled()).isTrue();
            assertThat(f.isDone()).isTrue();
            assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
        }

        @Test
        void cancelAfterCompletionReturnsFalse() throws Exception {
            Future<Integer> f = executor.submit(() -> 1);
            f.get();
            assertThat(f.cancel(true)).isFalse();
            assertThat(f.isCancelled()).isFalse();
        }

        @Test
        void getIsInterruptible() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            Future<String> f = executor.submit(blocker(started, "x"));
            await(started);
            Thread.currentThread().interrupt();
            assertThatThrownBy(f::get).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("interrupt status cleared by the exception").isFalse();
        }
    }

    @Nested
    class InvokeAll {
        @Test
        void returnsEveryFutureDoneInTheOrderGiven() throws Exception {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                tasks.add(() -> n * n);
            }
            List<Future<Integer>> futures = executor.invokeAll(tasks);
            assertThat(futures).hasSize(20).allMatch(Future::isDone);
            for (int i = 0; i < 20; i++) {
                assertThat(futures.get(i).resultNow()).isEqualTo(i * i);
            }
        }

        @Test
        void failuresStayInTheirFutures() throws Exception {
            List<Future<String>> futures = executor.invokeAll(List.of(() -> "ok", () -> {
                throw new IllegalStateException("bad");
            }));
            assertThat(futures.get(0).resultNow()).isEqualTo("ok");
            assertThatThrownBy(() -> futures.get(1).get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
        }

        @Test
        void emptyCollectionGivesEmptyList() throws Exception {
            assertThat(executor.invokeAll(List.<Callable<String>>of())).isEmpty();
        }

        @Test
        void rejectsNullCollectionAndNullElements() {
            assertThatThrownBy(() -> executor.invokeAll(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> executor.invokeAll(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
            List<Callable<String>> withNull = new ArrayList<>();
            withNull.add(() -> "a");
            withNull.add(null);
            assertThatThrownBy(() -> executor.invokeAll(withNull)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> executor.invokeAll(withNull, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> executor.invokeAll(List.of(() -> "a"), 1, null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void timeoutCancelsTheUnfinishedAndKeepsTheFinished() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            List<Future<String>> futures = executor.invokeAll(
                    List.of(() -> "quick", interruptible(started, interrupted)), 50, TimeUnit.MILLISECONDS);
            assertThat(futures).hasSize(2).allMatch(Future::isDone);
            // the quick one may itself have missed a 50 ms deadline on a loaded machine: then it is cancelled too
            assertThat(futures.get(0).state()).isIn(Future.State.SUCCESS, Future.State.CANCELLED);
            assertThat(futures.get(1).isCancelled()).isTrue();
            if (started.getCount() == 0) {
                await(interrupted);
            }
        }

        @Test
        void negativeTimeoutCancelsEverythingUnfinished() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            List<Future<String>> futures = executor.invokeAll(List.of(blocker(started, "x")), -1, TimeUnit.SECONDS);
            assertThat(futures).hasSize(1).allMatch(Future::isDone);
            assertThat(futures.get(0).isCancelled()).isTrue();
        }

        @Test
        void interruptWhileWaitingCancelsTheTasks() throws Exception {
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch interrupted = new CountDownLatch(2);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    executor.invokeAll(List.of(interruptible(started, interrupted), interruptible(started, interrupted)));
                    outcome.set(new AssertionError("returned"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            await(started);
            caller.interrupt();
            caller.join();
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            await(interrupted);
        }

        @Test
        void rejectsAfterShutdown() {
            executor.shutdown();
            assertThatThrownBy(() -> executor.invokeAll(List.of(() -> 1))).isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Nested
    class InvokeAny {
        @Test
        void returnsTheFirstSuccessAndCancelsTheRest() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            String result = executor.invokeAny(List.of(interruptible(started, interrupted), () -> {
                await(started);
                return "fast";
            }));
            assertThat(result).isEqualTo("fast");
            await(interrupted);
        }

        @Test
        void skipsFailuresWhenOneSucceeds() throws Exception {
            String result = executor.invokeAny(List.of(() -> {
                throw new IllegalStateException("one");
            }, () -> "two", () -> {
                throw new IllegalStateException("three");
            }));
            assertThat(result).isEqualTo("two");
        }

        @Test
        void allFailedThrowsExecutionExceptionWithAFailureAsCause() {
            assertThatThrownBy(() -> executor.invokeAny(List.<Callable<String>>of(() -> {
                throw new IllegalStateException("a");
            }, () -> {
                throw new IllegalStateException("b");
            }))).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
        }

        @Test
        void timeoutThrowsTimeoutExceptionAndCancelsTheTasks() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            assertThatThrownBy(() -> executor.invokeAny(List.of(interruptible(started, interrupted)), 20, TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);
            if (started.getCount() == 0) {
                await(interrupted);
            }
        }

        @Test
        void withTimeoutReturnsASuccess() throws Exception {
            String result = executor.invokeAny(List.<Callable<String>>of(() -> "in time"), LONG, TimeUnit.SECONDS);
            assertThat(result).isEqualTo("in time");
        }

        @Test
        void rejectsEmptyNullAndNullElements() {
            assertThatThrownBy(() -> executor.invokeAny(List.<Callable<String>>of())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> executor.invokeAny(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> executor.invokeAny(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
            List<Callable<String>> withNull = new ArrayList<>();
            withNull.add(null);
            assertThatThrownBy(() -> executor.invokeAny(withNull)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> executor.invokeAny(List.of(() -> "a"), 1, null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void interruptWhileWaitingThrowsInterruptedExceptionAndCancelsTheTasks() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    executor.invokeAny(List.of(interruptible(started, interrupted)));
                    outcome.set(new AssertionError("returned"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            await(started);
            caller.interrupt();
            caller.join();
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            await(interrupted);
        }

        @Test
        void rejectsAfterShutdown() {
            executor.shutdown();
            assertThatThrownBy(() -> executor.invokeAny(List.of(() -> 1))).isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Nested
    class Shutdown {
        @Test
        void letsAcceptedTasksFinishWithoutWaitingForThem() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            Future<String> f = executor.submit(blocker(started, "finished"));
            await(started);
            executor.shutdown();
            assertThat(executor.isShutdown()).isTrue();
            assertThat(executor.isTerminated()).as("a task still runs").isFalse();
            assertThat(f.isDone()).isFalse();
            release.countDown();
            assertThat(f.get()).isEqualTo("finished");
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThat(executor.isTerminated()).isTrue();
        }

        @Test
        void isIdempotent() throws Exception {
            executor.shutdown();
            executor.shutdown();
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            executor.shutdown();
            assertThat(executor.isTerminated()).isTrue();
        }

        @Test
        void freshExecutorIsNeitherShutDownNorTerminated() {
            assertThat(executor.isShutdown()).isFalse();
            assertThat(executor.isTerminated()).isFalse();
        }

        @Test
        void emptyExecutorTerminatesOnShutdown() throws Exception {
            executor.shutdown();
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Nested
    class ShutdownNow {
        @Test
        void interruptsRunningTasks() throws Exception {
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch interrupted = new CountDownLatch(2);
            Future<String> a = executor.submit(interruptible(started, interrupted));
            Future<String> b = executor.submit(interruptible(started, interrupted));
            await(started);
            List<Runnable> neverStarted = executor.shutdownNow();
            assertThat(neverStarted).isEmpty();
            await(interrupted);
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(a::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InterruptedException.class);
            assertThatThrownBy(b::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InterruptedException.class);
        }

        @Test
        void everyAcceptedTaskEitherRanOrIsReturnedNeverBoth() throws Exception {
            int n = 3 * MAX_BLOCKED;
            Set<Integer> ran = ConcurrentHashMap.newKeySet();
            List<Runnable> given = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                Runnable r = () -> {
                    ran.add(id);
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                };
                given.add(r);
                executor.execute(r);
            }
            List<Runnable> returned = executor.shutdownNow();
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThat(given).containsAll(returned);
            Set<Integer> returnedIds = new HashSet<>();
            for (Runnable r : returned) {
                returnedIds.add(given.indexOf(r));
            }
            assertThat(Collections.disjoint(ran, returnedIds)).as("never both ran and returned").isTrue();
            assertThat(ran.size() + returnedIds.size()).as("never neither").isEqualTo(n);
        }

        @Test
        void rejectsLaterTasksAndIsIdempotent() throws Exception {
            executor.shutdownNow();
            assertThat(executor.isShutdown()).isTrue();
            assertThatThrownBy(() -> executor.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
            assertThat(executor.shutdownNow()).isEmpty();
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Nested
    class AwaitTermination {
        @Test
        void returnsFalseOnTimeoutWhileATaskRuns() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            executor.submit(blocker(started, "x"));
            await(started);
            executor.shutdown();
            assertThat(executor.awaitTermination(10, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(executor.awaitTermination(0, TimeUnit.SECONDS)).isFalse();
            assertThat(executor.awaitTermination(-5, TimeUnit.SECONDS)).as("negative timeout means do not wait").isFalse();
        }

        @Test
        void returnsTrueAtOnceWhenTerminated() throws Exception {
            executor.shutdown();
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThat(executor.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
            assertThat(executor.awaitTermination(-1, TimeUnit.SECONDS)).isTrue();
        }

        @Test
        void returnsFalseWithoutShutdown() throws Exception {
            assertThat(executor.awaitTermination(1, TimeUnit.MILLISECONDS)).isFalse();
        }

        @Test
        void isInterruptible() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            executor.submit(blocker(started, "x"));
            await(started);
            executor.shutdown();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> executor.awaitTermination(LONG, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        }

        @Test
        void rejectsNullUnit() {
            assertThatThrownBy(() -> executor.awaitTermination(1, null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void wakesWhenTheLastTaskEnds() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            executor.submit(blocker(started, "x"));
            await(started);
            executor.shutdown();
            Thread opener = Thread.ofVirtual().start(release::countDown);
            assertThat(executor.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            opener.join();
        }
    }

    @Nested
    class Close {
        @Test
        void waitsForRunningTasksThenIsTerminated() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            Future<String> f = executor.submit(blocker(started, "done"));
            await(started);
            Thread opener = Thread.ofVirtual().start(release::countDown);
            executor.close();
            assertThat(executor.isTerminated()).isTrue();
            assertThat(f.resultNow()).isEqualTo("done");
            opener.join();
        }

        @Test
        void interruptWhileClosingStopsTasksKeepsWaitingAndReassertsTheInterrupt() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            CountDownLatch cleanupMayEnd = new CountDownLatch(1);
            AtomicBoolean cleanupEnded = new AtomicBoolean();
            Future<Object> f = executor.submit(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    // a slow cleanup: close must keep waiting for it
                    cleanupMayEnd.await();
                    cleanupEnded.set(true);
                }
                return null;
            });
            await(started);
            AtomicBoolean reasserted = new AtomicBoolean();
            AtomicBoolean terminatedWhenReturned = new AtomicBoolean();
            AtomicBoolean cleanupEndedWhenReturned = new AtomicBoolean();
            Thread closer = Thread.ofPlatform().start(() -> {
                executor.close();
                terminatedWhenReturned.set(executor.isTerminated());
                cleanupEndedWhenReturned.set(cleanupEnded.get());
                reasserted.set(Thread.currentThread().isInterrupted());
            });
            closer.interrupt();
            await(interrupted);
            assertThat(closer.isAlive()).as("close keeps waiting for the interrupted task").isTrue();
            cleanupMayEnd.countDown();
            closer.join();
            assertThat(terminatedWhenReturned).isTrue();
            assertThat(cleanupEndedWhenReturned).isTrue();
            assertThat(reasserted).as("interrupt re-asserted").isTrue();
            assertThat(f.isDone()).isTrue();
        }

        @Test
        void closingAClosedExecutorReturnsAtOnce() {
            executor.close();
            executor.close();
            assertThat(executor.isTerminated()).isTrue();
        }
    }
}
