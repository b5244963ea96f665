package dev.weft.samples.tour;

import dev.weft.Scope;
import dev.weft.ScopeBuilder;
import dev.weft.ScopeFailedException;
import dev.weft.ScopeTimeoutException;
import dev.weft.Subtask;
import dev.weft.TaskFactory;
import dev.weft.Weft;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Structured scopes: a product page assembled from several remote calls under one deadline, one call
 * failing and one too slow, then fail-fast vs collect-all, {@code all}, {@code any} and nested
 * deadlines.
 *
 * <pre>{@code
 * try (Scope scope = Weft.scope("page").collectAll().deadline(Duration.ofMillis(400)).open()) {
 *     Subtask<String> user = scope.fork(() -> users.find(id));
 *     scope.join();
 * }
 * }</pre>
 *
 * <p>Every "remote call" is simulated by a sleep of a whole number of time units ({@code unit}:
 * 100 ms, 20 ms in a smoke run), with wide gaps between a call that makes it and the deadline, so
 * the outcome is the same on a busy machine. Printed times are rounded to 10 ms.
 */
public final class ScopesChapter implements Chapter {
    private long unitMillis;
    private long openedAt;

    @Override
    public String id() {
        return "scopes";
    }

    @Override
    public String title() {
        return "Structured scopes: a page from several calls, under a deadline";
    }

    @Override
    public void run(boolean smoke) throws Exception {
        unitMillis = smoke ? 20 : 100;
        assemblePage();
        failFastVersusCollectAll();
        allAndAny();
        nestedDeadlines();
    }

    // ---- 1. the page ----

    /**
     * collectAll: one failure must not cost the whole page; the deadline bounds how long the page
     * waits for the slow call. After the deadline the page is rendered from what arrived, with a
     * fallback for each piece that did not.
     */
    private void assemblePage() throws InterruptedException {
        Duration deadline = units(6);
        System.out.println("-- a product page: 4 calls, deadline " + deadline.toMillis() + " ms, collect-all --");
        Map<String, Subtask<String>> calls = new LinkedHashMap<>();
        ScopeBuilder builder = Weft.scope("page").collectAll().deadline(deadline);
        String outcome = "all calls finished";
        openedAt = System.nanoTime();   // the deadline counts from open()
        try (Scope scope = builder.open()) {
            calls.put("user", scope.fork(() -> call(1, "Ada Lovelace")));
            calls.put("cart", scope.fork(() -> call(2, "3 items, 42.50 EUR")));
            calls.put("recommendations", scope.fork(() -> failingCall(1, new IOException("recommendation service: 503 Service Unavailable"))));
            calls.put("ads", scope.fork(() -> call(60, "an ad")));   // far past the deadline
            scope.join();
        } catch (ScopeTimeoutException e) {
            // join() threw at the deadline; close() (end of the try) then waited for the cancelled call to end.
            outcome = "join threw ScopeTimeoutException at ~" + round(elapsedMillis()) + " ms: " + e.getMessage();
        }
        long pageMillis = elapsedMillis();
        printStates(calls);
        System.out.println("  " + outcome);

        // Render from what arrived: a fallback for each piece that did not.
        String page = String.join(" | ",
                valueOr(calls.get("user"), "guest"),
                valueOr(calls.get("cart"), "empty cart"),
                valueOr(calls.get("recommendations"), "bestsellers (fallback)"),
                valueOr(calls.get("ads"), "no ads (fallback)"));
        System.out.println("  page served after ~" + round(pageMillis) + " ms: " + page);
    }

    // ---- 2. fail-fast vs collect-all ----

    /** failFast (the default): the first failure cancels the siblings and join() throws at once. */
    private void failFastVersusCollectAll() throws InterruptedException {
        System.out.println();
        System.out.println("-- the same calls, fail-fast (the default): the first failure cancels the rest --");
        Map<String, Subtask<String>> calls = new LinkedHashMap<>();
        openedAt = System.nanoTime();
        try (Scope scope = Weft.scope("checkout").open()) {
            calls.put("user", scope.fork(() -> call(4, "Ada Lovelace")));
            calls.put("cart", scope.fork(() -> call(5, "3 items, 42.50 EUR")));
            calls.put("payment", scope.fork(() -> failingCall(1, new IllegalStateException("card declined"))));
            scope.join();
            System.out.println("  (not reached: join() throws)");
        } catch (ScopeFailedException e) {
            System.out.println("  join threw ScopeFailedException after ~" + round(elapsedMillis()) + " ms: " + e.getMessage());
            System.out.println("  its cause: " + e.getCause() + "; suppressed: " + e.getSuppressed().length
                    + " (cancelled siblings are not failures)");
        }
        printStates(calls);
        System.out.println("  with collectAll() instead, user and cart would have finished and join() returned normally.");
    }

