package dev.weft.impl.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ExecutorStats;
import dev.weft.Failure;
import dev.weft.ManagedExecutor;
import dev.weft.ShutdownReport;
import dev.weft.StuckThread;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import dev.weft.impl.task.ThreadRegistry;
import dev.weft.impl.task.WaitPoint;
import dev.weft.impl.testing.ForeignTaskFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What Weft's executor adds to the {@link java.util.concurrent.ExecutorService} contract. */
@Timeout(60)
class ManagedExecutorTest {
    static final long LONG = 30;

    final List<Failure> failures = new CopyOnWriteArrayList<>();
    final TaskFactory tasks = Weft.tasks("orders").onFailure(failures::add).build();
    final CountDownLatch release = new CountDownLatch(1);
    final List<ManagedExecutor> opened = new ArrayList<>();

    ManagedExecutor open(java.util.function.UnaryOperator<dev.weft.ExecutorBuilder> config) {
        ManagedExecutor ex = config.apply(Weft.executor("orders").tasks(tasks)).build();
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeEverything() throws InterruptedException {
        release.countDown();
        for (ManagedExecutor ex : opened) {
            ex.shutdownNow();
            assertThat(ex.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
        }
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(LONG, TimeUnit.SECONDS)).as("latch opened in time").isTrue();
    }

    /** Waits for a condition on observable state (not for time), with a hang guard. */
    static void awaitState(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LONG);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    void blockUninterruptibly() {
        boolean interrupted = false;
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Nested
    class FailureReporting {
        @Test
        void aThrowingExecutedTaskIsReportedExactlyOnceWithItsThread() throws Exception {
            ManagedExecutor ex = open(b -> b);
            IllegalStateException boom = new IllegalStateException("boom");
            ex.execute(() -> {
                throw boom;
            });
            ex.close();
            assertThat(failures).hasSize(1);
            Failure f = failures.get(0);
            assertThat(f.throwable()).isSameAs(boom);
            assertThat(f.taskName()).startsWith("orders-");
            assertThat(f.thread().isVirtual()).isTrue();
            assertThat(ex.stats().failed()).isEqualTo(1);
        }

        @Test
        void aSubmittedFailureStaysInItsFutureAndIsCounted() throws Exception {
            ManagedExecutor ex = open(b -> b);
            Future<Object> f = ex.submit(() -> {
                throw new IllegalStateException("kept");
            });
            ex.close();
            assertThat(f.exceptionNow()).hasMessage("kept");
            assertThat(failures).as("not reported: the future holds it").isEmpty();
            assertThat(ex.stats().failed()).isEqualTo(1);
        }

        @Test
        void anExecutedTaskInterruptedByShutdownNowIsCancelledNotFailed() throws Exception {
            ManagedExecutor ex = open(b -> b);
            CountDownLatch started = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException("stopped", e);
                }
            });
            await(started);
            ex.shutdownNow();
            assertThat(ex.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).isEmpty();
            assertThat(ex.stats().failed()).isZero();
        }
    }

    @Nested
    class Threads {
        @Test
        void areVirtualNamedAfterTheFactoryAndRegisteredWhileRunning() throws Exception {
            ManagedExecutor ex = open(b -> b);
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Thread> thread = new AtomicReference<>();
            ex.execute(() -> {
                thread.set(Thread.currentThread());
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            assertThat(thread.get().isVirtual()).isTrue();
            assertThat(thread.get().getName()).matches("orders-\\d+");
            assertThat(ThreadRegistry.instance().lookup(thread.get())).isNotNull();
        }

        @Test
        void withoutAFactoryThreadsAreNamedAfterTheExecutor() throws Exception {
            ManagedExecutor ex = Weft.executor("billing").build();
            opened.add(ex);
            assertThat(ex.name()).isEqualTo("billing");
            assertThat(ex.submit(() -> Thread.currentThread().getName()).get()).startsWith("billing-");
        }
    }

    @Nested
    class Memory {
        @Test
        void aLongLivedExecutorDoesNotKeepWhatFinishedTasksReturned() throws Exception {
            ManagedExecutor ex = open(b -> b);
            java.lang.ref.WeakReference<Object> result = new java.lang.ref.WeakReference<>(ex.submit(Object::new).get());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LONG);
            while (result.get() != null) {
                assertThat(System.nanoTime() - deadline).as("the result of a finished task is still held").isNegative();
                for (int i = 0; i < 2_000; i++) { // starting more tasks lets the executor let go of ended ones
                    ex.execute(() -> {});
                }
                System.gc();
            }
        }
    }

    @Nested
    class Stats {
        @Test
        void countSubmittedCompletedFailedAndRejected() throws Exception {
            ManagedExecutor ex = open(b -> b);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fs.add(ex.submit(() -> "ok"));
            }
            fs.add(ex.submit(() -> {
                throw new IllegalStateException();
            }));
            ex.execute(() -> {
                throw new IllegalStateException();
            });
            ex.shutdown();
            assertThatThrownBy(() -> ex.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
            assertThat(ex.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThat(ex.stats()).isEqualTo(new ExecutorStats(5, 0, 0, 5, 2, 1));
        }

        @Test
        void countRunningAndQueuedUnderALimit() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(2));
            CountDownLatch started = new CountDownLatch(2);
            for (int i = 0; i < 5; i++) {
                ex.execute(() -> {
                    started.countDown();
                    blockUninterruptibly();
                });
            }
            await(started);
            ExecutorStats s = ex.stats();
            assertThat(s.submitted()).isEqualTo(5);
            assertThat(s.running()).isEqualTo(2);
            assertThat(s.queued()).isEqualTo(3);
            release.countDown();
            ex.close();
            assertThat(ex.stats()).isEqualTo(new ExecutorStats(5, 0, 0, 5, 0, 0));
        }
    }

    @Nested
    class MaxConcurrency {
        @Test
        void queuedTasksStartInSubmissionOrder() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(1));
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 50; i++) {
                int n = i;
                ex.execute(() -> order.add(n));
            }
            ex.close();
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add(i);
            }
            assertThat(order).isEqualTo(expected);
        }

        @Test
        void neverRunsMoreThanTheLimitAndFillsIt() throws Exception {
            int limit = 3;
            ManagedExecutor ex = open(b -> b.maxConcurrency(limit));
            AtomicInteger now = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            AtomicInteger startedCount = new AtomicInteger();
            CountDownLatch firstWave = new CountDownLatch(limit);
            for (int i = 0; i < 20; i++) {
                ex.execute(() -> {
                    max.accumulateAndGet(now.incrementAndGet(), Math::max);
                    startedCount.incrementAndGet();
                    firstWave.countDown();
                    blockUninterruptibly();
                    now.decrementAndGet();
                });
            }
            await(firstWave);
            assertThat(startedCount).as("the fourth waits").hasValue(limit);
            assertThat(ex.stats().queued()).isEqualTo(17);
            release.countDown();
            ex.close();
            assertThat(max).hasValue(limit);
            assertThat(startedCount).hasValue(20);
        }

        @Test
        void rejectWhenBusyRejectsBeyondTheLimitAndAcceptsAgainLater() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(2).rejectWhenBusy());
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch ended = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                ex.execute(() -> {
                    started.countDown();
                    blockUninterruptibly();
                    ended.countDown();
                });
            }
            await(started);
            assertThatThrownBy(() -> ex.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("orders").hasMessageContaining("busy");
            assertThat(ex.stats().rejected()).isEqualTo(1);
            assertThat(ex.stats().queued()).isZero();
            release.countDown();
            await(ended);
            awaitState("a permit to come back", () -> ex.stats().running() < 2);
            assertThat(ex.submit(() -> 2).get()).isEqualTo(2);
        }

        @Test
        void shutdownNowReturnsTheQueuedTasksInOrderAsGiven() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(1));
            CountDownLatch started = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            Runnable executed = () -> {};
            Future<String> submitted = ex.submit(() -> "later");
            ex.execute(executed);
            List<Runnable> back = ex.shutdownNow();
            assertThat(back).containsExactly((Runnable) submitted, executed);
            assertThat(submitted.isDone()).as("handed back, not run, not cancelled").isFalse();
            ((Runnable) back.get(0)).run();
            assertThat(submitted.resultNow()).as("the caller may run what it got back").isEqualTo("later");
            assertThat(ex.stats().queued()).isZero();
        }

        @Test
        void aCancelledQueuedTaskNeverRuns() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(1));
            CountDownLatch started = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            AtomicInteger ran = new AtomicInteger();
            Future<?> f = ex.submit(ran::incrementAndGet);
            assertThat(f.cancel(true)).isTrue();
            release.countDown();
            ex.close();
            assertThat(ran).hasValue(0);
            assertThat(f.isCancelled()).isTrue();
        }
    }

    @Nested
    class BoundedClose {
        @Test
        void cleanWhenEverythingFinishesInTime() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(2));
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                fs.add(ex.submit(() -> n));
            }
            ShutdownReport r = ex.close(Duration.ofSeconds(LONG));
            assertThat(r.clean()).isTrue();
            assertThat(r.name()).isEqualTo("orders");
            assertThat(r.delivered()).isBetween(0L, 10L);
            assertThat(ex.isTerminated()).isTrue();
            for (int i = 0; i < 10; i++) {
                assertThat(fs.get(i).resultNow()).isEqualTo(i);
            }
        }

        @Test
        void waitsForQueuedTasksToo() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(1));
            CountDownLatch started = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            Future<String> queued = ex.submit(() -> "ran");
            Thread closer = Thread.currentThread();
            Thread opener = Thread.ofVirtual().start(() -> {
                awaitState("close to wait", () -> LockSupport.getBlocker(closer) instanceof WaitPoint);
                release.countDown();
            });
            ShutdownReport r = ex.close(Duration.ofSeconds(LONG));
            opener.join();
            assertThat(r.clean()).isTrue();
            assertThat(r.delivered()).isEqualTo(2);
            assertThat(queued.resultNow()).isEqualTo("ran");
        }

        @Test
        void namesATaskThatOutlivesTheDeadlineWithItsStack() throws Exception {
            ManagedExecutor ex = open(b -> b);
            CountDownLatch started = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            ShutdownReport r = ex.close(Duration.ofMillis(50));
            assertThat(r.clean()).isFalse();
            assertThat(r.inFlight()).isEqualTo(1);
            assertThat(r.stuck()).hasSize(1);
            StuckThread stuck = r.stuck().get(0);
            assertThat(stuck.name()).startsWith("orders-");
            assertThat(stuck.virtual()).isTrue();
            assertThat(stuck.stack()).anyMatch(frame -> frame.getMethodName().equals("blockUninterruptibly"));
            assertThat(stuck.describe()).contains("blockUninterruptibly");
            assertThat(ex.isShutdown()).isTrue();
            assertThat(ex.isTerminated()).isFalse();
            release.countDown();
            assertThat(ex.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
        }

        @Test
        void interruptsRunningTasksAtTheDeadline() throws Exception {
            ManagedExecutor ex = open(b -> b);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            });
            await(started);
            ex.close(Duration.ZERO);
            await(interrupted);
            assertThat(ex.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).isEmpty();
        }

        @Test
        void settlesQueuedTasksAtTheDeadlineNeverDropsThem() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(1));
            CountDownLatch started = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            Future<String> queuedFuture = ex.submit(() -> "never");
            Runnable queuedRunnable = () -> {};
            ex.execute(queuedRunnable);
            ShutdownReport r = ex.close(Duration.ofMillis(20));
            assertThat(r.undelivered()).isEqualTo(2);
            assertThat(queuedFuture.isCancelled()).as("its waiters are released").isTrue();
            assertThatThrownBy(queuedFuture::get).isInstanceOf(CancellationException.class);
            assertThat(failures).as("the executed one is reported").hasSize(1);
            assertThat(failures.get(0).throwable()).isInstanceOf(RejectedExecutionException.class);
            assertThat(failures.get(0).taskName()).contains(queuedRunnable.toString());
        }

        @Test
        void aForcedCloseThatSettlesQueuedTasksStillWaitsForTheRunningOne() throws Exception {
            ManagedExecutor ex = open(b -> b.maxConcurrency(1));
            CountDownLatch started = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            ex.execute(() -> {});
            ShutdownReport r = ex.close(Duration.ofMillis(20));
            assertThat(r.undelivered()).isEqualTo(1);
            assertThat(r.inFlight()).isEqualTo(1);
            assertThat(ex.isTerminated()).as("a task still runs").isFalse();
            assertThat(ex.stats().running()).isEqualTo(1);
            release.countDown();
            assertThat(ex.awaitTermination(LONG, TimeUnit.SECONDS)).isTrue();
            assertThat(ex.stats().running()).isZero();
            assertThat(ex.stats().queued()).isZero();
        }

        @Test
        void anInterruptOfTheCallerForcesAtOnceAndIsReasserted() throws Exception {
            ManagedExecutor ex = open(b -> b);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            ex.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            });
            await(started);
            Thread.currentThread().interrupt();
            ex.close(Duration.ofSeconds(LONG));
            assertThat(Thread.interrupted()).isTrue();
            await(interrupted);
        }

        @Test
        void closeAfterGraceInterruptsThenWaits() throws Exception {
            ManagedExecutor ex = open(b -> b.shutdownGrace(Duration.ofMillis(20)));
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<String> outcome = new AtomicReference<>();
            ex.execute(() -> {
                started.countDown();
                try {
                    release.await();
                    outcome.set("released");
                } catch (InterruptedException e) {
                    outcome.set("interrupted");
                }
            });
            await(started);
            ex.close();
            assertThat(ex.isTerminated()).isTrue();
            assertThat(outcome).hasValue("interrupted");
        }
    }

    @Nested
    class WaitPoints {
        @Test
        void awaitTerminationParksOnAWaitPointNamingTheRunningTasks() throws Exception {
            ManagedExecutor ex = open(b -> b);
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Thread> worker = new AtomicReference<>();
            ex.execute(() -> {
                worker.set(Thread.currentThread());
                started.countDown();
                blockUninterruptibly();
            });
            await(started);
            ex.shutdown();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    ex.awaitTermination(LONG, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitState("the waiter to park", () -> LockSupport.getBlocker(waiter) instanceof WaitPoint);
            WaitPoint point = (WaitPoint) LockSupport.getBlocker(waiter);
            assertThat(point.describe()).contains("termination").contains("orders");
            assertThat(point.owners()).containsExactly(worker.get());
            release.countDown();
            waiter.join();
        }

        @Test
        void futureGetParksOnAWaitPointNamingTheTaskThread() throws Exception {
            ManagedExecutor ex = open(b -> b);
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Thread> worker = new AtomicReference<>();
            Future<String> f = ex.submit(() -> {
                worker.set(Thread.currentThread());
                started.countDown();
                blockUninterruptibly();
                return "x";
            });
            await(started);
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitState("the waiter to park", () -> LockSupport.getBlocker(waiter) instanceof WaitPoint);
            assertThat(((WaitPoint) LockSupport.getBlocker(waiter)).owners()).containsExactly(worker.get());
            release.countDown();
            waiter.join();
        }
    }

    @Nested
    class BadInput {
        @Test
        void builderRejectsBadArgumentsNamingThem() {
            assertThatThrownBy(() -> Weft.executor(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> Weft.executor(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> Weft.executor("x").maxConcurrency(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit").hasMessageContaining("0");
            assertThatThrownBy(() -> Weft.executor("x").maxConcurrency(-3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-3");
            assertThatThrownBy(() -> Weft.executor("x").shutdownGrace(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("grace");
            assertThatThrownBy(() -> Weft.executor("x").shutdownGrace(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("grace").hasMessageContaining("PT-1S");
            assertThatThrownBy(() -> Weft.executor("x").tasks(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("factory");
            assertThatThrownBy(() -> Weft.executor("x").tasks(new ForeignTaskFactory())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("factory");
            assertThatThrownBy(() -> Weft.executor("x").rejectWhenBusy().build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("maxConcurrency");
        }

        @Test
        void closeRejectsBadTimeoutsAndStillRuns() throws Exception {
            ManagedExecutor ex = open(b -> b);
            assertThatThrownBy(() -> ex.close(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("timeout");
            assertThatThrownBy(() -> ex.close(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeout");
            assertThat(ex.isShutdown()).as("a refused close changes nothing").isFalse();
            assertThat(ex.submit(() -> 1).get()).isEqualTo(1);
        }

        @Test
        void executeOfNullNamesTheParameter() {
            ManagedExecutor ex = open(b -> b);
            assertThatThrownBy(() -> ex.execute(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("command");
        }
    }
}
