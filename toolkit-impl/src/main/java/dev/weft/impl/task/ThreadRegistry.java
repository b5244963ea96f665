package dev.weft.impl.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
 * linked through their own fields ({@link StandaloneTask#prevLive}, {@link StandaloneTask#nextLive}) into
 * one of a fixed number of doubly-linked stripes, chosen by thread id. Each stripe is guarded by its
 * own lock, held for a few field writes (or, by a scan, to copy the stripe) and never across a call
 * that blocks; a lock rather than a monitor, so that a virtual thread waiting for it during a long
 * scan unmounts instead of pinning its carrier. Adding and removing cost O(1); a removed task's
 * links are cleared, so a task held by a user never holds other tasks.
 *
 * <p>Tasks that a {@link TaskGroup} already keeps (a scope's subtasks, an executor's tasks: every
 * {@link ManagedTask} that is not a {@link StandaloneTask}) take no entry: the group is
 * registered once instead, for as long as it is open, and scans visit its live tasks. A scope nested
 * in another is reached through its parent, so only outermost scopes register. Groups are kept the
 * same way as tasks: a {@link Group} node each, in a second list of a stripe, chosen at random so
 * that one thread's groups spread over all stripes. Not in a concurrent hash set: for a short scope
 * its identity hash, the set's node and its shared size counter, and a shared counter of additions,
 * were half the time of opening and closing a scope (by profile).
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

    /** Group additions to a stripe between two looks for abandoned groups in it, at least. */
    private static final int SWEEP_EVERY = 1024;

    private final Stripe[] stripes;
    private final int mask;

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

    void add(StandaloneTask task) {
        Stripe s = stripeOf(task.thread());
        s.lock();
        try {
            StandaloneTask head = s.head;
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

    void remove(StandaloneTask task) {
        Stripe s = stripeOf(task.thread());
        s.lock();
        try {
            if (!task.live) {
                return;
            }
            StandaloneTask prev = task.prevLive, next = task.nextLive;
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

    /**
     * Makes the live tasks of {@code group} visible to scans until {@link #removeGroup} is given
     * what this returns.
     */
    public Group addGroup(TaskGroup group) {
        Stripe s = stripes[ThreadLocalRandom.current().nextInt() & mask];
        Group g = new Group(group, s);
        s.lock();
        try {
            Group head = s.groups;
            g.next = head;
            if (head != null) {
                head.prev = g;
            }
            s.groups = g;
            s.groupCount++;
            // A group its owner forgot to close would stay here for good; every so often, drop those
            // of this stripe that can no longer have live tasks. Amortised O(1) per addition.
            if (++s.groupAdds >= SWEEP_EVERY && s.groupAdds >= 2 * s.groupCount) {
                s.groupAdds = 0;
                for (Group x = s.groups; x != null; x = x.next) {
                    if (x.group.abandoned()) {
                        s.unlink(x);
                    }
                }
            }
        } finally {
            s.unlock();
        }
        return g;
    }

    /** Ends what {@link #addGroup} began; again, or after the registry dropped it as abandoned, does nothing. */
    public void removeGroup(Group g) {
        Stripe s = g.stripe;
        s.lock();
        try {
            s.unlink(g);
        } finally {
            s.unlock();
        }
    }

    /** Visits every group added and not yet removed (weakly consistent); the visitor runs outside every lock. */
    public void forEachGroup(Consumer<? super TaskGroup> visitor) {
        groups().forEach(visitor);
    }

    private List<TaskGroup> groups() {
        List<TaskGroup> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.lock();
            try {
                for (Group g = s.groups; g != null; g = g.next) {
                    all.add(g.group);
                }
            } finally {
                s.unlock();
            }
        }
        return all;
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
            for (StandaloneTask t = s.head; t != null; t = t.nextLive) {
                if (t.thread() == thread) {
                    return t;
                }
            }
        } finally {
            s.unlock();
        }
        ManagedTask[] found = new ManagedTask[1];
        for (TaskGroup g : groups()) {
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
        for (TaskGroup g : groups()) {
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
                for (StandaloneTask t = s.head; t != null; t = t.nextLive) {
                    all.add(t);
                }
            } finally {
                s.unlock();
            }
        }
        for (TaskGroup g : groups()) {
            g.forEachLive(all::add);
        }
        return all;
    }

    /**
     * A registered {@link TaskGroup}'s place in its stripe, handed to its owner for {@link #removeGroup}.
     * Every field but the two final ones is guarded by the stripe's lock.
     */
    public static final class Group {
        final TaskGroup group;
        final Stripe stripe;
        Group prev, next;
        boolean linked = true;

        Group(TaskGroup group, Stripe stripe) {
            this.group = group;
            this.stripe = stripe;
        }
    }

    /**
     * One list of running tasks, one of registered groups, and their lock. The padding keeps
     * neighbouring stripes, which are allocated together, off each other's cache lines: the heads and
     * counts are written on every add and remove of the stripe.
     */
    @SuppressWarnings("unused")
    private static final class Stripe extends ReentrantLock {
        StandaloneTask head;
        int count;
        Group groups;
        int groupCount;
        /** Group additions since the last look for abandoned groups. */
        int groupAdds;
        long p1, p2, p3, p4, p5, p6, p7, p8;

        /** Under the lock: takes {@code g} out of this stripe's groups, once. */
        void unlink(Group g) {
            if (!g.linked) {
                return;
            }
            g.linked = false;
            if (g.prev == null) {
                groups = g.next;
            } else {
                g.prev.next = g.next;
            }
            if (g.next != null) {
                g.next.prev = g.prev;
            }
            g.prev = null;
            groupCount--;
            // g.next stays: a sweep in addGroup that is standing on g goes on from there
        }
    }
}
