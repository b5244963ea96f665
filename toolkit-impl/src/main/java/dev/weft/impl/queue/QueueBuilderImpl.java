package dev.weft.impl.queue;

import dev.weft.QueueBuilder;
import java.lang.reflect.Proxy;

/** Placeholder until issue #3 lands: every method says so. */
public final class QueueBuilderImpl {
    private QueueBuilderImpl() {}

    public static QueueBuilder create(String name) {
        return (QueueBuilder) Proxy.newProxyInstance(QueueBuilder.class.getClassLoader(), new Class<?>[] {QueueBuilder.class}, (p, m, a) -> {
            throw new UnsupportedOperationException("Weft.queue(..) is not implemented yet (issue #3)");
        });
    }
}