    // ---- 3. all and any ----

    private void allAndAny() throws InterruptedException {
        System.out.println();
        System.out.println("-- all: every result, in the order given; any: the first success --");
        openedAt = System.nanoTime();
        List<String> prices = Weft.scope("prices").deadline(units(20)).all(List.<Callable<String>>of(
                () -> call(2, "book 12.00"),
                () -> call(1, "pen 1.50"),
                () -> call(3, "lamp 30.00")));
        System.out.println("  all  -> " + prices + " in ~" + round(elapsedMillis())
                + " ms (the slowest call, not the sum; pen finished first but stays second)");

        // A failure nobody looked at goes to the scope's task factory when the scope closes; here
        // its handler prints one line instead of the default ERROR log with a stack trace.
        TaskFactory quoteTasks = Weft.tasks("quotes")
                .onFailure(f -> System.out.println("  (failure handler: " + f.taskName() + " " + f.throwable() + ")"))
                .build();
        openedAt = System.nanoTime();
        String quote = Weft.scope("quotes").tasks(quoteTasks).any(List.<Callable<String>>of(
                () -> call(6, "quote from mirror A"),
                () -> call(1, "quote from mirror B"),
                () -> failingCall(0, new IOException("mirror C refused"))));
        System.out.println("  any  -> " + quote + " in ~" + round(elapsedMillis())
                + " ms (C's failure is ignored, A is cancelled)");

        try {
            Weft.scope("mirrors").any(List.<Callable<String>>of(
                    () -> failingCall(1, new IOException("mirror A refused")),
                    () -> failingCall(2, new IOException("mirror B refused"))));
        } catch (ScopeFailedException e) {
            System.out.println("  any, every task failing -> ScopeFailedException: " + e.getMessage());
            System.out.println("    cause: " + e.getCause().getMessage() + "; suppressed: "
                    + e.getSuppressed()[0].getMessage());
        }
    }

    // ---- 4. nested deadlines ----

    /**
     * An inner scope asks for more time than the outer one has left: it gets the earlier deadline,
     * so a callee can never outlive the budget its caller was given.
     */
    private void nestedDeadlines() throws InterruptedException {
        System.out.println();
        System.out.println("-- nested deadlines: the inner scope gets the earlier of its own and its parent's --");
        openedAt = System.nanoTime();
        try (Scope request = Weft.scope("request").deadline(units(3)).open()) {
            try (Scope search = Weft.scope("search").deadline(units(30)).open()) { // asks for 10x more
                search.fork(() -> call(40, "search results"));
                search.join();
            } catch (ScopeTimeoutException e) {
                System.out.println("  inner scope '" + e.scopeName() + "' asked for " + units(30).toMillis()
                        + " ms, was given ~" + round(e.timeout().toMillis()) + " ms; it timed out after ~"
                        + round(elapsedMillis()) + " ms and cancelled its call");
            }
            request.join();
        }
    }

    // ---- helpers: simulated remote calls and printing ----

    /** A remote call that answers {@code value} after {@code units} time units. */
    private String call(int units, String value) throws InterruptedException {
        Thread.sleep(units(units));   // interrupted when the scope cancels this subtask
        return value;
    }

    /** A remote call that fails with {@code failure} after {@code units} time units. */
    private String failingCall(int units, Exception failure) throws Exception {
        Thread.sleep(units(units));
        throw failure;
    }

    private Duration units(int n) {
        return Duration.ofMillis(n * unitMillis);
    }

    private static void printStates(Map<String, Subtask<String>> calls) {
        calls.forEach((label, subtask) -> System.out.printf("  %-16s %-10s %s%n", label, subtask.state(), detail(subtask)));
    }

    private static String detail(Subtask<String> subtask) {
        return switch (subtask.state()) {
            case SUCCESS -> "\"" + subtask.get() + "\"";
            case FAILED -> subtask.exception().toString();   // reading it marks the failure as observed
            case CANCELLED -> "(cancelled: thread " + subtask.name() + " was interrupted or never started)";
            case RUNNING -> "(still running)";
        };
    }

    private static String valueOr(Subtask<String> subtask, String fallback) {
        return subtask.state() == Subtask.State.SUCCESS ? subtask.get() : fallback;
    }

    private long elapsedMillis() {
        return (System.nanoTime() - openedAt) / 1_000_000;
    }

    private static long round(long millis) {
        return Math.round(millis / 10.0) * 10;
    }
}
