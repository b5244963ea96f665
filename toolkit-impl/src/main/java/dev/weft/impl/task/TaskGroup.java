package dev.weft.impl.task;

import java.util.function.Consumer;

/**
 * Something that already keeps every task it starts, from before the task starts until after it
 * ends (a scope keeps its subtasks): registered once with the {@link ThreadRegistry}, it spares each
 * of its tasks an entry of its own. Its tasks answer {@code true} to {@link ManagedTask#trackedByGroup()}.
 */
public interface TaskGroup {
    /** Visits each of the group's tasks that {@link ManagedTask#isLive() is live}, and those of groups nested in it. */
    void forEachLive(Consumer<? super ManagedTask> visitor);

    /** @return whether the group can no longer have live tasks and nothing will close it: the registry may drop it */
    boolean abandoned();
}
