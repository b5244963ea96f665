package dev.weft.impl.deadlock;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.weft.BlockedThread;
import dev.weft.ConsumerQueue;
import dev.weft.Deadlock;
import dev.weft.DeadlockException;
import dev.weft.DeadlockReport;
import dev.weft.Scope;
import dev.weft.ScopeTimeoutException;
import dev.weft.Subtask;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import dev.weft.impl.scope.ScopeImpl;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * The scenario corpus: each scenario is a small real program, run alone in a child JVM by
 * {@link DeadlockScenariosTest}. It sets its threads up, waits (on thread states, never on time) until
 * they are where the scenario needs them, runs the detector, and prints:
 * <pre>
 *   EXPECT name,name,...          the threads that are deadlocked (deadlock scenarios)
 *   DEADLOCK KIND name,name,...   one line per deadlock the detector reported
 *   JOIN DeadlockException        when a scope's join() threw it
 *   DONE
 * </pre>
 * The text report goes to standard error. The JVM halts at the end (deadlocked threads never end).
 */
public final class ScenarioMain {
    static final DeadlockDetectorImpl DETECTOR =
            new DeadlockDetectorImpl(Duration.ofMillis(100), Duration.ofMillis(600), Duration.ZERO);

    public static void main(String[] args) throws Exception {
        Thread guard = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(90_000);
                System.out.println("HANG");
                System.out.flush();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        switch (args[0]) {
            case "rl-cycle" -> rlCycle();
            case "sync-cycle" -> syncCycle();
            case "mixed-cycle" -> mixedCycle();
            case "three-cycle" -> threeCycle();
            case "rw-cycle" -> rwCycle();
            case "platform-rl-cycle" -> platformRlCycle();
            case "philosophers" -> philosophers();
            case "get-each-other" -> getEachOther(true);
            case "get-each-other-detection-off" -> getEachOther(false);
            case "get-each-other-virtual-owner" -> getEachOtherVirtualOwner();
            case "nested-scopes" -> nestedScopes();
            case "permit-self" -> permitSelf();
            case "weft-and-monitor" -> weftAndMonitor(false);
            case "weft-and-monitor-platform-owner" -> weftAndMonitor(true);
            case "lost-wakeup" -> lostWakeup();
            case "full-queue-monitor" -> fullQueueMonitor();
            case "full-queue-get" -> fullQueueGet();
            case "dump-file-raw-threads" -> dumpFileRawThreads();
            case "timed-trylock" -> timedTryLock();
            case "socket-reads" -> socketReads();
            case "idle-consumer" -> idleConsumer();
            case "long-sleep-holder" -> longSleepHolder();
            case "contention" -> contention();
            case "busy-scope" -> busyScope();
            case "chain-resolves" -> chainResolves();
            case "timed-wait-scope" -> timedWaitScope();
            case "deadline-scope" -> deadlineScope();
            case "bare-park" -> barePark();
            case "hold-sync-cycle" -> holdSyncCycle();
            case "watch" -> watch();
            default -> throw new IllegalArgumentException("no scenario " + args[0]);
        }
        guard.interrupt();
        System.out.println("DONE");
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    // ---- deadlocks ----

    static void rlCycle() {
        TaskFactory f = Weft.tasks("rl").build();
        ReentrantLock l1 = new ReentrantLock(), l2 = new ReentrantLock();
        CountDownLatch both = new CountDownLatch(2);
        Thread a = f.start(() -> lockBoth(l1, l2, both));
        Thread b = f.start(() -> lockBoth(l2, l1, both));
        await(() -> parkedOn(a, l2) && parkedOn(b, l1));
        expect(a, b);
        report(DETECTOR.scan());
    }

    static void syncCycle() {
        TaskFactory f = Weft.tasks("sync").build();
        Object m1 = new Object(), m2 = new Object();
        CountDownLatch both = new CountDownLatch(2);
        Thread a = f.start(() -> syncBoth(m1, m2, both));
        Thread b = f.start(() -> syncBoth(m2, m1, both));
        await(() -> blocked(a) && blocked(b));
        expect(a, b);
        report(DETECTOR.scan());
    }

    static void mixedCycle() {
        TaskFactory platform = Weft.tasks("mixed-platform").platform(true).build();
        TaskFactory virtual = Weft.tasks("mixed-virtual").build();
        Object m1 = new Object(), m2 = new Object();
        CountDownLatch both = new CountDownLatch(2);
        Thread a = platform.start(() -> syncBoth(m1, m2, both));
        Thread b = virtual.start(() -> syncBoth(m2, m1, both));
        await(() -> blocked(a) && blocked(b));
        expect(a, b);
        report(DETECTOR.scan());
    }

    static void threeCycle() {
        TaskFactory f = Weft.tasks("ring").build();
        Object[] m = {new Object(), new Object(), new Object()};
        CountDownLatch all = new CountDownLatch(3);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Object first = m[i], second = m[(i + 1) % 3];
            ts.add(f.start(() -> syncBoth(first, second, all)));
        }
        await(() -> ts.stream().allMatch(ScenarioMain::blocked));
        expect(ts.toArray(Thread[]::new));
        report(DETECTOR.scan());
    }

