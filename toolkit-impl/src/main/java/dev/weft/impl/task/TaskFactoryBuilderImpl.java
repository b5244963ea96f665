package dev.weft.impl.task;

import dev.weft.ContextCarrier;
import dev.weft.Failure;
import dev.weft.TaskFactory;
import dev.weft.TaskFactoryBuilder;
import dev.weft.spi.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/** Builds {@link TaskFactoryImpl}s. Not thread-safe, like every builder. */
public final class TaskFactoryBuilderImpl implements TaskFactoryBuilder {
    private final String name;
    private Consumer<? super Failure> handler;
    private boolean virtual = true;
    private boolean daemon = true;
    /** The global carriers plus those added; copied on the first addition, as most builders add none. */
    private List<ContextCarrier<?>> carriers = GlobalCarriers.ALL;

    public TaskFactoryBuilderImpl(String name) {
        this.name = Checks.check("name", name);
    }

    @Override
    public TaskFactoryBuilderImpl onFailure(Consumer<? super Failure> handler) {
        this.handler = Checks.notNull("handler", handler);
        return this;
    }

    @Override
    public TaskFactoryBuilderImpl virtual() {
        this.virtual = true;
        return this;
    }

    @Override
    public TaskFactoryBuilderImpl platform(boolean daemon) {
        this.virtual = false;
        this.daemon = daemon;
        return this;
    }

    @Override
    public TaskFactoryBuilderImpl carry(ContextCarrier<?> carrier) {
        Checks.notNull("carrier", carrier);
        ownCarriers().add(carrier);
        return this;
    }

    /** Adds carriers without duplicating those already present. */
    public TaskFactoryBuilderImpl carryAll(List<ContextCarrier<?>> more) {
        for (ContextCarrier<?> c : more) {
            if (!carriers.contains(c)) {
                ownCarriers().add(c);
            }
        }
        return this;
    }

    private List<ContextCarrier<?>> ownCarriers() {
        if (carriers == GlobalCarriers.ALL) {
            carriers = new ArrayList<>(GlobalCarriers.ALL);
        }
        return carriers;
    }

    @Override
    public TaskFactoryImpl build() {
        return new TaskFactoryImpl(name, virtual, daemon, handler, carriers);
    }

    /** Carriers installed for every factory through {@link ServiceLoader}; loaded once. */
    private static final class GlobalCarriers {
        static final List<ContextCarrier<?>> ALL = load();

        private static List<ContextCarrier<?>> load() {
            List<ContextCarrier<?>> found = new ArrayList<>();
            ServiceLoader.load(ContextCarrier.class, TaskFactoryBuilderImpl.class.getClassLoader())
                    .forEach(found::add);
            return List.copyOf(found);
        }
    }
}
