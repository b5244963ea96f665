package dev.weft.impl.deadlock;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one thread-dump model every source produces and the analyzer reads: the threads seen at one
 * sampling, each with what it waits on and what it holds.
 *
 * <p>Invariants: immutable; thread ids are unique within a dump. A dump says nothing about threads it
 * does not list, so the analyzer never blames a thread outside it ({@link #complete()} tells whether
 * the source saw every thread of the process, as a JDK dump does, or only a part, as the registry does).
 *
 * @param source         where it came from ({@code registry}, {@code jdk-json-dump}, a file name)
 * @param runtimeVersion the JDK that wrote it, or {@code null}
 * @param rich           whether the source gave states and locks (JDK 21 dumps give only names and stacks)
 * @param complete       whether every thread of the process is listed
 * @param threads        the threads
 */
record ThreadDump(String source, String runtimeVersion, boolean rich, boolean complete, List<DumpedThread> threads) {
    ThreadDump {
        threads = List.copyOf(threads);
    }

    Map<Long, DumpedThread> byId() {
        return threads.stream().collect(Collectors.toMap(DumpedThread::id, Function.identity(), (a, b) -> a));
    }
}
