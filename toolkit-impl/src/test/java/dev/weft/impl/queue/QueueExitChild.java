package dev.weft.impl.queue;

import dev.weft.ConsumerQueue;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A child JVM for {@link QueueExitTest}: fills a queue with {@value #ITEMS} items while its consumer
 * is held back, then lets the consumer go and leaves in the way {@code args[0]} names, never calling
 * {@code close()}. It prints {@code ACCEPTED n}, and (from a shutdown hook, or at the end in the
 * Cleaner mode) {@code SEEN n} (items the handler was called with), {@code DELIVERED n} (calls that
 * returned) and {@code FAILURES n} (failures the task factory reported).
 */
public final class QueueExitChild {
    static final int ITEMS = 100_000;
    static final int HANG_AT = 1_000;
    static final int THROW_AT = 500;

    private static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicLong DELIVERED = new AtomicLong();
    private static final AtomicLong FAILURES = new AtomicLong();
    private static final CountDownLatch GATE = new CountDownLatch(1);
    static volatile long sink;

    private QueueExitChild() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("hang")) {
            Weft.shutdown().deadline(Duration.ofSeconds(2)).haltWhenStuck(true);
        }
        TaskFactory tasks = Weft.tasks("child").onFailure(f -> FAILURES.incrementAndGet()).build();
        if (mode.equals("cleaner")) {
            fillAndDrop(tasks);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((SEEN.get() < ITEMS || tasks.running() > 0) && System.nanoTime() < until) {
                System.gc();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            printCounts();
            System.out.println("RUNNING " + tasks.running());
            return;
        }
        ConsumerQueue<Integer> q = build(tasks, mode);
        if (!mode.equals("hang")) { // a hung consumer never terminates: that mode reads the coordinator's report
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    q.awaitTermination(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                printCounts();
            }));
        }
        fill(q);
        switch (mode) {
            case "return", "throw", "hang" -> { }
            case "exit" -> System.exit(0);
            case "sigterm" -> {
                System.out.println("READY");
                System.out.flush();
                new CountDownLatch(1).await();
            }
            default -> throw new IllegalArgumentException("mode " + mode);
        }
    }

    private static void fillAndDrop(TaskFactory tasks) throws InterruptedException {
        fill(build(tasks, "cleaner"));
    }

    private static ConsumerQueue<Integer> build(TaskFactory tasks, String mode) {
        return Weft.queue("child").capacity(ITEMS).tasks(tasks).consume((Integer i) -> handle(i, mode));
    }

    private static void fill(ConsumerQueue<Integer> q) throws InterruptedException {
        int accepted = 0;
        for (int i = 0; i < ITEMS; i++) {
            q.put(i);
            accepted++;
        }
        System.out.println("ACCEPTED " + accepted);
        System.out.flush();
        GATE.countDown();
    }

    private static void handle(int i, String mode) {
        SEEN.incrementAndGet();
        if (i == 0) {
            awaitGate();
        }
        if (mode.equals("hang") && i == HANG_AT) {
            System.out.println("HANGING at " + i);
            System.out.flush();
            for (;;) {
                LockSupport.park(); // interrupts and unparks are ignored: a handler that never returns
                Thread.interrupted();
            }
        }
        if (mode.equals("throw") && i == THROW_AT) {
            throw new IllegalStateException("item " + i + " is poison");
        }
        long x = i;
        for (int k = 0; k < 500; k++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
        DELIVERED.incrementAndGet();
    }

    private static void awaitGate() {
        boolean interrupted = false;
        while (true) {
            try {
                GATE.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void printCounts() {
        System.out.println("SEEN " + SEEN.get());
        System.out.println("DELIVERED " + DELIVERED.get());
        System.out.println("FAILURES " + FAILURES.get());
        System.out.flush();
    }
}
