package dev.weft.impl.shutdown;

import dev.weft.StuckThread;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** Describes threads that outlived a shutdown deadline; shared by every bounded shutdown in Weft. */
public final class StuckThreads {
    private StuckThreads() {}

    /** @return what {@code thread} is doing now, with its stack */
    public static StuckThread of(Thread thread) {
        return new StuckThread(thread.getName(), thread.threadId(), thread.isVirtual(), thread.getState(),
                Arrays.asList(thread.getStackTrace()));
    }

    /** @return a description of each thread of {@code threads} that is still alive */
    public static List<StuckThread> alive(Collection<Thread> threads) {
        List<StuckThread> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (t.isAlive()) {
                stuck.add(of(t));
            }
        }
        return stuck;
    }
}
