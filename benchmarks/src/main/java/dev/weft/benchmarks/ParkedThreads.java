package dev.weft.benchmarks;

import dev.weft.TaskFactory;
import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code n} virtual threads started by a Weft task factory (so they are in Weft's thread registry),
 * each parked on one {@link CountDownLatch} until {@link #close()}: the population the deadlock
 * detector benchmarks scan and dump. Healthy threads, not a deadlock: every scan must find nothing.
 *
 * <p>{@link #start} returns only when every thread reports {@code WAITING}, checking every
 * millisecond for at most two minutes (setup only, never measured); {@link #close()} opens the latch
 * and joins them all.
 *
 * <pre>{@code
 * try (ParkedThreads parked = ParkedThreads.start(10_000)) { Weft.deadlocks().scan(); }
 * }</pre>
 */
final class ParkedThreads implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread[] threads;

    private ParkedThreads(int n) {
        threads = new Thread[n];
    }

    static ParkedThreads start(int n) throws InterruptedException {
        ParkedThreads p = new ParkedThreads(n);
        TaskFactory factory = Weft.tasks("parked").build();
        for (int i = 0; i < n; i++) {
            p.threads[i] = factory.start(p::park);
        }
        p.awaitAllWaiting();
        return p;
    }

    private void park() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitAllWaiting() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("thread " + t + " did not park within 2 minutes: " + t.getState());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }

    Thread[] threads() {
        return threads;
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }
}
