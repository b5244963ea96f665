package dev.weft.impl.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every thread that a Weft task factory runs, while it runs.
 *
 * <p>Invariants: a thread is present from the moment its task starts until just before the thread
 * ends (removal is in a {@code finally}); so the registry holds only live threads, and holds none
 * alive. Adding and removing cost O(1) (a {@link ConcurrentHashMap} keyed by thread identity).
 * Reads are weakly consistent: a scan sees every thread registered before it began and not removed
 * before it ended, and may or may not see the others.
 */
public final class ThreadRegistry {
    private static final ThreadRegistry INSTANCE = new ThreadRegistry();

    private final ConcurrentHashMap<Thread, ManagedTask> running = new ConcurrentHashMap<>(256);

    private ThreadRegistry() {}

    /** @return the one registry of this JVM (of this class loader) */
    public static ThreadRegistry instance() {
        return INSTANCE;
    }

    void add(ManagedTask task) {
        running.put(task.thread(), task);
    }

    void remove(ManagedTask task) {
        running.remove(task.thread(), task);
    }

    /** @return the task the given thread runs, or {@code null} if it is not a running Weft thread */
    public ManagedTask lookup(Thread thread) {
        return running.get(thread);
    }

    /** @return the task the calling thread runs, or {@code null} */
    public ManagedTask current() {
        return running.get(Thread.currentThread());
    }

    /** @return how many Weft threads run now */
    public int size() {
        return running.size();
    }

    /** Visits every running task (weakly consistent). */
    public void forEach(Consumer<? super ManagedTask> visitor) {
        running.values().forEach(visitor);
    }

    /** @return a copy of the running tasks (weakly consistent) */
    public List<ManagedTask> snapshot() {
        return new ArrayList<>(running.values());
    }
}
