package dev.weft.impl.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.ContextCarrier;
import dev.weft.Failure;
import dev.weft.Scope;
import dev.weft.ScopeFailedException;
import dev.weft.ScopeTimeoutException;
import dev.weft.Subtask;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class ScopeTest {

    /** A subtask body that blocks until interrupted, and says it was. */
    static Callable<String> blockUntilCancelled(CountDownLatch started, AtomicInteger interrupted) {
        return () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return "never";
        };
    }

    /** Waits without reacting to interrupts, as a task that is busy computing would. */
    static void awaitUninterruptibly(CountDownLatch latch) {
        for (;;) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // keep waiting: this task does not stop when cancelled
            }
        }
    }

    @Nested
    class ForkAndJoin {
        @Test
        void resultsAreAvailableAfterJoin() throws Exception {
            try (Scope scope = Weft.scope("page").open()) {
                Subtask<String> user = scope.fork(() -> "ada");
                Subtask<Integer> cart = scope.fork(() -> 3);
                scope.join();
                assertThat(user.get()).isEqualTo("ada");
                assertThat(cart.get()).isEqualTo(3);
                assertThat(user.state()).isEqualTo(Subtask.State.SUCCESS);
            }
        }

        @Test
        void subtasksRunOnVirtualThreadsNamedAfterTheScope() throws Exception {
            try (Scope scope = Weft.scope("page").open()) {
                Subtask<Thread> t = scope.fork(Thread::currentThread);
                scope.join();
                assertThat(t.get().isVirtual()).isTrue();
                assertThat(t.get().getName()).isEqualTo("page-1").isEqualTo(t.name());
            }
        }

        @Test
        void subtasksAreNumberedInForkOrderAndNamedBeforeTheirFirstLine() throws Exception {
            // Numbers are taken at fork, in fork order, and the name is the thread's from its creation.
            try (Scope scope = Weft.scope("batch").open()) {
                List<Subtask<String>> subtasks = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    subtasks.add(scope.fork(() -> Thread.currentThread().getName()));
                }
                scope.join();
                for (int i = 0; i < subtasks.size(); i++) {
                    assertThat(subtasks.get(i).get()).isEqualTo("batch-" + (i + 1)).isEqualTo(subtasks.get(i).name());
                }
            }
        }

        @Test
        void runnableForksHaveNullResults() throws Exception {
            AtomicBoolean ran = new AtomicBoolean();
            try (Scope scope = Weft.scope("r").open()) {
                Subtask<Void> s = scope.fork(() -> ran.set(true));
                scope.join();
                assertThat(s.get()).isNull();
            }
            assertThat(ran).isTrue();
        }

        @Test
        void aResultThatIsAThrowableIsASuccessNotAFailure() throws Exception {
            // A subtask keeps its result and its failure in one slot; its state alone says which.
            IllegalStateException returned = new IllegalStateException("a value, not thrown");
            try (Scope scope = Weft.scope("values").open()) {
                Subtask<Exception> s = scope.fork(() -> returned);
                scope.join();
                assertThat(s.state()).isEqualTo(Subtask.State.SUCCESS);
                assertThat(s.get()).isSameAs(returned);
                assertThat(s.exception()).isNull();
            }
        }

        @Test
        void getWaitsForTheResult() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            try (Scope scope = Weft.scope("w").open()) {
                Subtask<String> slow = scope.fork(() -> {
                    release.await();
                    return "done";
                });
                Subtask<String> waiter = scope.fork(() -> slow.get() + "!");
                release.countDown();
                scope.join();
                assertThat(waiter.get()).isEqualTo("done!");
            }
        }

        @Test
        void joinOnAPlatformThreadWaitsForSubtasksForkedWhileItWaitsAndForEveryThread() throws Exception {
            // Each subtask forks the next one into the scope while the owner (this platform thread)
            // is already in join: join must wait for the whole chain, and leave no thread running.
            Queue<Thread> threads = new ConcurrentLinkedQueue<>();
            AtomicInteger ran = new AtomicInteger();
            try (Scope scope = Weft.scope("chain").open()) {
                class Link implements Callable<Integer> {
                    private final int left;

                    Link(int left) {
                        this.left = left;
                    }

                    @Override
                    public Integer call() {
                        threads.add(Thread.currentThread());
                        ran.incrementAndGet();
                        if (left > 0) {
                            scope.fork(new Link(left - 1));
                            scope.fork(() -> threads.add(Thread.currentThread()));
                        }
                        return left;
                    }
                }
                for (int i = 0; i < 4; i++) {
                    scope.fork(new Link(50));
                }
                scope.join();
                assertThat(ran).hasValue(4 * 51);
                assertThat(threads).hasSize(4 * 51 + 4 * 50).allSatisfy(t -> assertThat(t.isAlive()).isFalse());
            }
        }

        @Test
        void aSubtaskMayForkIntoItsOwnScope() throws Exception {
            try (Scope scope = Weft.scope("tree").open()) {
                Subtask<Subtask<String>> outer = scope.fork(() -> scope.fork(() -> "leaf"));
                scope.join();
                assertThat(outer.get().get()).isEqualTo("leaf");
            }
        }

        @Test
        void closeAfterAJoinStillCancelsAndAwaitsAScopeThatASubtaskLeftOpen() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Thread> grandchild = new AtomicReference<>();
            AtomicBoolean interrupted = new AtomicBoolean();
            try (Scope scope = Weft.scope("outer").open()) {
                scope.fork(() -> {
                    Scope leftOpen = Weft.scope("left-open").open(); // its owner ends without closing it
                    leftOpen.fork(() -> {
                        grandchild.set(Thread.currentThread());
                        started.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interrupted.set(true);
                            throw e;
                        }
                        return null;
                    });
                    started.await();
                    return null;
                });
                scope.join();
                assertThat(grandchild.get().isAlive()).isTrue();
            }
            assertThat(interrupted).isTrue();
            assertThat(grandchild.get().isAlive()).isFalse();
        }

        @Test
        void joinWithNothingForkedReturnsAtOnce() throws Exception {
            try (Scope scope = Weft.scope("empty").open()) {
                scope.join();
            }
        }
    }

    @Nested
    class FailFast {
        @Test
        void theFirstFailureCancelsTheSiblingsAndIsTheCause() throws Exception {
            CountDownLatch started = new CountDownLatch(2);
            AtomicInteger interrupted = new AtomicInteger();
            IllegalStateException boom = new IllegalStateException("boom");
            Subtask<String> a, b, bad;
            try (Scope scope = Weft.scope("checkout").open()) {
                a = scope.fork(blockUntilCancelled(started, interrupted));
                b = scope.fork(blockUntilCancelled(started, interrupted));
                started.await();
                bad = scope.fork(() -> {
                    throw boom;
                });
                ScopeFailedException e = (ScopeFailedException) catchThrowable(scope::join);
                assertThat(e).hasCause(boom);
                assertThat(e.getSuppressed()).isEmpty();
                assertThat(e.scopeName()).isEqualTo("checkout");
                assertThat(e.getMessage()).contains("scope 'checkout' failed", "checkout-3", "boom");
            }
            assertThat(interrupted).hasValue(2);
            assertThat(a.state()).isEqualTo(Subtask.State.CANCELLED);
            assertThat(b.state()).isEqualTo(Subtask.State.CANCELLED);
            assertThat(bad.state()).isEqualTo(Subtask.State.FAILED);
            assertThat(bad.exception()).isSameAs(boom);
            assertThatThrownBy(a::get).isInstanceOf(CancellationException.class);
            assertThatThrownBy(bad::get).isInstanceOf(IllegalStateException.class).hasCause(boom);
        }

        @Test
        void everyOtherRealFailureIsSuppressed() throws Exception {
            CountDownLatch allStarted = new CountDownLatch(3);
            CountDownLatch fail = new CountDownLatch(1);
            try (Scope scope = Weft.scope("many").open()) {
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    scope.fork(() -> {
                        allStarted.countDown();
                        awaitUninterruptibly(fail); // so that all three fail for real, none by cancellation
                        throw new IllegalStateException("failure " + n);
                    });
                }
                allStarted.await();
                fail.countDown();
                ScopeFailedException e = (ScopeFailedException) catchThrowable(scope::join);
                List<String> all = new ArrayList<>();
                all.add(e.getCause().getMessage());
                for (Throwable s : e.getSuppressed()) {
                    all.add(s.getMessage());
                }
                assertThat(all).containsExactlyInAnyOrder("failure 0", "failure 1", "failure 2");
                assertThat(e.getMessage()).contains("2 more failed");
            }
        }

        @Test
        void cancelledSubtasksAreNotCountedAsFailures() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            try (Scope scope = Weft.scope("c").open()) {
                scope.fork(blockUntilCancelled(started, new AtomicInteger()));
                started.await();
                scope.fork(() -> {
                    throw new IllegalStateException("only this");
                });
                ScopeFailedException e = (ScopeFailedException) catchThrowable(scope::join);
                assertThat(e.getSuppressed()).isEmpty();
            }
        }

        @Test
        void theSuppressedListIsCappedAndTheMessageSaysHowManyWereLeftOut() throws Exception {
            CountDownLatch go = new CountDownLatch(1);
            int n = 100;
            CountDownLatch started = new CountDownLatch(n);
            try (Scope scope = Weft.scope("cap").open()) {
                for (int i = 0; i < n; i++) {
                    scope.fork(() -> {
                        started.countDown();
                        awaitUninterruptibly(go);
                        throw new IllegalStateException("x");
                    });
                }
                started.await();
                go.countDown();
                ScopeFailedException e = (ScopeFailedException) catchThrowable(scope::join);
                assertThat(e.getSuppressed()).hasSize(64);
                assertThat(e.getMessage()).contains("99 more failed", "35 of them left out");
            }
        }
    }

    @Nested
    class CollectAll {
        @Test
        void failuresCancelNothingAndJoinReturns() throws Exception {
            CountDownLatch failed = new CountDownLatch(1);
            try (Scope scope = Weft.scope("all").collectAll().open()) {
                Subtask<String> bad = scope.fork(() -> {
                    try {
                        throw new IllegalStateException("bad");
                    } finally {
                        failed.countDown();
                    }
                });
                Subtask<String> good = scope.fork(() -> {
                    failed.await();
                    return "good";
                });
                scope.join();
                assertThat(bad.state()).isEqualTo(Subtask.State.FAILED);
                assertThat(bad.exception()).hasMessage("bad");
                assertThat(good.get()).isEqualTo("good");
                assertThat(scope.isCancelled()).isFalse();
            }
        }
    }

    @Nested
    class Deadlines {
        @Test
        void atTheDeadlineUnfinishedSubtasksAreCancelledAndJoinThrows() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            AtomicInteger interrupted = new AtomicInteger();
            Subtask<String> slow, fast;
            try (Scope scope = Weft.scope("slow").deadline(Duration.ofMillis(100)).open()) {
                fast = scope.fork(() -> "fast");
                slow = scope.fork(blockUntilCancelled(started, interrupted));
                ScopeTimeoutException e = (ScopeTimeoutException) catchThrowable(scope::join);
                assertThat(e).isNotNull();
                assertThat(e.scopeName()).isEqualTo("slow");
                assertThat(e.getMessage()).contains("scope 'slow' timed out");
                assertThat(e.timeout()).isLessThanOrEqualTo(Duration.ofMillis(100));
            }
            assertThat(fast.get()).isEqualTo("fast");
            assertThat(slow.state()).isEqualTo(Subtask.State.CANCELLED);
            assertThat(interrupted).hasValue(1);
        }

        @Test
        void aNestedScopeGetsTheEarlierOfItsOwnAndItsParentsDeadline() throws Exception {
            AtomicReference<Throwable> inner = new AtomicReference<>();
            try (Scope outer = Weft.scope("outer").deadline(Duration.ofMillis(100)).open()) {
                try (Scope nested = Weft.scope("nested").deadline(Duration.ofDays(1)).open()) {
                    nested.fork(() -> {
                        new CountDownLatch(1).await();
                        return null;
                    });
                    inner.set(catchThrowable(nested::join));
                }
                outer.join();
            }
            assertThat(inner.get()).isInstanceOf(ScopeTimeoutException.class);
            assertThat(((ScopeTimeoutException) inner.get()).timeout()).isLessThanOrEqualTo(Duration.ofMillis(100));
        }

        @Test
        void aScopeThatFinishesInTimeDoesNotTimeOut() throws Exception {
            try (Scope scope = Weft.scope("quick").deadline(Duration.ofMinutes(5)).open()) {
                Subtask<String> s = scope.fork(() -> "ok");
                scope.join();
                assertThat(s.get()).isEqualTo("ok");
            }
        }
    }

    @Nested
    class MaxConcurrency {
        @Test
        void neverMoreThanTheLimitRunAtOnce() throws Exception {
            AtomicInteger now = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            try (Scope scope = Weft.scope("limited").maxConcurrency(3).open()) {
                for (int i = 0; i < 50; i++) {
                    scope.fork(() -> {
                        int n = now.incrementAndGet();
                        max.accumulateAndGet(n, Math::max);
                        Thread.yield();
                        now.decrementAndGet();
                        return null;
                    });
                }
                scope.join();
            }
            assertThat(max.get()).isBetween(1, 3);
        }

        @Test
        void forkBlocksWhileTheLimitIsReachedAndIsInterruptible() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            try (Scope scope = Weft.scope("one").maxConcurrency(1).open()) {
                scope.fork(blockUntilCancelled(started, new AtomicInteger()));
                started.await();
                Thread.currentThread().interrupt();
                assertThatThrownBy(() -> scope.fork(() -> "second"))
                        .isInstanceOf(CancellationException.class)
                        .hasMessageContaining("concurrency permit");
                assertThat(Thread.interrupted()).isTrue();
            }
        }
    }

    @Nested
    class Cancellation {
        @Test
        void cancelInterruptsEverySubtask() throws Exception {
            CountDownLatch started = new CountDownLatch(3);
            AtomicInteger interrupted = new AtomicInteger();
            try (Scope scope = Weft.scope("c").open()) {
                for (int i = 0; i < 3; i++) {
                    scope.fork(blockUntilCancelled(started, interrupted));
                }
                started.await();
                scope.cancel();
                assertThat(scope.isCancelled()).isTrue();
                scope.join();
            }
            assertThat(interrupted).hasValue(3);
        }

        @Test
        void cancellationReachesScopesOpenedBySubtasksTransitively() throws Exception {
            CountDownLatch grandchildStarted = new CountDownLatch(1);
            AtomicInteger interrupted = new AtomicInteger();
            AtomicReference<Subtask<String>> grandchild = new AtomicReference<>();
            try (Scope scope = Weft.scope("outer").open()) {
                scope.fork(() -> {
                    try (Scope inner = Weft.scope("inner").open()) {
                        grandchild.set(inner.fork(blockUntilCancelled(grandchildStarted, interrupted)));
                        inner.join();
                    }
                    return null;
                });
                grandchildStarted.await();
                scope.cancel();
                scope.join();
            }
            assertThat(interrupted).hasValue(1);
            assertThat(grandchild.get().state()).isEqualTo(Subtask.State.CANCELLED);
        }

        @Test
        void cancellationReachesEveryChildScopeOpenAtOnceEvenIfItsOwnerIgnoresInterrupts() throws Exception {
            // The owners of the inner scopes wait without heeding interrupts, so only the parent's
            // record of its child scopes can reach the grandchildren. One child is kept in a field of
            // the parent, the others in a set, and short-lived children free the field before: all of
            // those paths must be taken.
            int children = 4;
            CountDownLatch grandchildrenStarted = new CountDownLatch(children);
            CountDownLatch grandchildrenInterrupted = new CountDownLatch(children);
            CountDownLatch release = new CountDownLatch(1);
            List<Subtask<String>> grandchildren = new CopyOnWriteArrayList<>();
            try (Scope scope = Weft.scope("outer").open()) {
                for (int round = 0; round < 3; round++) {
                    scope.fork(() -> {
                        try (Scope inner = Weft.scope("short-lived").open()) {
                            inner.fork(() -> "done");
                            inner.join();
                        }
                        return null;
                    });
                }
                for (int i = 0; i < children; i++) {
                    scope.fork(() -> {
                        try (Scope inner = Weft.scope("inner").open()) {
                            grandchildren.add(inner.fork(() -> {
                                grandchildrenStarted.countDown();
                                try {
                                    new CountDownLatch(1).await();
                                } catch (InterruptedException e) {
                                    grandchildrenInterrupted.countDown();
                                    throw e;
                                }
                                return "never";
                            }));
                            awaitUninterruptibly(release);
                            inner.join();
                        }
                        return null;
                    });
                }
                grandchildrenStarted.await();
                scope.cancel();
                boolean allReached = grandchildrenInterrupted.await(10, TimeUnit.SECONDS);
                release.countDown();
                scope.join();
                assertThat(allReached).as("every grandchild was interrupted by the outer cancel").isTrue();
            }
            assertThat(grandchildren).hasSize(children)
                    .allSatisfy(g -> assertThat(g.state()).isEqualTo(Subtask.State.CANCELLED));
        }

        @Test
        void aForkAfterCancelNeverRuns() throws Exception {
            AtomicBoolean ran = new AtomicBoolean();
            try (Scope scope = Weft.scope("c").open()) {
                scope.cancel();
                Subtask<Void> s = scope.fork(() -> ran.set(true));
                assertThat(s.state()).isEqualTo(Subtask.State.CANCELLED);
                scope.join();
            }
            assertThat(ran).isFalse();
        }

        @Test
        void closeWithoutJoinCancelsAndWaitsForEveryThread() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean cleanupDone = new AtomicBoolean();
            Subtask<String> s;
            try (Scope scope = Weft.scope("c").open()) {
                s = scope.fork(() -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } finally {
                        for (int i = 0; i < 1000; i++) {
                            Thread.onSpinWait(); // cleanup work after the interrupt
                        }
                        cleanupDone.set(true);
                    }
                    return "never";
                });
                started.await();
            }
            assertThat(cleanupDone).isTrue();
            assertThat(s.state()).isEqualTo(Subtask.State.CANCELLED);
        }

        @Test
        void anInnerScopeOfAnotherThreadIsCancelledByAnOuterCancel() throws Exception {
            try (Scope scope = Weft.scope("outer").open()) {
                Subtask<Throwable> child = scope.fork(() -> {
                    try (Scope inner = Weft.scope("inner").open()) {
                        CountDownLatch never = new CountDownLatch(1);
                        inner.fork(() -> {
                            never.await();
                            return null;
                        });
                        return catchThrowable(inner::join);
                    }
                });
                while (!(child.state() != Subtask.State.RUNNING || hasScopeChild(scope))) {
                    Thread.onSpinWait();
                }
                scope.cancel();
                scope.join();
                assertThat(child.state()).isIn(Subtask.State.CANCELLED, Subtask.State.SUCCESS);
            }
        }

        private boolean hasScopeChild(Scope scope) {
            return ((ScopeImpl) scope).activeCount() > 0 && ((ScopeImpl) scope).runningThreads().size() == 1;
        }
    }

    /**
     * An interrupt of the waiting owner, whether it parks on the scope (a virtual owner) or joins a
     * subtask's thread (a platform owner): join gives up with {@link InterruptedException}, close
     * does not give up and keeps the interrupt for later.
     */
    @Nested
    class Interrupts {
        /** The body of an owner thread, which may throw anything; the test asserts it did not. */
        interface OwnerBody {
            void run() throws Exception;
        }

        private Thread startOwner(boolean virtual, OwnerBody body, AtomicReference<Throwable> unexpected) {
            Runnable r = () -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    unexpected.set(t);
                }
            };
            return virtual ? Thread.ofVirtual().start(r) : Thread.ofPlatform().start(r);
        }

        /**
         * Polls until {@code owner} waits in the scope's join or close (parked on the scope, or on a
         * subtask thread's termination) with no interrupt pending, or until {@code gaveUp} is set.
         */
        private void awaitWaitingIn(ScopeImpl scope, Thread owner, AtomicBoolean gaveUp) {
            for (;;) {
                Thread.State state = owner.getState();
                boolean parked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
                boolean inScope = LockSupport.getBlocker(owner) == scope || scope.ownerAwaitsThread();
                if (parked && inScope && !owner.isInterrupted() || gaveUp.get()) {
                    return;
                }
                LockSupport.parkNanos(100_000);
            }
        }

        @ParameterizedTest(name = "virtual owner: {0}")
        @ValueSource(booleans = {false, true})
        void anInterruptedJoinThrowsInterruptedExceptionAndCloseStillEndsTheSubtask(boolean virtualOwner) throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            AtomicInteger interrupted = new AtomicInteger();
            AtomicReference<ScopeImpl> scopeRef = new AtomicReference<>();
            AtomicReference<Subtask<String>> subtask = new AtomicReference<>();
            AtomicReference<Throwable> joinThrew = new AtomicReference<>(), unexpected = new AtomicReference<>();
            AtomicBoolean joinReturned = new AtomicBoolean();
            Thread owner = startOwner(virtualOwner, () -> {
                try (Scope scope = Weft.scope("interrupted-join").open()) {
                    scopeRef.set((ScopeImpl) scope);
                    subtask.set(scope.fork(blockUntilCancelled(started, interrupted)));
                    joinThrew.set(catchThrowable(scope::join));
                    joinReturned.set(true);
                }
            }, unexpected);
            started.await();
            awaitWaitingIn(scopeRef.get(), owner, joinReturned);
            owner.interrupt();
            owner.join();

            assertThat(unexpected.get()).isNull();
            assertThat(joinThrew.get()).isInstanceOf(InterruptedException.class)
                    .hasMessageContaining("interrupted while joining scope 'interrupted-join'");
            assertThat(interrupted).as("close cancelled the subtask the join left").hasValue(1);
            assertThat(subtask.get().state()).isEqualTo(Subtask.State.CANCELLED);
        }

        @ParameterizedTest(name = "virtual owner: {0}")
        @ValueSource(booleans = {false, true})
        void anInterruptDuringCloseDoesNotEndItsWaitAndIsKept(boolean virtualOwner) throws Exception {
            CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
            AtomicReference<ScopeImpl> scopeRef = new AtomicReference<>();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            AtomicBoolean closeReturned = new AtomicBoolean(), closedWhileSubtaskRan = new AtomicBoolean();
            AtomicBoolean interruptKept = new AtomicBoolean();
            Thread owner = startOwner(virtualOwner, () -> {
                try (Scope scope = Weft.scope("interrupted-close").open()) {
                    scopeRef.set((ScopeImpl) scope);
                    scope.fork(() -> {
                        started.countDown();
                        awaitUninterruptibly(release); // ignores the cancel close sends
                        closedWhileSubtaskRan.set(closeReturned.get());
                        return null;
                    });
                    started.await();
                } // close: cancels, then waits for the subtask
                closeReturned.set(true);
                interruptKept.set(Thread.currentThread().isInterrupted());
            }, unexpected);
            started.await();
            awaitWaitingIn(scopeRef.get(), owner, closeReturned);
            owner.interrupt();
            awaitWaitingIn(scopeRef.get(), owner, closeReturned); // took the interrupt and waits again
            release.countDown();
            owner.join();

            assertThat(unexpected.get()).isNull();
            assertThat(closedWhileSubtaskRan).as("close returned while the subtask ran").isFalse();
            assertThat(interruptKept).as("the interrupt is still set after close").isTrue();
        }
    }

    @Nested
    class Ownership {
        @Test
        void onlyTheOwnerMayJoinCloseOrCancel() throws Exception {
            try (Scope scope = Weft.scope("mine").open()) {
                for (Runnable op : List.<Runnable>of(() -> uncheckedJoin(scope), scope::close, scope::cancel)) {
                    AtomicReference<Throwable> seen = new AtomicReference<>();
                    Thread t = Thread.ofVirtual().start(() -> seen.set(catchThrowable(op::run)));
                    t.join();
                    assertThat(seen.get()).isInstanceOf(WrongThreadException.class).hasMessageContaining("scope 'mine'");
                }
                scope.join();
            }
        }

        @Test
        void anUnrelatedThreadMayNotFork() throws Exception {
            try (Scope scope = Weft.scope("mine").open()) {
                AtomicReference<Throwable> seen = new AtomicReference<>();
                Thread t = Thread.ofVirtual().start(() -> seen.set(catchThrowable(() -> scope.fork(() -> 1))));
                t.join();
                assertThat(seen.get()).isInstanceOf(WrongThreadException.class);
                scope.join();
            }
        }

        @Test
        void aSubtaskOfAnotherScopeMayNotFork() throws Exception {
            try (Scope a = Weft.scope("a").open()) {
                try (Scope b = Weft.scope("b").open()) {
                    Subtask<Throwable> s = b.fork(() -> catchThrowable(() -> a.fork(() -> 1)));
                    b.join();
                    assertThat(s.get()).isInstanceOf(WrongThreadException.class);
                }
                a.join();
            }
        }

        @Test
        void closingAnOuterScopeBeforeAnInnerOneIsRefused() throws Exception {
            Scope outer = Weft.scope("outer").open();
            Scope inner = Weft.scope("inner").open();
            assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("inner");
            inner.close();
            outer.close();
        }

        @Test
        void forkAfterJoinOrCloseIsRefused() throws Exception {
            Scope scope = Weft.scope("done").open();
            scope.join();
            assertThatThrownBy(() -> scope.fork(() -> 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("joined");
            scope.close();
            assertThatThrownBy(() -> scope.fork(() -> 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(scope::join).isInstanceOf(IllegalStateException.class);
            scope.close(); // idempotent
        }

        private void uncheckedJoin(Scope scope) {
            try {
                scope.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Nested
    class Shortcuts {
        @Test
        void allReturnsResultsInForkOrder() throws Exception {
            CountDownLatch laterOnesDone = new CountDownLatch(2); // the first task finishes last
            List<Integer> results = Weft.scope("all").all(List.of(() -> {
                laterOnesDone.await();
                return 1;
            }, () -> {
                laterOnesDone.countDown();
                return 2;
            }, () -> {
                laterOnesDone.countDown();
                return 3;
            }));
            assertThat(results).containsExactly(1, 2, 3);
        }

        @Test
        void allFailsFast() {
            Throwable e = catchThrowable(() -> Weft.scope("all").collectAll().all(List.of(() -> 1, () -> {
                throw new IllegalStateException("no");
            })));
            assertThat(e).isInstanceOf(ScopeFailedException.class).hasRootCauseMessage("no");
        }

        @Test
        void anyReturnsTheFirstSuccessAndCancelsTheRest() throws Exception {
            AtomicInteger interrupted = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(1);
            String winner = Weft.scope("any").any(List.of(blockUntilCancelled(started, interrupted), () -> {
                started.await();
                return "fast";
            }));
            assertThat(winner).isEqualTo("fast");
            assertThat(interrupted).hasValue(1);
        }

        @Test
        void anyWithEveryTaskFailedThrowsWithAllFailures() {
            Throwable e = catchThrowable(() -> Weft.scope("any").any(List.<Callable<String>>of(
                    () -> {
                        throw new IllegalStateException("a");
                    },
                    () -> {
                        throw new IllegalStateException("b");
                    })));
            assertThat(e).isInstanceOf(ScopeFailedException.class).hasMessageContaining("every task failed");
            List<String> messages = new ArrayList<>();
            messages.add(e.getCause().getMessage());
            for (Throwable s : e.getSuppressed()) {
                messages.add(s.getMessage());
            }
            assertThat(messages).containsExactlyInAnyOrder("a", "b");
        }

        @Test
        void callJoinsIfTheBodyDidNot() throws Exception {
            Throwable e = catchThrowable(() -> Weft.scope("call").call(scope -> {
                scope.fork(() -> {
                    throw new IllegalStateException("late");
                });
                return "body result";
            }));
            assertThat(e).isInstanceOf(ScopeFailedException.class).hasRootCauseMessage("late");
            int answer = Weft.scope("call").call(scope -> {
                Subtask<Integer> s = scope.fork(() -> 41);
                scope.join();
                return s.get() + 1;
            });
            assertThat(answer).isEqualTo(42);
        }

        @Test
        void aCheckedExceptionFromTheBodyIsWrapped() {
            Throwable e = catchThrowable(() -> Weft.scope("call").call(scope -> {
                throw new java.io.IOException("disk");
            }));
            assertThat(e).isInstanceOf(ScopeFailedException.class).hasCauseInstanceOf(java.io.IOException.class);
        }
    }

    @Nested
    class LongLived {
        @Test
        void aScopeThatKeepsForkingLetsGoOfSubtasksThatHaveEnded() throws Exception {
            // A server loop forking into one scope for good: once enough forks and enough time have
            // passed (PRUNE_EVERY, PRUNE_PERIOD_NANOS), ended subtasks are dropped while it stays open.
            List<WeakReference<Subtask<Integer>>> early = new ArrayList<>();
            ReferenceQueue<Subtask<Integer>> collected = new ReferenceQueue<>();
            try (Scope scope = Weft.scope("server").open()) {
                long start = System.nanoTime();
                for (int i = 0; i < 4 * ScopeImpl.PRUNE_EVERY || System.nanoTime() - start < 3 * ScopeImpl.PRUNE_PERIOD_NANOS; i++) {
                    Subtask<Integer> s = scope.fork(() -> 1);
                    assertThat(s.get()).isEqualTo(1);
                    if (i < ScopeImpl.PRUNE_EVERY) {
                        early.add(new WeakReference<>(s, collected));
                    }
                }
                int cleared = 0;
                System.gc();
                for (int idle = 0; cleared < early.size() / 2 && idle < 10; ) {
                    if (collected.remove(1_000) != null) {
                        cleared++;
                    } else {
                        idle++;
                        System.gc(); // nothing enqueued for a second: ask again
                    }
                }
                assertThat(cleared).as("early subtasks collected while the scope is open").isGreaterThanOrEqualTo(early.size() / 2);
                scope.join();
            }
        }
    }

    @Nested
    class NothingIsLost {
        @Test
        void failuresNobodyObservedGoToTheTaskFactoryHandlerAtClose() throws Exception {
            List<Failure> reported = new CopyOnWriteArrayList<>();
            TaskFactory tasks = Weft.tasks("quiet").onFailure(reported::add).build();
            try (Scope scope = Weft.scope("quiet").collectAll().tasks(tasks).open()) {
                scope.fork(() -> {
                    throw new IllegalStateException("unseen");
                });
                scope.join();
            }
            assertThat(reported).singleElement().satisfies(f -> {
                assertThat(f.throwable()).hasMessage("unseen");
                assertThat(f.scope()).isEqualTo("quiet");
            });
        }

        @Test
        void failuresThrownFromJoinAreNotReportedAgain() throws Exception {
            List<Failure> reported = new CopyOnWriteArrayList<>();
            TaskFactory tasks = Weft.tasks("seen").onFailure(reported::add).build();
            try (Scope scope = Weft.scope("seen").tasks(tasks).open()) {
                scope.fork(() -> {
                    throw new IllegalStateException("seen");
                });
                assertThatThrownBy(scope::join).isInstanceOf(ScopeFailedException.class);
            }
            assertThat(reported).isEmpty();
        }
    }

    @Nested
    class Context {
        private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

        @Test
        void aCarrierCarriesTheForkingThreadsValueIntoEverySubtask() throws Exception {
            ContextCarrier<String> carrier = new ContextCarrier<>() {
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
            REQUEST.set("req-7");
            try (Scope scope = Weft.scope("ctx").carry(carrier).open()) {
                Subtask<String> a = scope.fork(REQUEST::get);
                Subtask<String> nested = scope.fork(() -> scope.fork(REQUEST::get).get());
                scope.join();
                assertThat(a.get()).isEqualTo("req-7");
                assertThat(nested.get()).isEqualTo("req-7");
            } finally {
                REQUEST.remove();
            }
        }
    }

    @Nested
    class BadInput {
        @Test
        void argumentsAreCheckedByName() {
            assertThatThrownBy(() -> Weft.scope(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> Weft.scope("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> Weft.scope("s").deadline(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("timeout");
            assertThatThrownBy(() -> Weft.scope("s").deadline(Duration.ZERO)).hasMessageContaining("timeout must be positive, was PT0S");
            assertThatThrownBy(() -> Weft.scope("s").deadline(Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
            assertThatThrownBy(() -> Weft.scope("s").deadline(Duration.ofSeconds(Long.MAX_VALUE))).hasMessageContaining("too long");
            assertThatThrownBy(() -> Weft.scope("s").maxConcurrency(0)).hasMessageContaining("limit must be between 1 and").hasMessageContaining("was 0");
            assertThatThrownBy(() -> Weft.scope("s").maxConcurrency(-5)).hasMessageContaining("was -5");
            assertThatThrownBy(() -> Weft.scope("s").tasks(null)).hasMessageContaining("factory");
            assertThatThrownBy(() -> Weft.scope("s").call(null)).hasMessageContaining("body");
            assertThatThrownBy(() -> Weft.scope("s").all(null)).hasMessageContaining("tasks");
            assertThatThrownBy(() -> Weft.scope("s").any(List.of())).hasMessageContaining("tasks must not be empty");
            List<Callable<Integer>> withNull = new ArrayList<>();
            withNull.add(() -> 1);
            withNull.add(null);
            assertThatThrownBy(() -> Weft.scope("s").all(withNull)).hasMessageContaining("null at index 1");
        }

        @Test
        void nullTasksAreRefused() throws Exception {
            try (Scope scope = Weft.scope("s").open()) {
                assertThatThrownBy(() -> scope.fork((Callable<String>) null)).hasMessageContaining("task");
                assertThatThrownBy(() -> scope.fork((Runnable) null)).hasMessageContaining("task");
                scope.join();
            }
        }
    }
}
