package dev.weft.samples;

import dev.weft.samples.tour.Chapter;
import dev.weft.samples.tour.ContextChapter;
import dev.weft.samples.tour.DeadlockChapter;
import dev.weft.samples.tour.ExecutorChapter;
import dev.weft.samples.tour.LoggingChapter;
import dev.weft.samples.tour.ScopesChapter;
import dev.weft.samples.tour.TasksChapter;
import java.util.List;

/**
 * The tour of Weft: each chapter is a small program a user can copy from, run in order.
 *
 * <pre>
 * ./weft tour             every chapter
 * ./weft tour scopes      chapters whose id contains "scopes"
 * java -jar weft-samples.jar --smoke   a fast run for CI: same code paths, smaller numbers
 * </pre>
 */
public final class Tour {
    private Tour() {}

    /** The chapters, in reading order. Each capability adds its own. */
    static List<Chapter> chapters() {
        // One chapter a line, each ending in a comma, so that chapters can be added independently.
        return List.of(new Chapter[] {
                new ScopesChapter(),
                new TasksChapter(),
                new ContextChapter(),
                new LoggingChapter(),
                new ExecutorChapter(),
                new DeadlockChapter(),
        });
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        String filter = List.of(args).stream().filter(a -> !a.startsWith("--")).findFirst().orElse("");
        System.out.println("Weft: a tour of virtual-thread concurrency on Java " + Runtime.version().feature()
                + (smoke ? " (smoke run)" : ""));
        int n = 0;
        for (Chapter chapter : chapters()) {
            if (!chapter.id().contains(filter)) {
                continue;
            }
            n++;
            System.out.println();
            System.out.println("== " + n + ". " + chapter.title() + " ==");
            chapter.run(smoke);
        }
        System.out.println();
        System.out.println("Tour done: " + n + " chapter(s).");
    }
}
