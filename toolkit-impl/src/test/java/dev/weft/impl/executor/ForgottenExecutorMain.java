package dev.weft.impl.executor;

import dev.weft.ManagedExecutor;
import dev.weft.Weft;

/**
 * Run in a child JVM by {@link ForgottenExecutorTest}: builds an executor, gives it more tasks than
 * it may run at once, and returns from {@code main} without closing it. Virtual threads are daemon
 * threads, so without Weft's shutdown hook the JVM would exit with most tasks never run.
 */
public final class ForgottenExecutorMain {
    static final int TASKS = 20;

    private ForgottenExecutorMain() {}

    public static void main(String[] args) {
        ManagedExecutor ex = Weft.executor("forgotten").maxConcurrency(2).build();
        for (int i = 0; i < TASKS; i++) {
            int n = i;
            ex.execute(() -> {
                try {
                    Thread.sleep(20); // work that is still pending when main returns
                } catch (InterruptedException e) {
                    System.out.println("task " + n + " interrupted");
                    return;
                }
                System.out.println("task " + n + " done");
            });
        }
        System.out.println("main returns with " + ex.stats().queued() + " queued");
    }
}
