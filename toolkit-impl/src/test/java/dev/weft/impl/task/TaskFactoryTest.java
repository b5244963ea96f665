package dev.weft.impl.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ContextCarrier;
import dev.weft.Failure;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TaskFactoryTest {
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final TaskFactory tasks = Weft.tasks("ingest").onFailure(failures::add).build();

    private static void joinAll(Thread... threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    @Nested
    class Naming {
        @Test
        void threadsAreNamedAfterTheFactoryAndNumbered() throws Exception {
            Thread a = tasks.start(() -> {});
            Thread b = tasks.start(() -> {});
            joinAll(a, b);
            assertThat(List.of(a.getName(), b.getName())).containsExactly("ingest-1", "ingest-2");
        }

        @Test
        void threadsAreVirtualByDefault() throws Exception {
            Thread t = tasks.start(() -> {});
            t.join();
            assertThat(t.isVirtual()).isTrue();
        }

        @Test
        void platformThreadsOnRequest() throws Exception {
            Thread t = Weft.tasks("p").platform(false).build().start(() -> {});
            t.join();
            assertThat(t.isVirtual()).isFalse();
            assertThat(t.isDaemon()).isFalse();
        }

        @Test
        void newThreadIsUnstarted() {
            Thread t = tasks.newThread(() -> {});
            assertThat(t.getState()).isEqualTo(Thread.State.NEW);
            assertThat(t.getName()).isEqualTo("ingest-1");
        }
    }

    @Nested
    class Failures {
        @Test
        void aThrowingTaskReachesTheHandlerExactlyOnce() throws Exception {
            IllegalStateException boom = new IllegalStateException("boom");
            Thread t = tasks.start(() -> {
                throw boom;
            });
            t.join();
            assertThat(failures).hasSize(1);
            Failure f = failures.get(0);
            assertThat(f.throwable()).isSameAs(boom);
            assertThat(f.taskName()).isEqualTo("ingest-1");
            assertThat(f.thread()).isSameAs(t);
            assertThat(f.scope()).isNull();
            assertThat(f.describe()).contains("task 'ingest-1'", "boom");
        }

        @Test
        void aTaskThatReturnsReportsNothing() throws Exception {
            tasks.start(() -> {}).join();
            assertThat(failures).isEmpty();
        }

        @Test
        void cancellationIsNotAFailure() throws Exception {
            tasks.start(() -> {
                throw new CancellationException("stop");
            }).join();
            assertThat(failures).isEmpty();
        }

        @Test
        void anInterruptThatWasNotACancellationIsAFailure() throws Exception {
            Thread t = tasks.start(() -> {
                throw new IllegalStateException(new InterruptedException("stray"));
            });
            t.join();
            assertThat(failures).hasSize(1);
        }

        @Test
        void cancelledTaskEndingByInterruptIsNotAFailure() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<ManagedTask> task = new AtomicReference<>();
            TaskFactoryImpl impl = (TaskFactoryImpl) tasks;
            Thread t = impl.start(new StandaloneTask(impl) {
                @Override
                protected void body() throws Exception {
                    started.countDown();
                    new CountDownLatch(1).await();
                }
            });
            started.await();
            task.set(ThreadRegistry.instance().lookup(t));
            task.get().cancel();
            t.join();
            assertThat(failures).isEmpty();
        }

        @Test
        void fatalErrorsAreReportedAndThenPropagate() throws Exception {
            AtomicReference<Throwable> uncaught = new AtomicReference<>();
            Thread t = tasks.newThread(() -> {
                throw new OutOfMemoryError("simulated");
            });
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.set(e));
            t.start();
            t.join();
            assertThat(failures).singleElement().extracting(Failure::throwable).isInstanceOf(OutOfMemoryError.class);
            assertThat(uncaught.get()).isInstanceOf(OutOfMemoryError.class);
        }

        @Test
        void ordinaryFailuresDoNotReachTheUncaughtHandler() throws Exception {
            AtomicReference<Throwable> uncaught = new AtomicReference<>();
            Thread t = tasks.newThread(() -> {
                throw new IllegalStateException("boom");
            });
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.set(e));
            t.start();
            t.join();
            assertThat(uncaught.get()).isNull();
            assertThat(failures).hasSize(1);
        }

        @Test
        void aHandlerThatThrowsDoesNotKillTheThreadOrLoseTheFailure() throws Exception {
            AtomicReference<Throwable> uncaught = new AtomicReference<>();
            TaskFactory bad = Weft.tasks("bad").onFailure(f -> {
                throw new IllegalArgumentException("handler broke");
            }).build();
            List<LogRecord> logged = captureLog(() -> {
                Thread t = bad.newThread(() -> {
                    throw new IllegalStateException("boom");
                });
                t.setUncaughtExceptionHandler((thread, e) -> uncaught.set(e));
                t.start();
                t.join();
            });
            assertThat(uncaught.get()).isNull();
            assertThat(logged).anySatisfy(r -> {
                assertThat(r.getThrown()).hasMessage("handler broke");
                assertThat(r.getThrown().getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("boom"));
            });
        }

        @Test
        void theDefaultHandlerLogsThroughSystemLogger() throws Exception {
            TaskFactory plain = Weft.tasks("plain").build();
            List<LogRecord> logged = captureLog(() -> plain.start(() -> {
                throw new IllegalStateException("logged, not printed");
            }).join());
            assertThat(logged).anySatisfy(r -> {
                assertThat(r.getMessage()).contains("plain-1");
                assertThat(r.getThrown()).hasMessage("logged, not printed");
            });
        }

        @Test
        void asThreadFactoryOfAJdkExecutor() throws Exception {
            try (ExecutorService ex = Executors.newThreadPerTaskExecutor(tasks)) {
                Future<String> name = ex.submit(() -> Thread.currentThread().getName());
                assertThat(name.get(10, TimeUnit.SECONDS)).startsWith("ingest-");
            }
        }
    }

    @Nested
    class Registry {
        @Test
        void aRunningTaskIsRegisteredAndLeavesWhenItEnds() throws Exception {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = tasks.start(() -> {
                inside.countDown();
                awaitQuietly(release);
            });
            inside.await();
            ManagedTask entry = ThreadRegistry.instance().lookup(t);
            assertThat(entry).isNotNull();
            assertThat(entry.name()).isEqualTo("ingest-1");
            assertThat(entry.startNanos()).isPositive();
            assertThat(tasks.running()).isEqualTo(1);
            release.countDown();
            t.join();
            assertThat(ThreadRegistry.instance().lookup(t)).isNull();
            assertThat(tasks.running()).isZero();
        }

        @Test
        void aThreadNeverStartedIsNeverRegistered() {
            Thread t = tasks.newThread(() -> {});
            assertThat(ThreadRegistry.instance().lookup(t)).isNull();
        }
    }

    @Nested
    class Context {
        private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

        private final ContextCarrier<String> carrier = new ContextCarrier<>() {
            @Override
            public String capture() {
                return REQUEST.get();
            }

            @Override
            public Restored restore(String captured) {
                REQUEST.set(captured);
                return REQUEST::remove;
            }
        };

        @Test
        void aCarriedValueIsRestoredInTheTaskAndUndoneAfter() throws Exception {
            TaskFactoryImpl carrying = (TaskFactoryImpl) Weft.tasks("ctx").carry(carrier).build();
            AtomicReference<String> seen = new AtomicReference<>();
            AtomicReference<String> after = new AtomicReference<>("not run");
            REQUEST.set("req-42");
            try {
                Thread t = carrying.newThread(new StandaloneTask(carrying) {
                    @Override
                    protected void body() {
                        seen.set(REQUEST.get());
                    }

                    @Override
                    protected void finished() {
                        after.set(REQUEST.get());
                    }
                });
                REQUEST.set("changed after capture");
                t.start();
                t.join();
            } finally {
                REQUEST.remove();
            }
            assertThat(seen.get()).isEqualTo("req-42");
            assertThat(after.get()).isNull();
        }
    }

    @Nested
    class BadInput {
        @Test
        void namesMustBePresentAndNotBlank() {
            assertThatThrownBy(() -> Weft.tasks(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> Weft.tasks("  ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> Weft.tasks("x".repeat(1000))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000");
        }

        @Test
        void nullArgumentsAreRefusedByName() {
            assertThatThrownBy(() -> Weft.tasks("t").onFailure(null)).hasMessageContaining("handler");
            assertThatThrownBy(() -> Weft.tasks("t").carry(null)).hasMessageContaining("carrier");
            assertThatThrownBy(() -> tasks.start(null)).hasMessageContaining("task");
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Captures what Weft logs through System.Logger (backed by java.util.logging here). */
    static List<LogRecord> captureLog(ThrowingRunnable action) throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("dev.weft");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return records;
    }

}
