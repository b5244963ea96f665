package dev.weft.samples.tour;

import dev.weft.Deadlock;
import dev.weft.DeadlockException;
import dev.weft.DeadlockReport;
import dev.weft.Scope;
import dev.weft.Subtask;
import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Deadlocks, caught: a scope whose subtasks wait for each other makes {@code join()} throw
 * {@link DeadlockException} with a report instead of hanging; and the Stackless story — a result handed
 * over before its waiter waits, so the waiter sleeps for good — found by {@code Weft.deadlocks().scan()}.
 *
 * <pre>{@code
 * try (Scope scope = Weft.scope("pair").open()) {
 *     ...
 *     scope.join();
 * } catch (DeadlockException e) {
 *     System.err.println(e.report().toText());
 * }
 * }</pre>
 */
public final class DeadlockChapter implements Chapter {
    @Override
    public String id() {
        return "deadlocks";
    }

    @Override
    public String title() {
        return "Deadlocks: join() throws instead of hanging";
    }

    @Override
    public void run(boolean smoke) throws Exception {
        scopeThatDeadlocks();
        lostWakeup();
    }

    private static void scopeThatDeadlocks() throws InterruptedException {
        AtomicReference<Subtask<String>> a = new AtomicReference<>(), b = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        try (Scope scope = Weft.scope("pair").open()) {
            a.set(scope.fork(() -> { forked.await(); return "a needs " + b.get().get(); }));
            b.set(scope.fork(() -> { forked.await(); return "b needs " + a.get().get(); }));
            forked.countDown();
            scope.join();
            System.out.println("joined (not expected)");
        } catch (DeadlockException e) {
            System.out.println("join() threw DeadlockException; its report:");
            System.out.print(indent(e.report().toText()));
        }
    }

    /** The signal goes before the wait: nothing can wake the waiter, and the owner joining it sleeps too. */
    private static void lostWakeup() throws InterruptedException {
        Object mailbox = new Object();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CountDownLatch signalled = new CountDownLatch(1);
        Thread owner = Weft.tasks("stackless").build().start(() -> {
            try (Scope scope = Weft.scope("handover").open()) {
                scope.fork(() -> {
                    synchronized (mailbox) {
                        mailbox.notifyAll(); // the result is handed over...
                    }
                    signalled.countDown();
                });
                scope.fork(() -> {
                    waiter.set(Thread.currentThread());
                    signalled.await();
                    synchronized (mailbox) {
                        mailbox.wait(); // ...before its waiter waits
                    }
                    return null;
                });
                scope.join();
            } catch (InterruptedException e) {
                System.out.println("the owner was interrupted, its scope closed and cancelled the waiter");
            }
        });
        while (waiter.get() == null || waiter.get().getState() != Thread.State.WAITING) {
            LockSupport.parkNanos(1_000_000);
        }
        DeadlockReport report = Weft.deadlocks().scan();
        for (Deadlock d : report.deadlocks()) {
            System.out.println("scan(): " + d.kind() + " in scope '" + d.scope() + "': "
                    + d.threads().stream().map(t -> t.name() + " waits on " + t.waitingOn()).toList());
        }
        if (!report.found()) {
            System.out.println("scan(): nothing found");
        }
        owner.interrupt();
        owner.join();
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).reduce("", (x, y) -> x + y + System.lineSeparator());
    }
}
