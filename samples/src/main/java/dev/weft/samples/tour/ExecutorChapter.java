package dev.weft.samples.tour;

import dev.weft.ManagedExecutor;
import dev.weft.ShutdownReport;
import dev.weft.StuckThread;
import dev.weft.Weft;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small order service migrated from a fixed thread pool to a Weft executor: the service code is the
 * same, only the line that builds the executor and the shutdown change.
 *
 * <p>The workload has the two things that hurt in production: one order fails (card declined) and
 * one hangs at the payment gateway, ignoring interrupts. Before, the failure vanishes into a
 * {@code Future} nobody reads, and the shutdown dance can only tell that "something" is still
 * running. After, the failure reaches the failure handler and {@code close(Duration)} names the
 * stuck thread with its stack.
 *
 * <pre>{@code
 * // before
 * ExecutorService pool = Executors.newFixedThreadPool(4);
 * // after
 * ManagedExecutor pool = Weft.executor("orders").maxConcurrency(4).build();
 * }</pre>
 */
public final class ExecutorChapter implements Chapter {
    static final int DECLINED = 3;
    static final int HANGS = 5;

    @Override
    public String id() {
        return "executors";
    }

    @Override
    public String title() {
        return "Executors: a fixed thread pool migrated to Weft";
    }

    @Override
    public void run(boolean smoke) throws Exception {
        int orders = smoke ? 8 : 40;
        Duration work = Duration.ofMillis(smoke ? 2 : 10);
        Duration deadline = Duration.ofMillis(smoke ? 200 : 1000);

        System.out.println("-- before: Executors.newFixedThreadPool(4) and the usual shutdown dance");
        Gateway gateway = new Gateway();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        new OrderService(pool, gateway, work).acceptAll(orders);
        pool.shutdown();
        if (!pool.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            List<Runnable> dropped = pool.shutdownNow();
            System.out.println("not terminated after " + deadline.toMillis() + " ms; shutdownNow() dropped "
                    + dropped.size() + " order(s) that never started");
            System.out.println("something is still running, but what, on which thread, stuck where? the pool cannot say");
        }
        System.out.println("failures seen: none -- order " + DECLINED + "'s 'card declined' sits in a Future nobody reads");
        gateway.open();
        pool.awaitTermination(30, TimeUnit.SECONDS);

        System.out.println();
        System.out.println("-- after: Weft.executor(\"orders\").maxConcurrency(4), close(Duration) and its report");
        Gateway gateway2 = new Gateway();
        ManagedExecutor executor = Weft.executor("orders")
                .maxConcurrency(4)
                .tasks(Weft.tasks("orders")
                        .onFailure(f -> System.out.println("reported: task " + f.taskName() + " failed: "
                                + f.throwable().getMessage()))
                        .build())
                .build();
        new OrderService(executor, gateway2, work).acceptAll(orders);
        ShutdownReport report = executor.close(deadline);
        System.out.println("close(" + deadline.toMillis() + " ms): " + report.delivered() + " finished during close, "
                + report.undelivered() + " never started (cancelled or reported, not dropped), "
                + report.inFlight() + " still running");
        for (StuckThread t : report.stuck()) {
            System.out.println("  stuck: \"" + t.name() + "\"" + (t.virtual() ? " virtual " : " ") + t.state()
                    + " at " + firstFrameOfOurs(t));
        }
        System.out.println("stats: " + executor.stats());
        gateway2.open();
        executor.awaitTermination(30, TimeUnit.SECONDS);
        System.out.println("the stuck order ended once the gateway answered; executor terminated: " + executor.isTerminated());
    }

    private static String firstFrameOfOurs(StuckThread t) {
        for (StackTraceElement frame : t.stack()) {
            if (frame.getClassName().startsWith("dev.weft.samples")) {
                return frame.toString();
            }
        }
        return t.stack().isEmpty() ? "(no stack)" : t.stack().get(0).toString();
    }

    /** The service: written against {@link ExecutorService}, so the migration does not touch it. */
    static final class OrderService {
        private final ExecutorService executor;
        private final Gateway gateway;
        private final Duration work;

        OrderService(ExecutorService executor, Gateway gateway, Duration work) {
            this.executor = executor;
            this.gateway = gateway;
            this.work = work;
        }

        void acceptAll(int orders) {
            for (int i = 1; i <= orders; i++) {
                int order = i;
                if (executor instanceof ManagedExecutor) {
                    executor.execute(() -> charge(order));   // failures go to the failure handler
                } else {
                    executor.submit(() -> charge(order));    // the usual code: the Future is dropped
                }
            }
            System.out.println("accepted " + orders + " orders");
        }

        private void charge(int order) {
            if (order == DECLINED) {
                throw new IllegalStateException("card declined for order " + order);
            }
            if (order == HANGS) {
                gateway.awaitAnswer();
                return;
            }
            try {
                Thread.sleep(work); // the call to the payment provider
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A payment gateway that does not answer, and ignores interrupts while it waits: the worst case. */
    static final class Gateway {
        private final CountDownLatch answer = new CountDownLatch(1);

        void awaitAnswer() {
            boolean interrupted = false;
            while (answer.getCount() > 0) {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void open() {
            answer.countDown();
        }
    }
}
