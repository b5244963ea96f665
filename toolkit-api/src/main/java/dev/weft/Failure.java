package dev.weft;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * A task ended by throwing.
 *
 * <pre>{@code
 * Weft.tasks("ingest").onFailure(f -> log.warn(f.describe())).build();
 * }</pre>
 *
 * @param taskName  the task's (and its thread's) name
 * @param thread    the thread that ran it
 * @param throwable what it threw
 * @param scope     the name of the scope it belonged to, or {@code null}
 */
public record Failure(String taskName, Thread thread, Throwable throwable, String scope) {
    public Failure {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(throwable, "throwable");
    }

    /** @return one line saying which task of which scope failed and how, then the stack trace */
    public String describe() {
        StringWriter out = new StringWriter();
        out.append("task '").append(taskName).append('\'');
        if (scope != null) {
            out.append(" of scope '").append(scope).append('\'');
        }
        out.append(" failed on thread ").append(thread.toString()).append(": ");
        throwable.printStackTrace(new PrintWriter(out));
        return out.toString().stripTrailing();
    }
}
