package dev.weft.impl.task;

/**
 * A task that no {@link TaskGroup} tracks (a thread started straight from a factory, a queue's
 * consumer, a watch loop): the {@link ThreadRegistry} lists it while it runs, linked into one of its
 * stripes through the task's own fields, so a thread costs the registry no allocation.
 *
 * <p>Invariant: {@code prevLive} and {@code nextLive} are read and written only under the lock of
 * the stripe that holds the task, and are {@code null} whenever the task is in no stripe.
 */
public abstract class StandaloneTask extends ManagedTask {
    private final TaskFactoryImpl factory;
    /** Links in the registry's stripe; guarded by the stripe. */
    StandaloneTask prevLive, nextLive;

    protected StandaloneTask(TaskFactoryImpl factory) {
        super(factory);
        this.factory = factory;
    }

    @Override
    public final TaskFactoryImpl factory() {
        return factory;
    }
}
