package dev.weft.impl.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Every thread that a Weft task factory runs, while it runs.
 *
 * <p>Invariants: a task is present from the moment it starts until just before its thread ends
 * (removal is in a {@code finally}); so the registry holds only live threads, and holds none alive.
 * Reads are weakly consistent: a scan sees every task registered before it began and not removed
 * before it ended, and may or may not see the others.
 *
 * <p>Layout, chosen so that a thread costs no allocation and no shared counter: the tasks are
 * linked through their own fields ({@link ManagedTask#prevLive}, {@link ManagedTask#nextLive}) into
 * one of a fixed number of doubly-linked stripes, chosen by thread id. Each stripe is guarded by its
 * own lock, held for a few field writes (or, by a scan, to copy the stripe) and never across a call
 * that blocks; a lock rather than a monitor, so that a virtual thread waiting for it during a long
 * scan unmounts instead of pinning its carrier. Adding and removing cost O(1); a removed task's
 * links are cleared, so a task held by a user never holds other tasks.
 *
 * <p>Tasks that a {@link TaskGroup} already keeps (a scope's subtasks) take no entry: the group is
 * registered once instead, for as long as it is open, and scans visit its live tasks. A scope nested
 * in another is reached through its parent, so only outermost scopes register.
 *
 * <p>Finding the task of a thread costs one field read: a Weft thread's uncaught-exception handler
 * is its task, which hands an uncaught throwable to the thread's group exactly as an unset handler
 * would ({@link ManagedTask#uncaughtException}). A thread whose handler is its group has none set,
 * so it is not a Weft thread; a thread whose handler is something else (user code replaced it, or a
 * thread pool set its own) is looked up by walking its stripe and the groups, which costs O(running
 * Weft tasks); {@link #current()} remembers platform threads found not to be Weft threads.
 */
public final class ThreadRegistry {
    private static final ThreadRegistry INSTANCE = new ThreadRegistry();
    /** Platform threads that {@link #current()} walked for and found not to be Weft threads. */
    private static final ThreadLocal<Boolean> KNOWN_FOREIGN = new ThreadLocal<>();

    private final Stripe[] stripes;
    private final int mask;
    private final Set<TaskGroup> groups = ConcurrentHashMap.newKeySet();
    /** Group additions since {@link #dropAbandonedGroups()} last ran. */
    private final AtomicInteger groupAdds = new AtomicInteger();

    private ThreadRegistry() {
        int n = Integer.highestOneBit(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()) - 1) << 1;
        n = Math.min(n, 1024);
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        mask = n - 1;
    }

    /** @return the one registry of this JVM (of this class loader) */
    public static ThreadRegistry instance() {
        return INSTANCE;
    }

    private Stripe stripeOf(Thread t) {
        long id = t.threadId();
        return stripes[(int) (id ^ (id >>> 32)) & mask];
    }

    void add(ManagedTask task) {
        Stripe s = stripeOf(task.thread());
        s.lock();
        try {
            ManagedTask head = s.head;
            task.nextLive = head;
            if (head != null) {
                head.prevLive = task;
            }
            s.head = task;
            s.count++;
            task.live = true;
        } finally {
            s.unlock();
        }
    }

    void remove(ManagedTask task) {
        Stripe s = stripeOf(task.thread());
        s.lock();
        try {
            if (!task.live) {
                return;
            }
            ManagedTask prev = task.prevLive, next = task.nextLive;
            if (prev == null) {
                s.head = next;
            } else {
                prev.nextLive = next;
            }
            if (next != null) {
                next.prevLive = prev;
            }
            task.prevLive = null;
            task.nextLive = null;
            s.count--;
            task.live = false;
        } finally {
            s.unlock();
        }
    }

    /** Makes the live tasks of {@code group} visible to scans until {@link #removeGroup}. */
    public void addGroup(TaskGroup group) {
        groups.add(group);
        // A group its owner forgot to close would stay here for good; every so often, drop those that
        // can no longer have live tasks. Amortised O(1) per addition.
        int adds = groupAdds.incrementAndGet();
        if (adds >= 1024 && adds >= 2 * groups.size()) {
            dropAbandonedGroups();
        }
    }

    /** Ends what {@link #addGroup} began. */
    public void removeGroup(TaskGroup group) {
        groups.remove(group);
    }

    /** Visits every group added and not yet removed (weakly consistent). */
    public void forEachGroup(Consumer<? super TaskGroup> visitor) {
        groups.forEach(visitor);
    }

    private void dropAbandonedGroups() {
        groupAdds.set(0);
        groups.removeIf(TaskGroup::abandoned);
    }

    /** @return the task the given thread runs, or {@code null} if it is not a running Weft thread */
    public ManagedTask lookup(Thread thread) {
        return find(thread, false);
    }

    /**
     * @return the task the calling thread runs, or {@code null}. A platform thread that is not a Weft
     *         thread but has a handler of its own (pool threads often do) is walked for once, then
     *         remembered, so opening scopes on it stays cheap.
     */
    public ManagedTask current() {
        return find(Thread.currentThread(), true);
    }

    /** @param own whether {@code thread} is the calling thread, which may remember that it is not a Weft thread */
    private ManagedTask find(Thread thread, boolean own) {
        Thread.UncaughtExceptionHandler h = thread.getUncaughtExceptionHandler();
        if (h instanceof ManagedTask task && task.thread() == thread) {
            return task.isLive() ? task : null;
        }
        if (h == null || h instanceof ThreadGroup) {
            return null; // ended, or no handler of its own: not a Weft thread
        }
        boolean remember = own && !thread.isVirtual();
        if (remember && KNOWN_FOREIGN.get() != null) {
            return null;
        }
        ManagedTask found = walk(thread);
        if (found == null && remember) {
            KNOWN_FOREIGN.set(Boolean.TRUE); // a Weft task run on this thread later takes the handler slot, found above
        }
        return found;
    }

    /** The slow way, for a thread with a handler of its own: a Weft thread whose handler user code replaced, or not a Weft thread. */
    private ManagedTask walk(Thread thread) {
        Stripe s = stripeOf(thread);
        s.lock();
        try {
            for (ManagedTask t = s.head; t != null; t = t.nextLive) {
                if (t.thread() == thread) {
                    return t;
                }
            }
        } finally {
            s.unlock();
        }
        ManagedTask[] found = new ManagedTask[1];
        for (TaskGroup g : groups) {
            g.forEachLive(t -> {
                if (t.thread() == thread) {
                    found[0] = t;
                }
            });
        }
        return found[0];
    }

    /** @return how many Weft threads run now (weakly consistent) */
    public int size() {
        int n = 0;
        for (Stripe s : stripes) {
            s.lock();
            try {
                n += s.count;
            } finally {
                s.unlock();
            }
        }
        int[] grouped = new int[1];
        for (TaskGroup g : groups) {
            g.forEachLive(t -> grouped[0]++);
        }
        return n + grouped[0];
    }

    /** Visits every running task (weakly consistent); the visitor runs outside every lock. */
    public void forEach(Consumer<? super ManagedTask> visitor) {
        snapshot().forEach(visitor);
    }

    /** @return a copy of the running tasks (weakly consistent) */
    public List<ManagedTask> snapshot() {
        List<ManagedTask> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.lock();
            try {
                for (ManagedTask t = s.head; t != null; t = t.nextLive) {
                    all.add(t);
                }
            } finally {
                s.unlock();
            }
        }
        for (TaskGroup g : groups) {
            g.forEachLive(all::add);
        }
        return all;
    }

    /**
     * One list of running tasks and its lock. The padding keeps neighbouring stripes, which are
     * allocated together, off each other's cache lines: {@code head} and {@code count} are written on
     * every add and remove of the stripe.
     */
    @SuppressWarnings("unused")
    private static final class Stripe extends ReentrantLock {
        ManagedTask head;
        int count;
        long p1, p2, p3, p4, p5, p6, p7, p8;
    }
}
