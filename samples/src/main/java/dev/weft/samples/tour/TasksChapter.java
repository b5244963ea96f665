package dev.weft.samples.tour;

import dev.weft.Failure;
import dev.weft.Scope;
import dev.weft.ScopeFailedException;
import dev.weft.Subtask;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Task factories: named threads whose failures are reported exactly once, never lost; usable as a
 * {@link java.util.concurrent.ThreadFactory} for JDK executors.
 *
 * <pre>{@code
 * TaskFactory tasks = Weft.tasks("ingest").onFailure(f -> log.warn(f.describe())).build();
 * tasks.start(() -> work());                                          // thread "ingest-1"
 * ExecutorService ex = Executors.newThreadPerTaskExecutor(tasks);    // threads "ingest-2", ...
 * }</pre>
 *
 * <p>The handler below collects failures and the chapter prints them at the end of each part, so
 * the output has one order whatever order the threads ran in.
 */
public final class TasksChapter implements Chapter {
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

    @Override
    public String id() {
        return "tasks";
    }

    @Override
    public String title() {
        return "Task factories: named threads, every failure reported exactly once";
    }

    @Override
    public void run(boolean smoke) throws Exception {
        // In a service: .onFailure(f -> log.error(f.describe())). The default handler logs through
        // System.Logger at ERROR; it never calls printStackTrace.
        TaskFactory tasks = Weft.tasks("ingest").onFailure(failures::add).build();

        aTaskThatThrows(tasks);
        unobservedFailureInAScope(tasks);
        observedFailureIsNotReportedAgain(tasks);
        asAThreadFactory(tasks);
    }

    /** A bare thread that throws: the handler hears of it, with the thread's name. */
    private void aTaskThatThrows(TaskFactory tasks) throws InterruptedException {
        System.out.println("-- a task that throws --");
        Thread t = tasks.start(() -> {
            throw new IllegalStateException("record 17: missing field 'price'");
        });
        t.join();   // the handler runs on the task's thread before it ends
        printFailures();
    }

    /**
     * collectAll and nobody looks at the failed subtask: close() hands the failure to the scope's
     * factory, so it is not lost. The report names the scope.
     */
    private void unobservedFailureInAScope(TaskFactory tasks) {
        System.out.println("-- a scope's failure that nobody looked at --");
        try (Scope scope = Weft.scope("import").collectAll().tasks(tasks).open()) {
            scope.fork(() -> "row 1");
            scope.fork(() -> {
                throw new NumberFormatException("row 2: \"12,5\" is not a number");
            });
            scope.join();   // collectAll: returns normally; we never ask the second subtask
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        printFailures();
    }

    /** A failure the code saw (join threw, or exception() was read) is not reported a second time. */
    private void observedFailureIsNotReportedAgain(TaskFactory tasks) {
        System.out.println("-- a failure the code observed --");
        Subtask<Object> bad = null;
        try (Scope scope = Weft.scope("import").tasks(tasks).open()) {
            bad = scope.fork(() -> {
                throw new NumberFormatException("row 3: \"n/a\" is not a number");
            });
            scope.join();
        } catch (ScopeFailedException e) {
            System.out.println("  join threw: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("  subtask " + bad.name() + " is " + bad.state() + "; reports to the handler: "
                + failures.size() + " (the exception already reached the code, so it is not reported twice)");
        failures.clear();
    }

    /**
     * As a ThreadFactory: every thread the executor starts is named and watched. A task given to
     * execute() that throws reaches the handler; submit() keeps the exception in its Future instead,
     * as the JDK specifies, so that failure belongs to whoever calls get().
     */
    private void asAThreadFactory(TaskFactory tasks) throws InterruptedException {
        System.out.println("-- as the ThreadFactory of Executors.newThreadPerTaskExecutor --");
        ConcurrentLinkedQueue<String> names = new ConcurrentLinkedQueue<>();
        Future<String> submitted;
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(tasks)) {
            for (int i = 0; i < 3; i++) {
                executor.execute(() -> names.add(Thread.currentThread().getName()));
            }
            executor.execute(() -> {
                throw new IllegalArgumentException("batch 4: negative quantity -2");
            });
            submitted = executor.submit(() -> {
                throw new IllegalStateException("batch 5: duplicate id");
            });
        } // close() waits for every task
        System.out.println("  threads started by the executor: " + names.stream().sorted().toList()
                + "; running now: " + tasks.running());
        try {
            submitted.get();
        } catch (ExecutionException e) {
            System.out.println("  submit(): the Future holds the failure: " + e.getCause());
        }
        printFailures();
    }

    private void printFailures() {
        List<Failure> seen = List.copyOf(failures);
        failures.clear();
        if (seen.isEmpty()) {
            System.out.println("  handler: no failure reported");
        }
        for (Failure f : seen) {
            // Failure.describe() gives one line plus the stack trace; the tour prints the parts.
            System.out.println("  handler got: task '" + f.taskName() + "' on thread '" + f.thread().getName()
                    + "' (virtual: " + f.thread().isVirtual() + "), scope " + (f.scope() == null ? "none" : "'" + f.scope() + "'")
                    + ": " + f.throwable());
        }
    }
}
