package dev.weft.impl.deadlock;

import java.util.List;

/**
 * One thread of a {@link ThreadDump}.
 *
 * <p>Invariants: immutable. {@code ownerIds} lists only owners that a source knew for certain (a
 * Weft wait point's owners, {@code ThreadMXBean}'s lock owner, JDK 26's {@code parkBlocker.owner});
 * a monitor's owner is not stored here but found by the analyzer from the other threads' {@code holds}.
 *
 * @param id        the thread id ({@link Thread#threadId()})
 * @param name      the thread name
 * @param virtual   whether it is virtual
 * @param state     {@link Thread.State} name, or {@code null} when the source did not say (JDK 21 dumps)
 * @param scope     the Weft scope it runs in (or owns), or {@code null}
 * @param how       how it waits
 * @param waitingOn what it waits on: a lock as {@code Class@hexIdentityHash}, or a Weft wait point's description
 * @param lockId    identity of the object waited on ({@code Class@hex}), or {@code null}
 * @param ownerIds  threads known to own what it waits on
 * @param holds     monitors and locks it holds, as {@code Class@hex}; never the monitor it waits on in {@code Object.wait}
 * @param stack     its stack, top first, as {@link StackTraceElement#toString()} writes it; possibly empty
 */
record DumpedThread(long id, String name, boolean virtual, String state, String scope, Wait how, String waitingOn,
                    String lockId, List<Long> ownerIds, List<String> holds, List<String> stack) {
    DumpedThread {
        ownerIds = List.copyOf(ownerIds);
        holds = List.copyOf(holds);
        stack = List.copyOf(stack);
    }

    /** How a thread waits, which decides whether it may be part of a deadlock. */
    enum Wait {
        /** Running, or the source cannot tell. */
        NONE,
        /** Blocked entering a monitor ({@code synchronized}). */
        MONITOR_ENTER,
        /** In {@code Object.how()} without timeout. */
        OBJECT_WAIT,
        /** Parked at a Weft wait point, untimed. */
        WEFT,
        /** Parked untimed on a JDK lock or other blocker ({@code ReentrantLock$NonfairSync}, {@code ConditionObject}). */
        LOCK,
        /** Parked untimed with no blocker ({@code LockSupport.park()}). */
        PARK,
        /** Waiting for I/O (null blocker, {@code sun.nio.ch} frames): never a deadlock. */
        IO,
        /** A timed wait of any kind ({@code sleep}, {@code parkNanos}, {@code wait(ms)}, a scope with a deadline): never a deadlock. */
        TIMED
    }

    /** @return whether this thread waits without end and without I/O, so it could be part of a deadlock */
    boolean waitsForever() {
        return switch (how) {
            case MONITOR_ENTER, OBJECT_WAIT, WEFT, LOCK, PARK -> true;
            default -> false;
        };
    }

    DumpedThread withWeftWait(String description, String waitLockId, List<Long> owners, String scopeName) {
        return new DumpedThread(id, name, virtual, state, scopeName != null ? scopeName : scope, Wait.WEFT,
                description, waitLockId, owners, holds, stack);
    }

    DumpedThread withOwners(List<Long> owners) {
        return new DumpedThread(id, name, virtual, state, scope, how, waitingOn, lockId, owners, holds, stack);
    }

    DumpedThread withHolds(List<String> moreHolds) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(holds);
        all.addAll(moreHolds);
        return new DumpedThread(id, name, virtual, state, scope, how, waitingOn, lockId, ownerIds, List.copyOf(all), stack);
    }

    DumpedThread withStack(List<String> newStack) {
        return new DumpedThread(id, name, virtual, state, scope, how, waitingOn, lockId, ownerIds, holds, newStack);
    }

    DumpedThread withScope(String scopeName) {
        return new DumpedThread(id, name, virtual, state, scopeName, how, waitingOn, lockId, ownerIds, holds, stack);
    }
}
