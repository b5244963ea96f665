package dev.weft.impl.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ConsumerQueue;
import dev.weft.Failure;
import dev.weft.Overflow;
import dev.weft.Producer;
import dev.weft.QueueClosedException;
import dev.weft.QueueFullException;
import dev.weft.QueueStats;
import dev.weft.ShutdownReport;
import dev.weft.Weft;
import dev.weft.impl.shutdown.ShutdownCoordinatorImpl;
import dev.weft.impl.task.WaitPoint;
import dev.weft.impl.testing.ForeignTaskFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsumerQueueTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private final ShutdownCoordinatorImpl coordinator = ShutdownCoordinatorImpl.detached();
    private final List<ConsumerQueue<?>> opened = new ArrayList<>();
    /** Holds the consumer inside the handler of the first item until opened. */
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch firstTaken = new CountDownLatch(1);
    private final List<Object> seen = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeAll() {
        gate.countDown();
        opened.forEach(q -> q.close(LONG));
    }

    private QueueBuilderImpl builder(String name) {
        return ((QueueBuilderImpl) QueueBuilderImpl.create(name)).coordinator(coordinator);
    }

    private <T> ConsumerQueue<T> track(ConsumerQueue<T> q) {
        opened.add(q);
        return q;
    }

    /** A handler that records each item and holds the consumer on the first one until {@link #gate} opens. */
    private <T> Consumer<T> gatedRecorder() {
        return item -> {
            seen.add(item);
            if (firstTaken.getCount() > 0) {
                firstTaken.countDown();
                awaitUninterruptibly(gate);
            }
        };
    }

    /** Builds a gated queue and waits until its consumer holds the first item, so the ring is empty and exactly {@code capacity} more fit. */
    private ConsumerQueue<Integer> heldQueue(String name, int capacity, Overflow overflow) throws InterruptedException {
        ConsumerQueue<Integer> q = track(builder(name).capacity(capacity).whenFull(overflow).batchSize(1).consume(gatedRecorder()));
        q.put(-1);
        assertThat(firstTaken.await(30, TimeUnit.SECONDS)).isTrue();
        return q;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        for (;;) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitParkedOn(Thread t, String blockerText) {
        for (;;) {
            Object blocker = LockSupport.getBlocker(t);
            if (blocker instanceof WaitPoint w && w.describe().contains(blockerText)) {
                return;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Nested
    class Delivery {
        @Test
        void deliversEveryItemInAcceptanceOrder() throws Exception {
            List<Integer> got = new CopyOnWriteArrayList<>();
            ConsumerQueue<Integer> q = track(builder("order").capacity(64).consume(got::add));
            List<Integer> sent = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                q.put(i);
                sent.add(i);
            }
            ShutdownReport r = q.close(LONG);
            assertThat(got).containsExactlyElementsOf(sent);
            assertThat(r.clean()).isTrue();
            assertThat(q.stats().delivered()).isEqualTo(10_000);
        }

        @Test
        void batchConsumerGetsItemsInOrderAndNoBatchLargerThanBatchSize() throws Exception {
            List<List<Integer>> batches = new CopyOnWriteArrayList<>();
            ConsumerQueue<Integer> q = track(builder("batches").capacity(100).batchSize(7)
                    .consumeBatches((List<Integer> b) -> batches.add(b)));
            for (int i = 0; i < 5_000; i++) {
                q.put(i);
            }
            q.close(LONG);
            List<Integer> flat = batches.stream().flatMap(List::stream).toList();
            assertThat(flat).hasSize(5_000).isSorted();
            assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 7));
        }

        @Test
        void manyProducersEachItemExactlyOnceAndEachProducersItemsInItsOrder() throws Exception {
            ConcurrentLinkedQueue<Long> got = new ConcurrentLinkedQueue<>();
            ConsumerQueue<Long> q = track(builder("mpsc").capacity(16).consume(got::add));
            int producers = 4;
            int each = 20_000;
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long base = (long) p << 32;
                Producer<Long> view = q.producer();
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            view.put(base + i);
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(q.close(LONG).clean()).isTrue();
            assertThat(got).hasSize(producers * each);
            assertThat(new HashSet<>(got)).hasSize(producers * each);
            long[] last = new long[producers];
            java.util.Arrays.fill(last, -1);
            for (long v : got) {
                int p = (int) (v >>> 32);
                long i = v & 0xffffffffL;
                assertThat(i).isGreaterThan(last[p]);
                last[p] = i;
            }
        }

        @Test
        void consumerRunsOnAThreadOfTheGivenFactory() throws Exception {
            AtomicReference<Thread> consumer = new AtomicReference<>();
            ConsumerQueue<String> q = track(builder("thread").tasks(Weft.tasks("my-consumers").build())
                    .consume((String s) -> consumer.set(Thread.currentThread())));
            q.put("x");
            q.close(LONG);
            assertThat(consumer.get().getName()).startsWith("my-consumers-");
            assertThat(consumer.get().isVirtual()).isTrue();
        }

        @Test
        void statsCountAcceptedDeliveredAndWaiting() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("stats", 10, Overflow.BLOCK);
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            QueueStats s = q.stats();
            assertThat(s.accepted()).isEqualTo(6);
            assertThat(s.waiting()).isEqualTo(5);
            assertThat(s.delivered()).isZero();
            gate.countDown();
            q.close(LONG);
            s = q.stats();
            assertThat(s.delivered()).isEqualTo(6);
            assertThat(s.waiting()).isZero();
            assertThat(s.accepted()).isEqualTo(s.delivered() + s.failed() + s.undelivered() + s.waiting());
        }
    }

    @Nested
    class Overflows {
        @Test
        void blockMakesPutWaitOnAWaitPointOwnedByTheConsumerUntilThereIsRoom() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("block", 2, Overflow.BLOCK);
            q.put(1);
            q.put(2);
            assertThat(q.offer(3)).isFalse();
            Thread producer = Thread.ofVirtual().start(() -> {
                try {
                    q.put(3);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            awaitParkedOn(producer, "put on full queue 'block'");
            WaitPoint w = (WaitPoint) LockSupport.getBlocker(producer);
            assertThat(w.owners()).containsExactly(((ConsumerQueueImpl<?>) q).consumerThread());
            gate.countDown();
            producer.join();
            q.close(LONG);
            assertThat(seen).containsExactly(-1, 1, 2, 3);
            assertThat(q.stats().refused()).isEqualTo(1);
        }

        @Test
        void timedOfferGivesUpAfterItsTimeoutAndSucceedsWhenRoomComes() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("timed", 1, Overflow.BLOCK);
            q.put(1);
            assertThat(q.offer(2, Duration.ofMillis(20))).isFalse();
            Thread opener = Thread.ofVirtual().start(gate::countDown);
            assertThat(q.offer(3, LONG)).isTrue();
            opener.join();
            q.close(LONG);
            assertThat(seen).containsExactly(-1, 1, 3);
        }

        @Test
        void putWaitingForRoomIsInterruptible() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("interruptible", 1, Overflow.BLOCK);
            q.put(1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread producer = Thread.ofVirtual().start(() -> {
                try {
                    q.put(2);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            awaitParkedOn(producer, "put on full queue");
            producer.interrupt();
            producer.join();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            gate.countDown();
            q.close(LONG);
            assertThat(seen).containsExactly(-1, 1);
        }

        @Test
        void dropNewestDropsAndCountsTheNewItem() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("drop-newest", 2, Overflow.DROP_NEWEST);
            q.put(1);
            q.put(2);
            q.put(3);
            assertThat(q.offer(4)).isFalse();
            gate.countDown();
            q.close(LONG);
            assertThat(seen).containsExactly(-1, 1, 2);
            assertThat(q.stats().dropped()).isEqualTo(2);
        }

        @Test
        void dropOldestDropsAndCountsTheOldestWaitingItem() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("drop-oldest", 2, Overflow.DROP_OLDEST);
            q.put(1);
            q.put(2);
            q.put(3);
            assertThat(q.offer(4)).isTrue();
            gate.countDown();
            q.close(LONG);
            assertThat(seen).containsExactly(-1, 3, 4);
            QueueStats s = q.stats();
            assertThat(s.dropped()).isEqualTo(2);
            assertThat(s.accepted()).isEqualTo(5);
        }

        @Test
        void failThrowsQueueFullExceptionAndCountsTheRefusal() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("fail", 1, Overflow.FAIL);
            q.put(1);
            assertThatThrownBy(() -> q.put(2)).isInstanceOf(QueueFullException.class).hasMessageContaining("'fail'");
            assertThatThrownBy(() -> q.offer(3)).isInstanceOf(QueueFullException.class);
            assertThat(q.stats().refused()).isEqualTo(2);
        }

        @Test
        void callerRunsHandsTheItemToTheHandlerOnTheCallingThread() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("caller-runs", 1, Overflow.CALLER_RUNS);
            q.put(1);
            q.put(2); // full: runs here, on this thread, while the consumer is held on item -1
            assertThat(seen).containsExactly(-1, 2); // so it was handled before put returned
            assertThat(q.stats().delivered()).isEqualTo(1);
            gate.countDown();
            q.close(LONG);
            assertThat(seen).containsExactly(-1, 2, 1);
        }
    }

    @Nested
    class Closing {
        @Test
        void afterClosePutThrowsAndOfferAnswersFalse() {
            ConsumerQueue<String> q = track(builder("closed").consume((String s) -> { }));
            q.close();
            assertThat(q.isClosed()).isTrue();
            assertThatThrownBy(() -> q.put("x")).isInstanceOf(QueueClosedException.class).hasMessageContaining("'closed'");
            assertThat(q.offer("y")).isFalse();
            assertThat(q.stats().refused()).isEqualTo(2);
        }

        @Test
        void closeDoesNotWaitForRoomAndRefusesTheProducersBlockedOnAFullQueue() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("full-close", 1, Overflow.BLOCK);
            q.put(1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread producer = Thread.ofVirtual().start(() -> {
                try {
                    q.put(2);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            awaitParkedOn(producer, "put on full queue");
            AtomicReference<ShutdownReport> report = new AtomicReference<>();
            Thread closer = Thread.ofVirtual().start(() -> report.set(q.close(LONG)));
            producer.join(); // woken by the close, not by room
            assertThat(thrown.get()).isInstanceOf(QueueClosedException.class);
            assertThat(q.isClosed()).isTrue();
            gate.countDown();
            closer.join();
            assertThat(seen).containsExactly(-1, 1);
            assertThat(report.get().clean()).isTrue();
            assertThat(report.get().delivered()).isEqualTo(2);
        }

        @Test
        void everyItemAcceptedBeforeCloseIsDelivered() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("drain", 10_000, Overflow.BLOCK);
            for (int i = 0; i < 10_000; i++) {
                q.put(i);
            }
            Thread opener = Thread.ofVirtual().start(gate::countDown);
            ShutdownReport r = q.close(LONG);
            opener.join();
            assertThat(r.clean()).isTrue();
            assertThat(r.undelivered()).isZero();
            assertThat(seen).hasSize(10_001);
            assertThat(q.stats().delivered()).isEqualTo(10_001);
        }

        @Test
        void anIdleQueueEndsItsConsumerOnClose() throws Exception {
            ConsumerQueue<String> q = track(builder("idle").consume((String s) -> { }));
            q.put("one");
            ShutdownReport r = q.close(LONG);
            assertThat(r.clean()).isTrue();
            assertThat(q.awaitTermination(Duration.ZERO)).isTrue();
            assertThat(((ConsumerQueueImpl<?>) q).consumerThread()).isNull();
        }

        @Test
        void anIdleConsumerParksOnAWaitPointNamingTheQueue() throws Exception {
            CountDownLatch handled = new CountDownLatch(1);
            AtomicReference<Thread> consumer = new AtomicReference<>();
            ConsumerQueue<String> q = track(builder("parked").consume((String s) -> {
                consumer.set(Thread.currentThread());
                handled.countDown();
            }));
            q.put("x");
            handled.await();
            awaitParkedOn(consumer.get(), "take on empty queue 'parked'");
            assertThat(((WaitPoint) LockSupport.getBlocker(consumer.get())).owners()).isEmpty();
        }

        @Test
        void pastTheTimeoutTheConsumerIsInterruptedAndTheRestGoesToTheOrphanHandlerInOrder() throws Exception {
            List<Object> orphans = new CopyOnWriteArrayList<>();
            CountDownLatch entered = new CountDownLatch(1);
            ConsumerQueue<Integer> q = track(builder("forced").capacity(100).batchSize(10)
                    .onOrphans(orphans::addAll)
                    .consume((Integer i) -> {
                        entered.countDown();
                        try {
                            new CountDownLatch(1).await(); // hangs until interrupted
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
            for (int i = 0; i < 50; i++) {
                q.put(i);
            }
            entered.await();
            ShutdownReport r = q.close(Duration.ofMillis(50));
            assertThat(r.undelivered()).isEqualTo(49);
            assertThat(orphans).containsExactlyElementsOf(java.util.stream.IntStream.range(1, 50).boxed().toList());
            assertThat(q.awaitTermination(LONG)).isTrue();
            QueueStats s = q.stats();
            assertThat(s.undelivered()).isEqualTo(49);
            assertThat(s.delivered() + s.failed() + s.undelivered()).isEqualTo(s.accepted());
        }

        @Test
        void aHandlerThatIgnoresTheInterruptIsReportedStuckWithItsStackAndInFlight() throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Object> orphans = new CopyOnWriteArrayList<>();
            ConsumerQueue<Integer> q = track(builder("stuck").onOrphans(orphans::addAll).consume((Integer i) -> {
                entered.countDown();
                awaitUninterruptibly(release);
            }));
            q.put(1);
            q.put(2);
            entered.await();
            ShutdownReport r = q.close(Duration.ofMillis(20));
            release.countDown();
            assertThat(r.inFlight()).isEqualTo(1);
            assertThat(r.undelivered()).isEqualTo(1);
            assertThat(orphans).containsExactly(2);
            assertThat(r.stuck()).singleElement().satisfies(t -> {
                assertThat(t.name()).startsWith("stuck-");
                assertThat(t.describe()).contains("awaitUninterruptibly");
            });
            assertThat(r.clean()).isFalse();
        }

        @Test
        void anInterruptedCloserForcesAtOnceAndKeepsItsInterrupt() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("interrupted-close", 10, Overflow.BLOCK);
            q.put(1);
            Thread.currentThread().interrupt();
            ShutdownReport r = q.close(LONG);
            assertThat(Thread.interrupted()).isTrue();
            assertThat(r.undelivered()).isEqualTo(1);
        }

        @Test
        void closingTwiceIsHarmless() {
            ConsumerQueue<String> q = track(builder("twice").consume((String s) -> { }));
            assertThat(q.close(LONG).clean()).isTrue();
            assertThat(q.close(LONG).clean()).isTrue();
        }

        @Test
        void theConsumerMayCloseItsOwnQueueWithoutWaitingForItself() throws Exception {
            AtomicReference<ConsumerQueue<Integer>> self = new AtomicReference<>();
            List<Integer> got = new CopyOnWriteArrayList<>();
            CountDownLatch built = new CountDownLatch(1);
            ConsumerQueue<Integer> q = track(builder("self-close").capacity(10).consume((Integer i) -> {
                awaitUninterruptibly(built);
                got.add(i);
                if (i == 1) {
                    self.get().close(LONG);
                }
            }));
            self.set(q);
            q.put(1);
            q.put(2);
            built.countDown();
            assertThat(q.awaitTermination(LONG)).isTrue();
            assertThat(got).containsExactly(1, 2);
        }
    }

    @Nested
    class Failures {
        @Test
        void aHandlerThatThrowsIsReportedCountedAndTheConsumerGoesOn() throws Exception {
            List<Failure> failures = new CopyOnWriteArrayList<>();
            List<Integer> got = new CopyOnWriteArrayList<>();
            ConsumerQueue<Integer> q = track(builder("throws").tasks(Weft.tasks("throws").onFailure(failures::add).build())
                    .consume((Integer i) -> {
                        if (i == 3) {
                            throw new IllegalStateException("bad item " + i);
                        }
                        got.add(i);
                    }));
            for (int i = 0; i < 6; i++) {
                q.put(i);
            }
            q.close(LONG);
            assertThat(got).containsExactly(0, 1, 2, 4, 5);
            assertThat(failures).singleElement().satisfies(f -> assertThat(f.throwable()).hasMessage("bad item 3"));
            assertThat(q.stats().failed()).isEqualTo(1);
            assertThat(q.stats().delivered()).isEqualTo(5);
        }

        @Test
        void aConsumerKilledByAnErrorIsRestartedAndNoProducerIsLeftWaiting() throws Exception {
            List<Failure> failures = new CopyOnWriteArrayList<>();
            Set<Thread> consumers = Collections.synchronizedSet(new HashSet<>());
            List<Integer> got = new CopyOnWriteArrayList<>();
            ConsumerQueue<Integer> q = track(builder("dies").capacity(1).tasks(Weft.tasks("dies").onFailure(failures::add).build())
                    .consume((Integer i) -> {
                        consumers.add(Thread.currentThread());
                        if (i % 10 == 0) {
                            throw new AssertionError("fatal on " + i);
                        }
                        got.add(i);
                    }));
            for (int i = 0; i < 100; i++) {
                q.put(i); // capacity 1: each put needs the (restarted) consumer
            }
            q.close(LONG);
            assertThat(got).hasSize(90);
            assertThat(failures).hasSize(10).allSatisfy(f -> assertThat(f.throwable()).isInstanceOf(AssertionError.class));
            assertThat(consumers).hasSizeGreaterThanOrEqualTo(10);
            assertThat(q.stats().failed()).isEqualTo(10);
        }

        @Test
        void aThrowingOrphanHandlerIsLoggedNotPropagated() throws Exception {
            ConsumerQueue<Integer> q = track(builder("bad-orphans").capacity(10).onOrphans(l -> {
                throw new IllegalStateException("disk full");
            }).consume(gatedRecorder()));
            q.put(1);
            q.put(2);
            firstTaken.await();
            Thread.currentThread().interrupt(); // force at once
            ShutdownReport r = q.close(LONG);
            Thread.interrupted();
            assertThat(r.undelivered()).isEqualTo(1);
        }
    }

    @Nested
    class Authority {
        @Test
        void theProducerViewCanSendButNotClose() throws Exception {
            List<String> got = new CopyOnWriteArrayList<>();
            ConsumerQueue<String> q = track(builder("authority").consume(got::add));
            Producer<String> p = q.producer();
            assertThat(p).isNotInstanceOf(ConsumerQueue.class).isNotInstanceOf(AutoCloseable.class);
            p.put("a");
            assertThat(p.offer("b")).isTrue();
            assertThat(p.offer("c", LONG)).isTrue();
            q.close(LONG);
            assertThat(got).containsExactly("a", "b", "c");
            assertThatThrownBy(() -> p.put("d")).isInstanceOf(QueueClosedException.class);
        }
    }

    @Nested
    class ForgottenClose {
        @Test
        void theShutdownCoordinatorDrainsAQueueNobodyClosed() throws Exception {
            ConsumerQueue<Integer> q = heldQueue("at-exit", 1_000, Overflow.BLOCK);
            for (int i = 0; i < 1_000; i++) {
                q.put(i);
            }
            gate.countDown();
            coordinator.runNow();
            assertThat(q.isClosed()).isTrue();
            assertThat(q.awaitTermination(Duration.ZERO)).isTrue();
            assertThat(seen).hasSize(1_001);
        }

        @Test
        void aQueueUnreachableWithItsProducersIsClosedByTheCleanerAfterDeliveringEverything() throws Exception {
            CountDownLatch delivered = new CountDownLatch(1_000);
            dev.weft.TaskFactory tasks = Weft.tasks("cleaned").build();
            fillAndForget(tasks, delivered);
            assertThat(delivered.await(30, TimeUnit.SECONDS)).isTrue();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (tasks.running() > 0 && System.nanoTime() < until) {
                System.gc();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the GC gives no signal to wait for
            }
            assertThat(tasks.running()).as("the consumer ended, so the Cleaner closed the queue").isZero();
        }

        @Test
        void aClosedQueueWhoseConsumerRefersToItIsGarbageOnceItsOwnerLetsGo() throws Exception {
            // A handler object that owns its queue and consumes with one of its own methods: the
            // consumer refers to the queue, so only dropping the Cleaner registration at close frees it.
            final class SelfReferringHandler {
                final ConsumerQueue<Integer> queue = builder("self-referring").consume(this::handle);
                int handled;

                void handle(Integer item) {
                    handled += item; // the consumer reaches the queue through this object
                }
            }
            SelfReferringHandler handler = new SelfReferringHandler();
            handler.queue.put(1);
            handler.queue.close(LONG);
            WeakReference<ConsumerQueue<Integer>> gone = new WeakReference<>(handler.queue);
            handler = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (gone.get() != null && System.nanoTime() < until) {
                System.gc();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the GC gives no signal to wait for
            }
            assertThat(gone.get()).as("the closed queue was collected").isNull();
        }

        private void fillAndForget(dev.weft.TaskFactory tasks, CountDownLatch delivered) throws InterruptedException {
            ConsumerQueue<Integer> q = builder("cleaned").tasks(tasks).capacity(1_000)
                    .consume((Integer i) -> delivered.countDown());
            Producer<Integer> p = q.producer();
            for (int i = 0; i < 1_000; i++) {
                p.put(i);
            }
        }

        @Test
        void closeWhenOwnerEndsClosesWhenTheBuildingThreadEnds() throws Exception {
            List<Integer> got = new CopyOnWriteArrayList<>();
            AtomicReference<ConsumerQueue<Integer>> ref = new AtomicReference<>();
            Thread owner = Thread.ofVirtual().start(() -> {
                ConsumerQueue<Integer> q = builder("owned").closeWhenOwnerEnds().consume(got::add);
                ref.set(q);
                for (int i = 0; i < 100; i++) {
                    q.offer(i);
                }
            });
            owner.join();
            assertThat(ref.get().awaitTermination(LONG)).isTrue();
            assertThat(ref.get().isClosed()).isTrue();
            assertThat(got).hasSize(100);
        }
    }

    @Nested
    class BadInput {
        @Test
        void rejectsBadSettingsNamingTheParameterAndValue() {
            assertThatThrownBy(() -> builder("x").capacity(0)).hasMessageContaining("capacity").hasMessageContaining("0");
            assertThatThrownBy(() -> builder("x").capacity(-5)).hasMessageContaining("capacity").hasMessageContaining("-5");
            assertThatThrownBy(() -> builder("x").batchSize(0)).hasMessageContaining("size");
            assertThatThrownBy(() -> builder("x").drainTimeout(Duration.ZERO)).hasMessageContaining("timeout");
            assertThatThrownBy(() -> builder("x").drainTimeout(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> builder("x").whenFull(null)).hasMessageContaining("policy");
            assertThatThrownBy(() -> builder("x").onOrphans(null)).hasMessageContaining("handler");
            assertThatThrownBy(() -> builder("x").tasks(new ForeignTaskFactory())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> builder("x").consume(null)).hasMessageContaining("consumer");
            assertThatThrownBy(() -> QueueBuilderImpl.create(" ")).hasMessageContaining("name");
        }

        @Test
        void rejectsNullItemsAndNegativeTimeouts() {
            ConsumerQueue<String> q = track(builder("nulls").consume((String s) -> { }));
            assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("item");
            assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> q.offer("x", Duration.ofSeconds(-1))).hasMessageContaining("timeout");
            assertThatThrownBy(() -> q.close(Duration.ofSeconds(-1))).hasMessageContaining("timeout");
            assertThat(q.stats().accepted()).isZero();
        }
    }
}
