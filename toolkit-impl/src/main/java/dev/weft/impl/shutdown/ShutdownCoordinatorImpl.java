package dev.weft.impl.shutdown;

import dev.weft.ShutdownCoordinator;
import dev.weft.ShutdownPhase;
import dev.weft.StuckThread;
import dev.weft.impl.task.TaskFactoryImpl;
import dev.weft.spi.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The one JVM shutdown hook for everything Weft owns.
 *
 * <p>Phases run in {@link ShutdownPhase} order; the actions of one phase run in parallel, each on its
 * own platform daemon thread (a user action may block or pin; it must not starve the others, and a
 * daemon thread left behind cannot keep the JVM alive). The deadline is one budget for all phases: a
 * phase may use the time left divided by the number of non-empty phases left, so a phase that
 * finishes early leaves its time to the next. An action still running when its phase's time is up
 * is reported with its stack (stderr and {@link System.Logger}), interrupted and left behind: the
 * next phase starts anyway. The phases share the deadline less a small reserve (a tenth, at most
 * half a second) kept for that report. Actions that want to finish within their share (queues do) read
 * {@link #timeLeftInPhase()}.
 *
 * <p>With {@code haltWhenStuck(true)} a watchdog thread, armed when the hook begins, halts the JVM
 * at the deadline if it is still alive then — whoever hangs, Weft's actions or another library's
 * hook. A JVM whose hooks all finish exits on its own before that.
 *
 * <p>Invariants: the hook is installed once, on the first registration ({@code hookInstalled});
 * {@code started} flips once, when the hook begins. A registration added before {@code started}
 * flips is run by the hook or (when it raced with the start and the hook had already taken its
 * phase) by the registering thread, exactly once: whoever removes it from its queue runs it.
 * Registering after the start runs the action at once on the registering thread. Registrations
 * live in concurrent queues, so registering never blocks. Visibility: {@code deadlineNanos},
 * {@code haltWhenStuck} and {@code phaseDeadline} are volatile; the action queues are concurrent.
 */
public final class ShutdownCoordinatorImpl implements ShutdownCoordinator {
    private static final System.Logger LOG = System.getLogger("dev.weft.shutdown");
    private static final ShutdownCoordinatorImpl INSTANCE = new ShutdownCoordinatorImpl(true);

    private final boolean jvmWide;
    private final Map<ShutdownPhase, Set<Action>> actions = new EnumMap<>(ShutdownPhase.class);
    private final AtomicBoolean hookInstalled = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final TaskFactoryImpl threads = TaskFactoryImpl.daemonPlatform("weft-shutdown");
    private volatile long deadlineNanos = TimeUnit.SECONDS.toNanos(30);
    private volatile boolean haltWhenStuck;
    /** {@link System#nanoTime()} at which the running phase's share ends; 0 before the shutdown. */
    private volatile long phaseDeadline;

    ShutdownCoordinatorImpl(boolean jvmWide) {
        this.jvmWide = jvmWide;
        for (ShutdownPhase phase : ShutdownPhase.values()) {
            actions.put(phase, ConcurrentHashMap.newKeySet());
        }
    }

    /** @return the JVM-wide coordinator */
    public static ShutdownCoordinatorImpl instance() {
        return INSTANCE;
    }

    /** @return a coordinator that installs no hook and never halts; {@link #runNow()} runs it (for tests) */
    public static ShutdownCoordinatorImpl detached() {
        return new ShutdownCoordinatorImpl(false);
    }

    @Override
    public ShutdownCoordinator deadline(Duration deadline) {
        this.deadlineNanos = Checks.positive("deadline", deadline).toNanos();
        return this;
    }

    @Override
    public ShutdownCoordinator haltWhenStuck(boolean halt) {
        this.haltWhenStuck = halt;
        return this;
    }

    @Override
    public Registration register(ShutdownPhase phase, String name, Runnable action) {
        Checks.notNull("phase", phase);
        Checks.check("name", name);
        Checks.notNull("action", action);
        Action a = new Action(phase, name, action);
        if (started.get()) {
            runLate(a);
            return () -> {};
        }
        Set<Action> queue = actions.get(phase);
        queue.add(a);
        installHookOnce();
        if (started.get() && queue.remove(a)) {
            runLate(a); // the hook began while we registered and may have taken this phase already
        }
        return () -> queue.remove(a);
    }

    /**
     * @return the time left in the running shutdown phase; before the shutdown, the whole deadline.
     *         Never negative.
     */
    public Duration timeLeftInPhase() {
        long end = phaseDeadline;
        long left = end == 0 ? deadlineNanos : end - System.nanoTime();
        return Duration.ofNanos(Math.max(0, left));
    }

    @Override
    public boolean isShuttingDown() {
        return started.get();
    }

    private void runLate(Action a) {
        try {
            a.action.run();
        } catch (Throwable t) {
            String msg = "Weft shutdown: action '" + a.name + "' of phase " + a.phase + " failed: " + t;
            System.err.println(msg);
            LOG.log(System.Logger.Level.ERROR, msg, t);
        }
    }

    private void installHookOnce() {
        if (jvmWide && hookInstalled.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(threads.newThread(this::runNow));
            } catch (IllegalStateException alreadyShuttingDown) {
                runNow();
            }
        }
    }

    /**
     * Runs every phase now, once; later calls return an empty list at once.
     *
     * @return the threads of the actions that did not finish in time
     */
    public List<StuckThread> runNow() {
        if (!started.compareAndSet(false, true)) {
            return List.of();
        }
        long start = System.nanoTime();
        if (haltWhenStuck && jvmWide) {
            armHaltWatchdog(start + deadlineNanos);
        }
        long deadline = start + deadlineNanos - reportReserve(deadlineNanos);
        ShutdownPhase[] phases = ShutdownPhase.values();
        List<List<Action>> taken = new ArrayList<>(phases.length);
        for (ShutdownPhase phase : phases) {
            taken.add(drain(actions.get(phase)));
        }
        List<StuckThread> stuck = new ArrayList<>();
        for (int i = 0; i < phases.length; i++) {
            List<Action> phase = taken.get(i);
            if (phase.isEmpty()) {
                continue;
            }
            long share = Math.max(0, (deadline - System.nanoTime()) / nonEmptyFrom(taken, i));
            long end = System.nanoTime() + share;
            phaseDeadline = end;
            stuck.addAll(runPhase(phases[i], phase, end));
        }
        return stuck;
    }

    /** The end of the deadline kept back from the phases, so what did not finish is reported before a halt. */
    static long reportReserve(long deadlineNanos) {
        return Math.min(deadlineNanos / 10, TimeUnit.MILLISECONDS.toNanos(500));
    }

    private static int nonEmptyFrom(List<List<Action>> taken, int from) {
        int n = 0;
        for (int i = from; i < taken.size(); i++) {
            if (!taken.get(i).isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Takes every action of a phase. Each is taken by whoever removes it first (this drain, a late
     * registration, or its own unregistration), so none runs twice and none is skipped. A set keyed
     * by identity makes unregistering O(1): services may hold thousands of queues and executors.
     */
    private static List<Action> drain(Set<Action> queue) {
        List<Action> out = new ArrayList<>();
        for (Action a : queue) {
            if (queue.remove(a)) {
                out.add(a);
            }
        }
        return out;
    }

    private List<StuckThread> runPhase(ShutdownPhase phase, List<Action> phaseActions, long phaseEnd) {
        List<Thread> running = new ArrayList<>(phaseActions.size());
        for (Action a : phaseActions) {
            running.add(threads.start(() -> runLate(a)));
        }
        List<StuckThread> stuck = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < running.size(); i++) {
            Thread t = running.get(i);
            if (!joinUntil(t, phaseEnd)) {
                StuckThread s = StuckThreads.of(t);
                t.interrupt();
                stuck.add(s);
                Action a = phaseActions.get(i);
                report.append("\naction '").append(a.name).append("' is still running on ").append(s.describe());
            }
        }
        if (!stuck.isEmpty()) {
            String msg = "Weft shutdown: " + stuck.size() + " action(s) of phase " + phase
                    + " did not finish within the phase's share of the deadline; interrupted and left behind:" + report;
            System.err.println(msg);
            LOG.log(System.Logger.Level.ERROR, msg);
        }
        return stuck;
    }

    private static boolean joinUntil(Thread t, long deadline) {
        boolean interrupted = false;
        try {
            for (;;) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return !t.isAlive();
                }
                try {
                    return t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Anything (a Weft action, another hook) may hang: a daemon thread halts the JVM if it is still alive at the deadline. */
    private void armHaltWatchdog(long deadline) {
        Thread watchdog = threads.newThread(() -> {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
            System.err.println("Weft shutdown: the JVM is still shutting down after its deadline of "
                    + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms; halting");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        });
        watchdog.start();
    }

    @Override
    public String toString() {
        return "ShutdownCoordinator[deadline=" + Duration.ofNanos(deadlineNanos) + ", haltWhenStuck=" + haltWhenStuck
                + (started.get() ? ", shutting down" : "") + "]";
    }

    /** A registered action; identity, not value, tells two registrations apart. */
    private static final class Action {
        final ShutdownPhase phase;
        final String name;
        final Runnable action;

        Action(ShutdownPhase phase, String name, Runnable action) {
            this.phase = phase;
            this.name = name;
            this.action = action;
        }
    }
}
