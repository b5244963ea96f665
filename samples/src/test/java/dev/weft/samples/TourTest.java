package dev.weft.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tour is what the README tells users to run: a smoke run must finish and print what each
 * chapter promises. Only outcomes that do not depend on timing are asserted (the slow call is ten
 * times past its deadline; the rest is ordered by joins, not by sleeps).
 */
@Timeout(60)
class TourTest {

    private static String runTour(String... args) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Tour.main(args);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scopesChapterComesFirstAndShowsTheTimeoutAndTheFallbacks() throws Exception {
        String out = runTour("--smoke");
        assertThat(out.indexOf("== 1. Structured scopes")).isPositive();
        assertThat(out).contains("join threw ScopeTimeoutException", "no ads (fallback)",
                "join threw ScopeFailedException", "any, every task failing -> ScopeFailedException",
                "Tour done: ");
    }

    @Test
    void tasksChapterReportsEachUnobservedFailureOnceAndObservedOnesNever() throws Exception {
        String out = runTour("--smoke", "tasks");
        assertThat(out).contains(
                "handler got: task 'ingest-1' on thread 'ingest-1' (virtual: true), scope none: java.lang.IllegalStateException",
                "scope 'import': java.lang.NumberFormatException: row 2",
                "reports to the handler: 0",
                "submit(): the Future holds the failure");
        assertThat(out.split("handler got:", -1)).hasSize(4);   // three reports in all
    }

    @Test
    void contextChapterCarriesEachRequestIdWithoutMixingAndLeavesNothingBehind() throws Exception {
        String out = runTour("--smoke", "context");
        assertThat(out.split("\\[requestId=req-A]", -1)).hasSize(5);
        assertThat(out.split("\\[requestId=req-B]", -1)).hasSize(5);
        assertThat(out).contains("restored on 10 subtask threads, undone on 10; threads that still had an MDC entry after undo: 0");
    }

    @Test
    void loggingChapterCountsEachAppendersLinesAndWeftLosesNone() throws Exception {
        String out = runTour("--smoke", "logging");
        assertThat(out).containsPattern("Logback AsyncAppender: wrote \\d+ of 20000 \\(lost \\d+\\)")
                .contains("queueSize=256 discardingThreshold=51 neverBlock=false",
                        "Weft appender: wrote 20000 of 20000 (lost 0)",
                        "Weft JUL handler: wrote 20000 of 20000 (lost 0)");
    }
}
