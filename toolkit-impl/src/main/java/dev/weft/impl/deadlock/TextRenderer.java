package dev.weft.impl.deadlock;

import dev.weft.BlockedThread;
import dev.weft.Deadlock;

/** Renderer: a report as text, in the familiar {@code jstack} layout ("Found one Java-level deadlock:"). Stateless. */
final class TextRenderer {
    private static final String[] COUNT = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

    private TextRenderer() {}

    static String render(DeadlockReportImpl r) {
        StringBuilder sb = new StringBuilder();
        int n = r.deadlocks().size();
        if (n == 0) {
            sb.append("No deadlock found among ").append(r.threadsSeen()).append(" threads (").append(r.source()).append(").\n");
        } else {
            String count = n < COUNT.length ? COUNT[n] : String.valueOf(n);
            sb.append("Found ").append(count).append(" Java-level deadlock").append(n == 1 ? "" : "s").append(":\n");
            sb.append("=".repeat(29)).append('\n');
            int i = 0;
            for (Deadlock d : r.deadlocks()) {
                if (i++ > 0) {
                    sb.append('\n');
                }
                deadlock(sb, d);
            }
            sb.append("\n(").append(r.threadsSeen()).append(" threads seen, from ").append(r.source()).append(")\n");
        }
        for (String note : r.notes()) {
            sb.append("Note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    private static void deadlock(StringBuilder sb, Deadlock d) {
        sb.append(d.kind()).append(switch (d.kind()) {
            case LOCK_CYCLE -> ": a cycle of threads, each waiting without timeout for what the next one owns";
            case ALL_ASLEEP -> ": scope '" + d.scope() + "', its owner and every subtask wait on one another for good";
            case SUSPECTED_STALL -> ": unchanged between samples, but the owners are not known, so not proven"
                    + (d.scope() != null ? " (scope '" + d.scope() + "')" : "");
        }).append('\n');
        for (BlockedThread t : d.threads()) {
            sb.append("\n\"").append(t.name()).append("\" #").append(t.id()).append(t.virtual() ? " virtual" : " platform")
              .append(' ').append(t.state());
            if (t.scope() != null) {
                sb.append(" scope '").append(t.scope()).append('\'');
            }
            sb.append('\n');
            if (t.waitingOn() != null) {
                sb.append("  waiting on ").append(t.waitingOn()).append('\n');
            }
            // a lock or monitor is held; a Weft wait point (a result, a join, a permit) is released by its owners
            boolean held = t.waitingOn() != null && (t.waitingOn().startsWith("monitor ") || t.waitingOn().startsWith("lock "));
            String by = held ? "  which is held by " : "  to be released by ";
            if (t.ownerName() != null && t.ownerName().contains(", ")) {
                sb.append(by).append("threads ").append(t.ownerName()).append('\n');
            } else if (t.ownerName() != null) {
                sb.append(by).append('"').append(t.ownerName()).append('"');
                if (t.ownerId() >= 0) {
                    sb.append(" #").append(t.ownerId());
                }
                sb.append('\n');
            } else if (t.waitingOn() != null) {
                sb.append("  owner not known\n");
            }
            for (String h : t.holds()) {
                sb.append("  holds ").append(h).append('\n');
            }
            int shown = 0;
            for (String frame : t.stack()) {
                if (shown++ == 24) {
                    sb.append("\t... ").append(t.stack().size() - 24).append(" more\n");
                    break;
                }
                sb.append("\tat ").append(frame).append('\n');
            }
        }
    }
}
