package dev.weft.impl.task;

/** A {@link Runnable} started directly through a {@link TaskFactoryImpl}. */
final class PlainTask extends StandaloneTask {
    private final Runnable work;

    PlainTask(TaskFactoryImpl factory, Runnable work) {
        super(factory);
        this.work = work;
    }

    @Override
    protected void body() {
        work.run();
    }
}
