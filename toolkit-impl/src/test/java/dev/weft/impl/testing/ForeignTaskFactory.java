package dev.weft.impl.testing;

import dev.weft.TaskFactory;

/**
 * A {@link TaskFactory} not built by Weft: plain virtual threads, no naming, no failure capture.
 * Weft's builders refuse it, since only a Weft factory registers its threads.
 */
public final class ForeignTaskFactory implements TaskFactory {
    @Override
    public Thread start(Runnable task) {
        return Thread.ofVirtual().start(task);
    }

    @Override
    public Thread newThread(Runnable task) {
        return Thread.ofVirtual().unstarted(task);
    }

    @Override
    public String name() {
        return "foreign";
    }

    @Override
    public int running() {
        return 0;
    }
}
