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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one JVM shutdown hook for everything Weft owns.
 *
 * <p>Phases run in {@link ShutdownPhase} order; the actions of one phase run in parallel, each on its
 * own platform daemon thread (a user action may block or pin; it must not starve the others). Each
 * phase may use the time left divided by the number of phases left, so a phase that finishes early
 * leaves its time to the next. Actions still running when their phase's time is up are interrupted,
 * reported with their stacks, and left behind: the next phase starts anyway.
 *
 * <p>Invariants: the hook is installed once, on the first registration ({@code hookInstalled});
 * {@code started} flips once, when the hook begins; a registration made after that runs at once on
 * the registering thread, since the hook may already be past its phase. Registrations live in
 * concurrent queues, so registering never blocks and the hook sees every registration made before
 * it began.
 */
public final class ShutdownCoordinatorImpl implements ShutdownCoordinator {
    private static final System.Logger LOG = System.getLogger("dev.weft.shutdown");
    private static final ShutdownCoordinatorImpl INSTANCE = new ShutdownCoordinatorImpl(true);

    private final boolean jvmWide;
    private final Map<ShutdownPhase, ConcurrentLinkedQueue<Action>> actions = new EnumMap<>(ShutdownPhase.class);
    private final AtomicBoolean hookInstalled = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final TaskFactoryImpl threads = TaskFactoryImpl.daemonPlatform("weft-shutdown");
    private volatile long deadlineNanos = TimeUnit.SECONDS.toNanos(30);
    private volatile boolean haltWhenStuck;

    ShutdownCoordinatorImpl(boolean jvmWide) {
        this.jvmWide = jvmWide;
        for (ShutdownPhase phase : ShutdownPhase.values()) {
            actions.put(phase, new ConcurrentLinkedQueue<>());
        }
    }

    /** @return the JVM-wide coordinator */
    public static ShutdownCoordinatorImpl instance() {
        return INSTANCE;
    }

    /** @return a coordinator that installs no hook; {@link #runNow()} runs it (for tests) */
    static ShutdownCoordinatorImpl detached() {
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
        actions.get(phase).add(a);
        installHookOnce();
        if (started.get() && actions.get(phase).remove(a)) {
            runLate(a); // the hook began between our check and our add, and may have missed us
        }
        return () -> actions.get(phase).remove(a);
    }

    private void runLate(Action a) {
        try {
            a.action.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "shutdown action '" + a.name + "' failed", e);
        }
    }

    @Override
    public boolean isShuttingDown() {
        return started.get();
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
     * @return the actions that did not finish in time
     */
    public List<StuckThread> runNow() {
        if (!started.compareAndSet(false, true)) {
            return List.of();
        }
        long deadline = System.nanoTime() + deadlineNanos;
        List<StuckThread> stuck = new ArrayList<>();
        ShutdownPhase[] phases = ShutdownPhase.values();
        for (int i = 0; i < phases.length; i++) {
            List<Action> phase = drain(actions.get(phases[i]));
            if (phase.isEmpty()) {
                continue;
            }
            long share = Math.max(0, (deadline - System.nanoTime()) / (phases.length - i));
            stuck.addAll(runPhase(phases[i], phase, System.nanoTime() + share));
        }
        if (!stuck.isEmpty()) {
            reportStuck(stuck);
            if (haltWhenStuck && jvmWide) {
                Runtime.getRuntime().halt(1);
            }
        } else if (haltWhenStuck && jvmWide) {
            armHaltWatchdog(deadline);
        }
        return stuck;
    }

    private static List<Action> drain(ConcurrentLinkedQueue<Action> queue) {
        List<Action> out = new ArrayList<>();
        for (Action a; (a = queue.poll()) != null; ) {
            out.add(a);
        }
        return out;
    }

    private List<StuckThread> runPhase(ShutdownPhase phase, List<Action> phaseActions, long phaseDeadline) {
        List<Thread> running = new ArrayList<>(phaseActions.size());
        for (Action a : phaseActions) {
            running.add(threads.start(() -> runLate(a)));
        }
        List<StuckThread> stuck = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            Thread t = running.get(i);
            if (!joinUntil(t, phaseDeadline)) {
                stuck.add(StuckThreads.of(t));
                t.interrupt();
                LOG.log(System.Logger.Level.WARNING, "shutdown action '" + phaseActions.get(i).name + "' of phase "
                        + phase + " did not finish in time");
            }
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

    private static void reportStuck(List<StuckThread> stuck) {
        StringBuilder msg = new StringBuilder("Weft shutdown: ").append(stuck.size())
                .append(" action(s) did not finish before the deadline:");
        for (StuckThread t : stuck) {
            msg.append('\n').append(t.describe());
        }
        System.err.println(msg);
        LOG.log(System.Logger.Level.ERROR, msg.toString());
    }

    /** Other hooks (not Weft's) may hang: a daemon thread halts the JVM if it is still alive at the deadline. */
    private void armHaltWatchdog(long deadline) {
        Thread watchdog = threads.newThread(() -> {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, left);
            }
            System.err.println("Weft shutdown: the JVM is still shutting down after its deadline; halting");
            Runtime.getRuntime().halt(1);
        });
        watchdog.start();
    }

    private record Action(ShutdownPhase phase, String name, Runnable action) {}
}
