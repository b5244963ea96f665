package dev.weft.impl.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ManagedExecutor;
import dev.weft.Scope;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the deadlock detector, executors and reports rely on: every running Weft thread can be found,
 * from its thread and by a scan, whether it has an entry of its own or belongs to a scope, and only
 * while it runs.
 */
@Timeout(60)
class ThreadRegistryTest {
    private static final ThreadRegistry REGISTRY = ThreadRegistry.instance();
    private final TaskFactory tasks = Weft.tasks("reg").build();

    private static List<Thread> threadsInSnapshot() {
        List<Thread> threads = new ArrayList<>();
        for (ManagedTask t : REGISTRY.snapshot()) {
            threads.add(t.thread());
        }
        return threads;
    }

    private static void joinAll(Thread... threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Nested
    class FindingATaskFromItsThread {
        @Test
        void aRunningTaskFindsItselfAndOthersFindIt() throws Exception {
            AtomicReference<ManagedTask> seenInside = new AtomicReference<>();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = tasks.start(() -> {
                seenInside.set(REGISTRY.current());
                inside.countDown();
                await(release);
            });
            inside.await();
            ManagedTask found = REGISTRY.lookup(t);
            assertThat(found).isNotNull().isSameAs(seenInside.get());
            assertThat(found.thread()).isSameAs(t);
            assertThat(threadsInSnapshot()).contains(t);
            release.countDown();
            t.join();
            assertThat(REGISTRY.lookup(t)).isNull();
            assertThat(threadsInSnapshot()).doesNotContain(t);
        }

        @Test
        void aTaskWhoseCodeReplacedItsThreadsHandlerIsStillFound() throws Exception {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<ManagedTask> seenInside = new AtomicReference<>();
            Thread t = tasks.start(() -> {
                Thread.currentThread().setUncaughtExceptionHandler((thread, e) -> {});
                seenInside.set(REGISTRY.current());
                inside.countDown();
                await(release);
            });
            inside.await();
            assertThat(seenInside.get()).isNotNull();
            assertThat(REGISTRY.lookup(t)).isSameAs(seenInside.get());
            release.countDown();
            t.join();
        }

        @Test
        void threadsWeftDidNotStartAreNotTasks() throws Exception {
            AtomicReference<Object> plain = new AtomicReference<>("not looked up");
            AtomicReference<Object> withHandler = new AtomicReference<>("not looked up");
            AtomicReference<Object> poolThread = new AtomicReference<>("not looked up");
            Thread a = Thread.ofPlatform().start(() -> plain.set(REGISTRY.current()));
            Thread b = Thread.ofVirtual().uncaughtExceptionHandler((thread, e) -> {})
                    .start(() -> withHandler.set(REGISTRY.current()));
            Thread c = Thread.ofPlatform().uncaughtExceptionHandler((thread, e) -> {}).start(() -> {
                Object first = REGISTRY.current();
                poolThread.set(first == null ? REGISTRY.current() : first); // the second ask is remembered
            });
            joinAll(a, b, c);
            assertThat(plain.get()).isNull();
            assertThat(withHandler.get()).isNull();
            assertThat(poolThread.get()).isNull();
        }

        @Test
        void aTaskRunOnAThreadWeftDidNotStartIsFoundWhileItRunsAndLeavesTheHandlerAsItWas() throws Exception {
            TaskFactoryImpl impl = (TaskFactoryImpl) tasks;
            AtomicReference<ManagedTask> seenInside = new AtomicReference<>();
            ManagedTask task = new StandaloneTask(impl) {
                @Override
                protected void body() {
                    seenInside.set(REGISTRY.current());
                }
            };
            Thread.UncaughtExceptionHandler own = (thread, e) -> {};
            AtomicReference<Thread.UncaughtExceptionHandler> after = new AtomicReference<>();
            Thread t = Thread.ofPlatform().uncaughtExceptionHandler(own).start(() -> {
                REGISTRY.current(); // not a Weft thread, and remembered as such: the task must still be found
                task.run();
                after.set(Thread.currentThread().getUncaughtExceptionHandler());
            });
            t.join();
            assertThat(seenInside.get()).isSameAs(task);
            assertThat(after.get()).isSameAs(own);
        }

        @Test
        void aFatalErrorStillReachesTheDefaultHandlerAfterItIsReported() throws Exception {
            AtomicReference<Throwable> uncaught = new AtomicReference<>();
            List<Throwable> reported = new ArrayList<>();
            TaskFactory reporting = Weft.tasks("fatal").onFailure(f -> reported.add(f.throwable())).build();
            Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
            Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.set(e));
            try {
                Thread t = reporting.start(() -> {
                    throw new StackOverflowError("simulated");
                });
                t.join();
            } finally {
                Thread.setDefaultUncaughtExceptionHandler(previous);
            }
            assertThat(reported).singleElement().isInstanceOf(StackOverflowError.class);
            assertThat(uncaught.get()).isInstanceOf(StackOverflowError.class).hasMessage("simulated");
        }
    }

