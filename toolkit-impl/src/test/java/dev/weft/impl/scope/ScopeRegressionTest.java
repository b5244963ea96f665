package dev.weft.impl.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ContextCarrier;
import dev.weft.Failure;
import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.impl.task.TaskFactoryBuilderImpl;
import dev.weft.impl.task.TaskFactoryImpl;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviours once found broken while the samples and docs were written: builder options that must
 * compose in either order, an {@code any()} that succeeded reporting its losers, a never-run subtask
 * without a name. Each synchronises with latches and joins, never sleeps.
 */
@Timeout(30)
class ScopeRegressionTest {

    /** A thread-local value and a carrier for it, as a user would write for MDC. */
    private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();
    private static final ContextCarrier<String> CARRIER = new ContextCarrier<>() {
        @Override
        public String capture() {
            return REQUEST_ID.get();
        }

        @Override
        public Restored restore(String captured) {
            REQUEST_ID.set(captured);
            return REQUEST_ID::remove;
        }
    };

    @Nested
    class ScopeBuilderTasksAndCarry {
        /**
         * {@code tasks(f).carry(c)}: {@code carry} resets the builder's factory to null, so the
         * factory the user gave is dropped: threads are named after the scope and unobserved failures
         * go to the default logger instead of the user's handler.
         */
        @Test
        void carryAfterTasksKeepsTheGivenFactory() throws Exception {
            ConcurrentLinkedQueue<Failure> seen = new ConcurrentLinkedQueue<>();
            TaskFactoryImpl mine = new TaskFactoryBuilderImpl("mine").onFailure(seen::add).build();
            REQUEST_ID.set("req-1");
            try {
                Subtask<String> name;
                try (Scope scope = new ScopeBuilderImpl("s").collectAll().tasks(mine).carry(CARRIER).open()) {
                    name = scope.fork(() -> Thread.currentThread().getName() + "/" + REQUEST_ID.get());
                    scope.fork(() -> {
                        throw new IOException("unobserved");
                    });
                    scope.join();
                }
                assertThat(name.get()).startsWith("mine-").endsWith("/req-1");
                assertThat(seen).extracting(f -> f.throwable().getMessage()).containsExactly("unobserved");
            } finally {
                REQUEST_ID.remove();
            }
        }

        /** {@code carry(c).tasks(f)}: the factory replaces the scope's own, and the carrier is silently ignored. */
        @Test
        void tasksAfterCarryKeepsTheCarrier() throws Exception {
            TaskFactoryImpl mine = new TaskFactoryBuilderImpl("mine").build();
            REQUEST_ID.set("req-2");
            try {
                Subtask<String> seen;
                try (Scope scope = new ScopeBuilderImpl("s").carry(CARRIER).tasks(mine).open()) {
                    seen = scope.fork(REQUEST_ID::get);
                    scope.join();
                }
                assertThat(seen.get()).isEqualTo("req-2");
            } finally {
                REQUEST_ID.remove();
            }
        }
    }

    @Nested
    class AnyThatSucceeds {
        /**
         * {@code any} returns the first success; the caller has no handle on the losers, so a loser's
         * failure cannot be observed. Yet close() reports it as an unobserved failure (by default an
         * ERROR log line with a stack trace), for an {@code any} that succeeded.
         */
        @Test
        void doesNotReportTheLosersFailuresAsUnobserved() throws Exception {
            ConcurrentLinkedQueue<Failure> seen = new ConcurrentLinkedQueue<>();
            TaskFactoryImpl factory = new TaskFactoryBuilderImpl("quotes").onFailure(seen::add).build();
            AtomicReference<Thread> loser = new AtomicReference<>();
            CountDownLatch loserStarted = new CountDownLatch(1);
            String result = new ScopeBuilderImpl("quotes").tasks(factory).any(List.<Callable<String>>of(
                    () -> {
                        loser.set(Thread.currentThread());
                        loserStarted.countDown();
                        throw new IOException("mirror refused");
                    },
                    () -> {
                        loserStarted.await();
                        loser.get().join();   // the loser's failure is recorded before the winner returns
                        return "quote";
                    }));
            assertThat(result).isEqualTo("quote");
            assertThat(seen).isEmpty();
        }
    }

    @Nested
    class SubtaskForkedAfterCancel {
        /** Subtask.name() promises the subtask's name; a subtask that never started has null, and get() says "subtask 'null'". */
        @Test
        void hasAName() {
            try (Scope scope = new ScopeBuilderImpl("c").open()) {
                scope.cancel();
                Subtask<Integer> never = scope.fork(() -> 1);
                assertThat(never.state()).isEqualTo(Subtask.State.CANCELLED);
                assertThat(never.name()).isNotNull();
                assertThatThrownBy(never::get).isInstanceOf(CancellationException.class)
                        .message().doesNotContain("'null'");
            }
        }
    }
}
