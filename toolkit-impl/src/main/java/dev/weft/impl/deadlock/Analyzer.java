package dev.weft.impl.deadlock;

import dev.weft.Deadlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The analyzer: one {@link ThreadDump} in, findings out. Pure and stateless (thread-safe).
 *
 * <p>The wait-for graph has an edge from a thread that waits <em>forever</em> (untimed, not for I/O)
 * to each thread known to own what it waits on: a monitor's holder (from the other threads'
 * {@code holds}; the monitor a thread is in {@code Object.wait} on is never counted as held), a Weft
 * wait point's owners, an AQS lock's owner where a source knew it. The doomed set is the greatest set
 * of such threads whose every owner is itself in the set (a thread with several owners may be freed
 * by any one of them, so all must be doomed): no thread in it can ever be released by anything
 * outside it. Its strongly connected components are the cycles; the rest of the set waits on them.
 * So a verdict of {@link Deadlock.Kind#LOCK_CYCLE} or {@link Deadlock.Kind#ALL_ASLEEP} is a proof
 * from the dump's facts. Threads that wait timed, run, wait for I/O or are not in the dump are never
 * in it.
 *
 * <p>{@link Deadlock.Kind#SUSPECTED_STALL} is what the facts cannot prove: two or more threads
 * parked untimed on two or more JDK locks whose owners the JDK does not reveal (before JDK 26), and a
 * scope whose owner joins while every running subtask waits untimed on something without a known
 * owner. The caller reports it only when a later sample shows the same threads waiting the same way.
 */
final class Analyzer {
    private Analyzer() {}

    /** One verdict: its kind, the threads (cycle first, then those waiting on it), the scope if any. */
    record Finding(Deadlock.Kind kind, List<Long> threadIds, String scope) {
        /** Identifies a verdict across samples: the same kind over the same threads. */
        String key() {
            return kind + new TreeSet<>(threadIds).toString();
        }
    }

    static List<Finding> analyze(ThreadDump dump) {
        Map<Long, DumpedThread> byId = dump.byId();
        Map<Long, List<Long>> edges = waitForGraph(dump, byId);
        Set<Long> doomed = doomed(edges);
        List<Finding> findings = new ArrayList<>(provenDeadlocks(doomed, edges, byId));
        findings.addAll(stalls(dump, byId, edges, doomed));
        return findings;
    }

    // ---- the graph ----

    static Map<Long, List<Long>> waitForGraph(ThreadDump dump, Map<Long, DumpedThread> byId) {
        Map<String, Long> holder = new HashMap<>();
        for (DumpedThread t : dump.threads()) {
            for (String lock : t.holds()) {
                holder.putIfAbsent(lock, t.id());
            }
        }
        Map<Long, List<Long>> edges = new LinkedHashMap<>();
        for (DumpedThread t : dump.threads()) {
            if (!t.waitsForever()) {
                continue;
            }
            List<Long> owners = ownersOf(t, holder);
            if (!owners.isEmpty()) {
                edges.put(t.id(), owners);
            }
        }
        return edges;
    }

    /** Who could release {@code t}: known owners, or the holder of the lock it waits to enter or acquire. */
    static List<Long> ownersOf(DumpedThread t, Map<String, Long> holder) {
        List<Long> owners = new ArrayList<>();
        owners.addAll(t.ownerIds());
        if (owners.isEmpty() && t.lockId() != null
                && (t.how() == DumpedThread.Wait.MONITOR_ENTER || t.how() == DumpedThread.Wait.LOCK)) {
            Long h = holder.get(t.lockId());
            if (h != null && h != t.id()) {
                owners.add(h);
            }
        }
        return owners;
    }

    /** Greatest fixed point: drop any waiter with an owner outside the set until nothing changes. */
    static Set<Long> doomed(Map<Long, List<Long>> edges) {
        Set<Long> set = new LinkedHashSet<>(edges.keySet());
        boolean changed = true;
        while (changed) {
            changed = set.removeIf(id -> !set.containsAll(edges.get(id)));
        }
        return set;
    }

    // ---- proven verdicts ----

    private static List<Finding> provenDeadlocks(Set<Long> doomed, Map<Long, List<Long>> edges, Map<Long, DumpedThread> byId) {
        List<List<Long>> cycles = stronglyConnected(doomed, edges);
        Map<Long, Integer> cycleOf = new HashMap<>();
        List<List<Long>> groups = new ArrayList<>();
        for (List<Long> c : cycles) {
            for (Long id : c) {
                cycleOf.put(id, groups.size());
            }
            groups.add(new ArrayList<>(c));
        }
        for (Long id : doomed) {
            if (!cycleOf.containsKey(id)) {
                Integer g = reachableCycle(id, edges, cycleOf);
                if (g != null) {
                    groups.get(g).add(id);
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (List<Long> g : groups) {
            String joinScope = allAsleepScope(g, edges, byId);
            out.add(joinScope != null
                    ? new Finding(Deadlock.Kind.ALL_ASLEEP, g, joinScope)
                    : new Finding(Deadlock.Kind.LOCK_CYCLE, g, commonScope(g, byId)));
        }
        return out;
    }

    private static Integer reachableCycle(Long from, Map<Long, List<Long>> edges, Map<Long, Integer> cycleOf) {
        Set<Long> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            Long id = todo.poll();
            if (!seen.add(id)) {
                continue;
            }
            Integer g = cycleOf.get(id);
            if (g != null) {
                return g;
            }
            todo.addAll(edges.getOrDefault(id, List.of()));
        }
        return null;
    }

    /**
     * A doomed group is "all asleep" when every thread in it waits at a Weft wait point and one of them is
     * an owner joining its scope: the scope, its owner and everything they wait for are asleep for good.
     * The scope named is that of a join nobody in the group waits for (the outermost).
     */
    private static String allAsleepScope(List<Long> group, Map<Long, List<Long>> edges, Map<Long, DumpedThread> byId) {
        Set<Long> waitedFor = new java.util.HashSet<>();
        for (Long id : group) {
            DumpedThread t = byId.get(id);
            if (t.how() != DumpedThread.Wait.WEFT) {
                return null;
            }
            waitedFor.addAll(edges.getOrDefault(id, List.of()));
        }
        String any = null;
        for (Long id : group) {
            String s = joinedScope(byId.get(id));
            if (s != null) {
                if (!waitedFor.contains(id)) {
                    return s;
                }
                any = any == null ? s : any;
            }
        }
        return any;
    }

    /** @return the scope name if {@code t} waits in the join of a scope, else {@code null} */
    static String joinedScope(DumpedThread t) {
        String on = t.waitingOn();
        if (t.how() == DumpedThread.Wait.WEFT && on != null && on.startsWith(JOIN_PREFIX) && on.endsWith("'")) {
            return on.substring(JOIN_PREFIX.length(), on.length() - 1);
        }
        return null;
    }

    static final String JOIN_PREFIX = "join of scope '";

    private static String commonScope(List<Long> group, Map<Long, DumpedThread> byId) {
        String scope = byId.get(group.get(0)).scope();
        for (Long id : group) {
            if (scope == null || !scope.equals(byId.get(id).scope())) {
                return null;
            }
        }
        return scope;
    }

    /** Tarjan's algorithm restricted to {@code nodes}; returns components that contain a cycle, each in edge order. */
    static List<List<Long>> stronglyConnected(Set<Long> nodes, Map<Long, List<Long>> edges) {
        Map<Long, Integer> index = new HashMap<>(), low = new HashMap<>();
        java.util.ArrayDeque<Long> stack = new java.util.ArrayDeque<>();
        Set<Long> onStack = new java.util.HashSet<>();
        List<List<Long>> out = new ArrayList<>();
        int[] counter = {0};
        for (Long n : nodes) {
            if (!index.containsKey(n)) {
                strongConnect(n, nodes, edges, index, low, stack, onStack, out, counter);
            }
        }
        List<List<Long>> ordered = new ArrayList<>();
        for (List<Long> c : out) {
            boolean selfLoop = c.size() == 1 && edges.getOrDefault(c.get(0), List.of()).contains(c.get(0));
            if (c.size() > 1 || selfLoop) {
                ordered.add(inCycleOrder(c, edges));
            }
        }
        return ordered;
    }

    // Recursion depth is bounded by the size of a doomed group, which is small in practice; a
    // 100,000-thread dump has few waiters with known owners in one chain.
    private static void strongConnect(Long v, Set<Long> nodes, Map<Long, List<Long>> edges, Map<Long, Integer> index,
                                      Map<Long, Integer> low, java.util.ArrayDeque<Long> stack, Set<Long> onStack,
                                      List<List<Long>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (Long w : edges.getOrDefault(v, List.of())) {
            if (!nodes.contains(w)) {
                continue;
            }
            if (!index.containsKey(w)) {
                strongConnect(w, nodes, edges, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<Long> comp = new ArrayList<>();
            Long w;
            do {
                w = stack.pop();
                onStack.remove(w);
                comp.add(w);
            } while (!w.equals(v));
            out.add(comp);
        }
    }

    /** Orders a component by following edges from its smallest id, so a report reads A → B → C → A. */
    private static List<Long> inCycleOrder(List<Long> comp, Map<Long, List<Long>> edges) {
        Set<Long> members = new java.util.HashSet<>(comp);
        List<Long> order = new ArrayList<>();
        Long cur = comp.stream().min(Long::compare).orElseThrow();
        while (cur != null && !order.contains(cur)) {
            order.add(cur);
            Long next = null;
            for (Long o : edges.getOrDefault(cur, List.of())) {
                if (members.contains(o) && !order.contains(o)) {
                    next = o;
                    break;
                }
            }
            cur = next;
        }
        for (Long id : comp) {
            if (!order.contains(id)) {
                order.add(id);
            }
        }
        return order;
    }

    // ---- suspected stalls ----

    private static List<Finding> stalls(ThreadDump dump, Map<Long, DumpedThread> byId, Map<Long, List<Long>> edges,
                                        Set<Long> doomed) {
        List<Finding> out = new ArrayList<>();
        Set<Long> inScopeStall = new java.util.HashSet<>();
        for (DumpedThread owner : dump.threads()) {
            String scope = joinedScope(owner);
            if (scope == null || doomed.contains(owner.id())) {
                continue;
            }
            List<Long> subtasks = owner.ownerIds();
            if (subtasks.isEmpty()) {
                continue;
            }
            boolean allStuck = true, someUnexplained = false;
            for (Long id : subtasks) {
                DumpedThread t = byId.get(id);
                if (t == null || !t.waitsForever() || isCondition(t)) {
                    allStuck = false;
                    break;
                }
                someUnexplained |= !doomed.contains(id) && t.how() != DumpedThread.Wait.WEFT;
            }
            if (allStuck && someUnexplained) {
                List<Long> ids = new ArrayList<>(subtasks);
                ids.add(owner.id());
                inScopeStall.addAll(ids);
                out.add(new Finding(Deadlock.Kind.SUSPECTED_STALL, ids, scope));
            }
        }
        List<Long> lockWaiters = new ArrayList<>();
        Set<String> locks = new java.util.HashSet<>();
        for (DumpedThread t : dump.threads()) {
            if (t.how() == DumpedThread.Wait.LOCK && isExclusiveLock(t) && !edges.containsKey(t.id())
                    && !inScopeStall.contains(t.id())) {
                lockWaiters.add(t.id());
                locks.add(t.lockId());
            }
        }
        if (lockWaiters.size() >= 2 && locks.size() >= 2) {
            out.add(new Finding(Deadlock.Kind.SUSPECTED_STALL, lockWaiters, commonScope(lockWaiters, byId)));
        }
        return out;
    }

    /**
     * An AQS lock's sync object ({@code ReentrantLock$NonfairSync}, {@code ReentrantReadWriteLock$FairSync}, a
     * user's {@code ...Sync}): something a thread holds while others wait. Pools, reference queues and
     * conditions are not.
     */
    static boolean isExclusiveLock(DumpedThread t) {
        String lock = t.lockId();
        if (lock == null) {
            return false;
        }
        int at = lock.indexOf('@');
        String type = at < 0 ? lock : lock.substring(0, at);
        return type.endsWith("Sync") && !type.contains("CountDownLatch") && !type.contains("Semaphore");
    }

    /** @return whether {@code t} could be part of any finding: it waits forever, and not as an idle consumer on a condition */
    static boolean mayBeReported(DumpedThread t) {
        return t.waitsForever() && !isCondition(t);
    }

    /** A condition wait (a queue's {@code take}, {@code await}) waits for a signal from anyone: an idle consumer, not a stall. */
    private static boolean isCondition(DumpedThread t) {
        String lock = t.lockId();
        return t.how() == DumpedThread.Wait.LOCK && lock != null
                && (lock.contains("ConditionObject") || lock.contains("ConditionNode") || lock.contains("Signaller")
                || lock.contains("SynchronousQueue") || lock.contains("LinkedTransferQueue")
                || lock.contains("Exchanger") || lock.contains("Phaser") || lock.contains("CountDownLatch")
                || lock.contains("FutureTask") || lock.contains("CompletableFuture"));
    }
}