    @Nested
    class ScopeSubtasks {
        @Test
        void runningSubtasksAreFoundThroughTheirScopeAndLeaveWithIt() throws Exception {
            CountDownLatch started = new CountDownLatch(3);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
            try (Scope scope = Weft.scope("visible").open()) {
                for (int i = 0; i < 3; i++) {
                    scope.fork(() -> {
                        threads.add(Thread.currentThread());
                        started.countDown();
                        await(release);
                        return null;
                    });
                }
                started.await();
                List<Thread> copy;
                synchronized (threads) {
                    copy = List.copyOf(threads);
                }
                assertThat(threadsInSnapshot()).containsAll(copy);
                for (Thread t : copy) {
                    assertThat(REGISTRY.lookup(t)).isNotNull();
                    assertThat(REGISTRY.lookup(t).scopeName()).isEqualTo("visible");
                }
                release.countDown();
                scope.join();
            }
            assertThat(threadsInSnapshot()).doesNotContainAnyElementsOf(threads);
        }

        @Test
        void subtasksOfAScopeNestedInASubtaskAreFound() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> inner = new AtomicReference<>();
            try (Scope outer = Weft.scope("outer").open()) {
                outer.fork(() -> {
                    try (Scope nested = Weft.scope("nested").open()) {
                        nested.fork(() -> {
                            inner.set(Thread.currentThread());
                            started.countDown();
                            await(release);
                            return null;
                        });
                        nested.join();
                    }
                    return null;
                });
                started.await();
                assertThat(threadsInSnapshot()).contains(inner.get());
                assertThat(REGISTRY.lookup(inner.get()).scopeName()).isEqualTo("nested");
                release.countDown();
                outer.join();
            }
        }

        @Test
        void subtasksOfAScopeOpenedInAnExecutorTaskAreFound() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> sub = new AtomicReference<>();
            try (ManagedExecutor executor = Weft.executor("host").build()) {
                executor.submit(() -> {
                    try (Scope scope = Weft.scope("in-executor").open()) {
                        scope.fork(() -> {
                            sub.set(Thread.currentThread());
                            started.countDown();
                            await(release);
                            return null;
                        });
                        scope.join();
                    }
                    return null;
                });
                started.await();
                assertThat(threadsInSnapshot()).contains(sub.get());
                release.countDown();
            }
        }

        @Test
        void aScopeWhoseOwnerEndedWithoutClosingItIsNotHeldForever() throws Exception {
            AtomicReference<WeakReference<Scope>> forgotten = new AtomicReference<>();
            Thread owner = Thread.ofPlatform().start(() -> {
                Scope scope = Weft.scope("forgotten").open();
                forgotten.set(new WeakReference<>(scope));
            });
            owner.join();
            // Opening and closing outermost scopes lets the registry drop abandoned ones as it goes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (forgotten.get().get() != null && System.nanoTime() < deadline) {
                for (int i = 0; i < 2048; i++) {
                    Weft.scope("churn").open().close();
                }
                System.gc();
            }
            assertThat(forgotten.get().get()).isNull();
        }
    }

    @Nested
    class StartTimes {
        @Test
        void aTaskIsStampedWithWhenItStarted() throws Exception {
            for (int i = 0; i < 20; i++) {
                AtomicReference<Long> inside = new AtomicReference<>();
                AtomicReference<Long> stamped = new AtomicReference<>();
                long before = System.nanoTime();
                Thread t = tasks.start(() -> {
                    inside.set(System.nanoTime());
                    stamped.set(REGISTRY.current().startNanos());
                });
                t.join();
                long after = System.nanoTime();
                // The stamp may be up to a resolution old (more if the timer thread is starved): a
                // second of slack still tells a real start time from a missing one.
                assertThat(stamped.get() - (before - TimeUnit.SECONDS.toNanos(1))).isPositive();
                assertThat(after - stamped.get()).isNotNegative();
                assertThat(inside.get() - stamped.get()).isGreaterThanOrEqualTo(0);
            }
        }
    }
}