    static void rwCycle() {
        TaskFactory f = Weft.tasks("rw").build();
        ReentrantReadWriteLock r1 = new ReentrantReadWriteLock(), r2 = new ReentrantReadWriteLock();
        CountDownLatch both = new CountDownLatch(2);
        Thread a = f.start(() -> readThenWrite(r1, r2, both));
        Thread b = f.start(() -> readThenWrite(r2, r1, both));
        await(() -> waiting(a) && waiting(b) && LockSupport.getBlocker(a) != null && LockSupport.getBlocker(b) != null);
        expect(a, b);
        report(DETECTOR.scan());
    }

    static void platformRlCycle() {
        TaskFactory f = Weft.tasks("prl").platform(true).build();
        ReentrantLock l1 = new ReentrantLock(), l2 = new ReentrantLock();
        CountDownLatch both = new CountDownLatch(2);
        Thread a = f.start(() -> lockBoth(l1, l2, both));
        Thread b = f.start(() -> lockBoth(l2, l1, both));
        await(() -> parkedOn(a, l2) && parkedOn(b, l1));
        expect(a, b);
        report(DETECTOR.scan());
    }

    static void philosophers() {
        TaskFactory f = Weft.tasks("philosopher").build();
        int n = 5;
        Object[] forks = new Object[n];
        Arrays.setAll(forks, i -> new Object());
        CountDownLatch seated = new CountDownLatch(n);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object left = forks[i], right = forks[(i + 1) % n];
            ts.add(f.start(() -> syncBoth(left, right, seated)));
        }
        await(() -> ts.stream().allMatch(ScenarioMain::blocked));
        expect(ts.toArray(Thread[]::new));
        report(DETECTOR.scan());
    }

    /** Two subtasks each wait for the other's result; the owner joins. */
    static void getEachOther(boolean detection) throws Exception {
        AtomicReference<Subtask<String>> ra = new AtomicReference<>(), rb = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        if (detection) {
            joinPairWaitingOnEachOther();
            return;
        }
        AtomicReference<Thread> owner = new AtomicReference<>();
        Weft.tasks("pair-owner").build().start(() -> {
            owner.set(Thread.currentThread());
            try (Scope scope = Weft.scope("pair").detectDeadlocks(false).open()) {
                ra.set(scope.fork(() -> { forked.await(); return rb.get().get(); }));
                rb.set(scope.fork(() -> { forked.await(); return ra.get().get(); }));
                forked.countDown();
                scope.join();
                System.out.println("JOIN returned");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> rb.get() != null && owner.get() != null && waiting(owner.get()));
        expectNames(ra.get().name(), rb.get().name(), owner.get().getName());
        report(DETECTOR.scan());
    }

    /**
     * As get-each-other, with a Weft task (a virtual thread) as the owner: the watchdog's verdict must
     * reach it in join, and nothing of the wake-up (no interrupt) may outlive the join.
     */
    static void getEachOtherVirtualOwner() throws Exception {
        Weft.tasks("pair-owner").build().start(() -> {
            try {
                joinPairWaitingOnEachOther();
            } catch (InterruptedException e) {
                System.out.println("JOIN InterruptedException");
            }
        }).join();
    }

    /**
     * On the calling thread, opens scope 'pair' with two subtasks that each wait for the other's
     * result, joins it, and prints what join did (and, after a DeadlockException, whether the
     * calling thread is left interrupted).
     */
    static void joinPairWaitingOnEachOther() throws InterruptedException {
        AtomicReference<Subtask<String>> ra = new AtomicReference<>(), rb = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        try (Scope scope = Weft.scope("pair").open()) {
            ra.set(scope.fork(() -> { forked.await(); return rb.get().get(); }));
            rb.set(scope.fork(() -> { forked.await(); return ra.get().get(); }));
            forked.countDown();
            expectNames(ra.get().name(), rb.get().name(), Thread.currentThread().getName());
            try {
                scope.join();
                System.out.println("JOIN returned");
            } catch (DeadlockException e) {
                System.out.println("JOIN DeadlockException");
                System.out.println("INTERRUPTED " + Thread.currentThread().isInterrupted());
                report(e.report());
            }
        }
    }

    /** Outer scope's subtask opens an inner scope whose two subtasks wait for each other. */
    static void nestedScopes() throws Exception {
        AtomicReference<Subtask<String>> ra = new AtomicReference<>(), rb = new AtomicReference<>();
        AtomicReference<Thread> middle = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        try (Scope outer = Weft.scope("outer").open()) {
            outer.fork(() -> {
                middle.set(Thread.currentThread());
                try (Scope inner = Weft.scope("inner").open()) {
                    ra.set(inner.fork(() -> { forked.await(); return rb.get().get(); }));
                    rb.set(inner.fork(() -> { forked.await(); return ra.get().get(); }));
                    forked.countDown();
                    inner.join();
                }
                return "done";
            });
            await(() -> rb.get() != null);
            expectNames(ra.get().name(), rb.get().name(), middle.get().getName());
            try {
                outer.join();
                System.out.println("JOIN returned");
            } catch (RuntimeException e) {
                for (Throwable c = e; c != null; c = c.getCause()) {
                    if (c instanceof DeadlockException d) {
                        System.out.println("JOIN DeadlockException");
                        report(d.report());
                        break;
                    }
                }
            }
        }
    }

    /** maxConcurrency(1): the one running subtask forks again and waits for a permit only it holds. */
    static void permitSelf() throws Exception {
        AtomicReference<Thread> a = new AtomicReference<>();
        try (Scope scope = Weft.scope("permits").maxConcurrency(1).open()) {
            scope.fork(() -> {
                a.set(Thread.currentThread());
                return scope.fork(() -> "never").get();
            });
            await(() -> a.get() != null && waiting(a.get()));
            expect(a.get(), Thread.currentThread());
            try {
                scope.join();
                System.out.println("JOIN returned");
            } catch (DeadlockException e) {
                System.out.println("JOIN DeadlockException");
                report(e.report());
            }
        }
    }

    /**
     * A subtask holds a monitor and waits for a sibling's result; the sibling waits to enter the monitor.
     * The owner joining them is a Weft task, or a platform thread (which waits on a subtask thread's
     * termination latch: a JDK dump shows that latch, the registry the join).
     */
    static void weftAndMonitor(boolean platformOwner) {
        Object monitor = new Object();
        AtomicReference<Subtask<String>> rb = new AtomicReference<>();
        AtomicReference<Thread> a = new AtomicReference<>(), b = new AtomicReference<>(), owner = new AtomicReference<>();
        CountDownLatch held = new CountDownLatch(1);
        AtomicReference<Scope> joined = new AtomicReference<>();
        Runnable joiner = () -> {
            owner.set(Thread.currentThread());
            try (Scope scope = Weft.scope("wm").open()) {
                joined.set(scope);
                CountDownLatch forked = new CountDownLatch(1);
                scope.fork(() -> {
                    a.set(Thread.currentThread());
                    synchronized (monitor) {
                        held.countDown();
                        forked.await();
                        return rb.get().get();
                    }
                });
                rb.set(scope.fork(() -> {
                    b.set(Thread.currentThread());
                    held.await();
                    synchronized (monitor) {
                        return "b";
                    }
                }));
                forked.countDown();
                scope.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        if (platformOwner) {
            Thread.ofPlatform().name("wm-owner-platform").daemon(true).start(joiner);
        } else {
            Weft.tasks("wm-owner").build().start(joiner);
        }
        await(() -> a.get() != null && b.get() != null && waiting(a.get()) && blocked(b.get())
                && (waiting(owner.get()) || joined.get() instanceof ScopeImpl s && s.ownerAwaitsThread()));
        expect(a.get(), b.get(), owner.get());
        report(DETECTOR.scan());
    }

    /**
     * The lost wake-up (the Stackless story): the signal is sent before the waiter waits, so the waiter
     * sleeps for good, and so does the owner joining its scope. Not provable (anyone might still notify):
     * reported as a suspected stall of the scope.
     */
    static void lostWakeup() {
        Object mailbox = new Object();
        AtomicReference<Thread> waiter = new AtomicReference<>(), owner = new AtomicReference<>(), signaller = new AtomicReference<>();
        Weft.tasks("lw-owner").build().start(() -> {
            owner.set(Thread.currentThread());
            try (Scope scope = Weft.scope("handover").open()) {
                CountDownLatch signalled = new CountDownLatch(1);
                scope.fork(() -> {
                    signaller.set(Thread.currentThread());
                    synchronized (mailbox) {
                        mailbox.notifyAll(); // the result is handed over ...
                    }
                    signalled.countDown();
                });
                scope.fork(() -> {
                    waiter.set(Thread.currentThread());
                    signalled.await(); // ... before its waiter waits
                    synchronized (mailbox) {
                        mailbox.wait();
                    }
                    return null;
                });
                scope.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> waiter.get() != null && owner.get() != null && waiting(waiter.get()) && waiting(owner.get())
                && signaller.get() != null && !signaller.get().isAlive());
        expect(waiter.get(), owner.get());
        report(DETECTOR.scan());
    }

    /**
     * A producer holds a monitor while it puts into a full Weft queue; the queue's consumer needs that
     * monitor to handle the item it took. The producer waits for room only the consumer can make (the
     * queue's "put on full queue" wait point names the consumer as owner), the consumer waits for the
     * monitor the producer holds: a cycle through a Weft primitive and a monitor.
     */
    static void fullQueueMonitor() throws Exception {
        Object monitor = new Object();
        AtomicReference<Thread> consumer = new AtomicReference<>();
        CountDownLatch handling = new CountDownLatch(1);
        ConsumerQueue<Integer> queue = Weft.queue("fq-monitor").capacity(1).consume(item -> {
            consumer.set(Thread.currentThread());
            handling.countDown();
            synchronized (monitor) {
                System.out.println("UNEXPECTED consumer got the monitor");
            }
        });
        Thread producer = Weft.tasks("fq-producer").build().start(() -> {
            synchronized (monitor) {
                try {
                    queue.put(1);          // taken by the consumer, which then blocks on the monitor
                    handling.await();
                    queue.put(2);          // fills the one slot
                    queue.put(3);          // waits for room: the consumer never makes any
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        await(() -> consumer.get() != null && blocked(consumer.get()) && waiting(producer)
                && LockSupport.getBlocker(producer) != null);
        expect(producer, consumer.get());
        report(DETECTOR.scan());
    }

    /**
     * A producer subtask puts into a full Weft queue whose consumer waits, in its handler, for that
     * very subtask's result ({@code Subtask.get}), and the scope's owner joins. Every wait is a Weft
     * wait point that names its owner, so it is proven from the registry alone; as the owner joining
     * is asleep too, it is the whole group that is reported, as ALL_ASLEEP.
     */
    static void fullQueueGet() throws Exception {
        AtomicReference<Subtask<String>> producerTask = new AtomicReference<>();
        AtomicReference<Thread> consumer = new AtomicReference<>(), producer = new AtomicReference<>(),
                owner = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        ConsumerQueue<Integer> queue = Weft.queue("fq-get").capacity(1).consume(item -> {
            consumer.set(Thread.currentThread());
            try {
                forked.await();
                producerTask.get().get(); // the handler waits for the producer's result
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Weft.tasks("fq-owner").build().start(() -> {
            owner.set(Thread.currentThread());
            try (Scope scope = Weft.scope("fq").detectDeadlocks(false).open()) {
                producerTask.set(scope.fork(() -> {
                    producer.set(Thread.currentThread());
                    for (int i = 0; ; i++) {
                        queue.put(i); // the first is taken, the second fills the slot, the third waits for good
                    }
                }));
                forked.countDown();
                scope.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> consumer.get() != null && producer.get() != null && owner.get() != null
                && waiting(consumer.get()) && waiting(producer.get()) && waiting(owner.get())
                && LockSupport.getBlocker(producer.get()) != null && LockSupport.getBlocker(consumer.get()) != null);
        expect(producer.get(), consumer.get(), owner.get());
        report(DETECTOR.scan());
    }

    /** Plain virtual threads, unknown to Weft's registry: found from a JSON dump file with analyze(). */
    static void dumpFileRawThreads() throws Exception {
        Object m1 = new Object(), m2 = new Object();
        CountDownLatch both = new CountDownLatch(2);
        Thread a = Thread.ofVirtual().name("raw-a").start(() -> syncBoth(m1, m2, both));
        Thread b = Thread.ofVirtual().name("raw-b").start(() -> syncBoth(m2, m1, both));
        await(() -> blocked(a) && blocked(b));
        expect(a, b);
        Path dir = Files.createTempDirectory("weft-scenario");
        Path file = dir.resolve("threads.json");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        try {
            report(DETECTOR.analyze(file));
        } finally {
            Files.delete(file);
            Files.delete(dir);
        }
    }

    /** A watch started before the deadlock reports it once, and its thread is gone once closed. */
    static void watch() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        List<DeadlockReport> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread a, b;
        try (var watch = DETECTOR.watch(Duration.ofMillis(50), r -> {
            reports.add(r);
            reported.countDown();
        })) {
            TaskFactory f = Weft.tasks("watched").build();
            Object m1 = new Object(), m2 = new Object();
            CountDownLatch both = new CountDownLatch(2);
            a = f.start(() -> syncBoth(m1, m2, both));
            b = f.start(() -> syncBoth(m2, m1, both));
            expect(a, b);
            reported.await();
        }
        report(reports.get(0));
        boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("weft-deadlock-watch") && t.isAlive());
        System.out.println("WATCH-ALIVE " + alive + " REPORTS " + reports.size());
    }

    /** A synchronized cycle that stays until the process is destroyed, for the {@code pid} command. */
    static void holdSyncCycle() {
        Object m1 = new Object(), m2 = new Object();
        CountDownLatch both = new CountDownLatch(2);
        Thread a = Thread.ofVirtual().name("held-a").start(() -> syncBoth(m1, m2, both));
        Thread b = Thread.ofVirtual().name("held-b").start(() -> syncBoth(m2, m1, both));
        await(() -> blocked(a) && blocked(b));
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        join(a);
    }

    // ---- healthy programs: slow or busy, never deadlocked ----

    static void timedTryLock() {
        TaskFactory f = Weft.tasks("trylock").build();
        ReentrantLock l1 = new ReentrantLock(), l2 = new ReentrantLock();
        CountDownLatch both = new CountDownLatch(2);
        Runnable ab = () -> tryBoth(l1, l2, both), ba = () -> tryBoth(l2, l1, both);
        Thread a = f.start(ab), b = f.start(ba);
        await(() -> timedWaiting(a) && timedWaiting(b));
        report(DETECTOR.scan());
    }

    static void socketReads() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            AtomicReference<Thread> owner = new AtomicReference<>();
            List<Thread> readers = new java.util.concurrent.CopyOnWriteArrayList<>();
            Weft.tasks("sock-owner").build().start(() -> {
                owner.set(Thread.currentThread());
                try (Scope scope = Weft.scope("readers").open()) {
                    for (int i = 0; i < 3; i++) {
                        scope.fork(() -> {
                            readers.add(Thread.currentThread());
                            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                                return s.getInputStream().read();
                            }
                        });
                    }
                    scope.join();
                } catch (Exception e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 3; i++) {
                accepted.add(server.accept());
            }
            await(() -> readers.size() == 3 && readers.stream().allMatch(ScenarioMain::waiting) && waiting(owner.get()));
            report(DETECTOR.scan());
            for (Socket s : accepted) {
                OutputStream out = s.getOutputStream();
                out.write(1);
                out.flush();
            }
            await(() -> !owner.get().isAlive());
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    static void idleConsumer() {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        AtomicReference<Thread> owner = new AtomicReference<>();
        AtomicReference<Thread> inScope = new AtomicReference<>();
        Thread alone = Weft.tasks("consumer").build().start(() -> takeForever(queue));
        Weft.tasks("consumer-owner").build().start(() -> {
            owner.set(Thread.currentThread());
            try (Scope scope = Weft.scope("consumers").open()) {
                scope.fork(() -> {
                    inScope.set(Thread.currentThread());
                    takeForever(queue);
                });
                scope.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> inScope.get() != null && waiting(inScope.get()) && waiting(alone) && waiting(owner.get()));
        report(DETECTOR.scan());
    }

    static void longSleepHolder() {
        TaskFactory f = Weft.tasks("sleepy").build();
        ReentrantLock lock = new ReentrantLock();
        Object monitor = new Object();
        CountDownLatch held = new CountDownLatch(2);
        Thread holder = f.start(() -> {
            lock.lock();
            synchronized (monitor) {
                held.countDown();
                sleep(60_000);
            }
        });
        Thread holder2 = f.start(() -> {
            synchronized (new Object()) {
                held.countDown();
                sleep(60_000);
            }
        });
        awaitLatch(held);
        Thread w1 = f.start(lock::lock);
        Thread w2 = f.start(() -> {
            synchronized (monitor) {
                sleep(1);
            }
        });
        await(() -> timedWaiting(holder) && timedWaiting(holder2) && waiting(w1) && blocked(w2));
        report(DETECTOR.scan());
    }

    static void contention() {
        TaskFactory f = Weft.tasks("contender").build();
        ReentrantLock l1 = new ReentrantLock(), l2 = new ReentrantLock();
        Object m = new Object();
        AtomicLong progress = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ts.add(f.start(() -> {
                while (!stop.get()) {
                    l1.lock();
                    try {
                        l2.lock();
                        try {
                            synchronized (m) {
                                progress.incrementAndGet();
                            }
                        } finally {
                            l2.unlock();
                        }
                    } finally {
                        l1.unlock();
                    }
                }
            }));
        }
        // two more locks, each contended by its own group: two locks with waiters at once, as in a lock cycle
        ReentrantLock x = new ReentrantLock(), y = new ReentrantLock();
        for (ReentrantLock l : List.of(x, y)) {
            for (int i = 0; i < 4; i++) {
                ts.add(f.start(() -> {
                    while (!stop.get()) {
                        l.lock();
                        try {
                            progress.incrementAndGet();
                            Thread.yield();
                        } finally {
                            l.unlock();
                        }
                    }
                }));
            }
        }
        await(() -> progress.get() > 10_000 && x.hasQueuedThreads() && y.hasQueuedThreads());
        report(DETECTOR.scan());
        report(DETECTOR.scan());
        long before = progress.get();
        await(() -> progress.get() > before);
        stop.set(true);
        for (Thread t : ts) {
            join(t);
        }
        System.out.println("PROGRESS " + (progress.get() > before));
    }

    static void busyScope() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong spins = new AtomicLong();
        try (Scope scope = Weft.scope("busy").open()) {
            for (int i = 0; i < 2; i++) {
                scope.fork(() -> {
                    while (!stop.get()) {
                        spins.incrementAndGet();
                        Thread.onSpinWait();
                    }
                });
            }
            Thread scanner = Thread.ofPlatform().start(() -> {
                report(DETECTOR.scan());
                stop.set(true);
            });
            scope.join();
            join(scanner);
            System.out.println("JOIN returned");
        }
    }

    /** A waits for B's result; B takes a while; join sees them parked over several wake-ups and must not throw. */
    static void chainResolves() throws Exception {
        AtomicReference<Subtask<String>> rb = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        try (Scope scope = Weft.scope("chain").open()) {
            scope.fork(() -> { forked.await(); return rb.get().get(); });
            rb.set(scope.fork(() -> { Thread.sleep(2_500); return "b"; }));
            forked.countDown();
            scope.join();
            System.out.println("JOIN returned");
        }
    }

    static void timedWaitScope() {
        Object monitor = new Object();
        AtomicReference<Thread> waiter = new AtomicReference<>(), owner = new AtomicReference<>();
        Weft.tasks("tw-owner").build().start(() -> {
            owner.set(Thread.currentThread());
            try (Scope scope = Weft.scope("timed").open()) {
                scope.fork(() -> {
                    waiter.set(Thread.currentThread());
                    synchronized (monitor) {
                        monitor.wait(60_000);
                    }
                    return null;
                });
                scope.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> waiter.get() != null && timedWaiting(waiter.get()) && waiting(owner.get()));
        report(DETECTOR.scan());
    }

    /** Subtasks wait for each other in a scope with a deadline: the deadline ends it, as a timeout, not a deadlock. */
    static void deadlineScope() throws Exception {
        AtomicReference<Subtask<String>> ra = new AtomicReference<>(), rb = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        try (Scope scope = Weft.scope("deadline").deadline(Duration.ofMillis(1500)).open()) {
            ra.set(scope.fork(() -> { forked.await(); return rb.get().get(); }));
            rb.set(scope.fork(() -> { forked.await(); return ra.get().get(); }));
            forked.countDown();
            Thread scanner = Thread.ofPlatform().start(() -> report(DETECTOR.scan()));
            try {
                scope.join();
                System.out.println("JOIN returned");
            } catch (ScopeTimeoutException e) {
                System.out.println("JOIN ScopeTimeoutException");
            } catch (DeadlockException e) {
                System.out.println("JOIN DeadlockException");
            }
            join(scanner);
        }
    }

    static void barePark() {
        Thread parked = Weft.tasks("parker").platform(true).build().start(() -> {
            while (true) {
                LockSupport.park();
            }
        });
        Thread parkedV = Weft.tasks("vparker").build().start(() -> {
            while (true) {
                LockSupport.park();
            }
        });
        await(() -> waiting(parked) && waiting(parkedV));
        report(DETECTOR.scan());
    }

    // ---- helpers ----

    static void lockBoth(ReentrantLock first, ReentrantLock second, CountDownLatch both) {
        first.lock();
        both.countDown();
        awaitLatch(both);
        second.lock();
    }

    static void tryBoth(ReentrantLock first, ReentrantLock second, CountDownLatch both) {
        first.lock();
        try {
            both.countDown();
            awaitLatch(both);
            if (second.tryLock(60, TimeUnit.SECONDS)) {
                second.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            first.unlock();
        }
    }

    static void syncBoth(Object first, Object second, CountDownLatch all) {
        synchronized (first) {
            all.countDown();
            awaitLatch(all);
            synchronized (second) {
                System.out.println("UNEXPECTED got both");
            }
        }
    }

    static void readThenWrite(ReentrantReadWriteLock mine, ReentrantReadWriteLock other, CountDownLatch both) {
        mine.readLock().lock();
        both.countDown();
        awaitLatch(both);
        other.writeLock().lock();
    }

    static void takeForever(LinkedBlockingQueue<String> queue) {
        try {
            while (true) {
                queue.take();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean parkedOn(Thread t, ReentrantLock lock) {
        return t.getState() == Thread.State.WAITING && lock.hasQueuedThread(t);
    }

    static boolean blocked(Thread t) {
        return t.getState() == Thread.State.BLOCKED;
    }

    static boolean waiting(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING && LockSupport.getBlocker(t) instanceof dev.weft.Scope;
    }

    static boolean timedWaiting(Thread t) {
        return t.getState() == Thread.State.TIMED_WAITING;
    }

    /** Waits on thread states, not on time; the 60 s bound only guards against a hang. */
    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("scenario never reached its position");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    static void expect(Thread... threads) {
        expectNames(Arrays.stream(threads).map(Thread::getName).toArray(String[]::new));
    }

    static void expectNames(String... names) {
        System.out.println("EXPECT " + String.join(",", new TreeSet<>(List.of(names))));
    }

    static synchronized void report(DeadlockReport report) {
        for (Deadlock d : report.deadlocks()) {
            TreeSet<String> names = new TreeSet<>();
            for (BlockedThread t : d.threads()) {
                names.add(t.name());
            }
            System.out.println("DEADLOCK " + d.kind() + " " + String.join(",", names));
        }
        System.err.println(report.toText());
        System.err.println(report.toJson());
    }
}
