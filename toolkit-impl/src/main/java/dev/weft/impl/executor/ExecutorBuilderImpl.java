package dev.weft.impl.executor;

import dev.weft.ExecutorBuilder;
import java.lang.reflect.Proxy;

/** Placeholder until issue #5 lands: every method says so. */
public final class ExecutorBuilderImpl {
    private ExecutorBuilderImpl() {}

    public static ExecutorBuilder create(String name) {
        return (ExecutorBuilder) Proxy.newProxyInstance(ExecutorBuilder.class.getClassLoader(), new Class<?>[] {ExecutorBuilder.class}, (p, m, a) -> {
            throw new UnsupportedOperationException("Weft.executor(..) is not implemented yet (issue #5)");
        });
    }
}
