package dev.weft.impl.deadlock;

import java.io.IOException;

/**
 * A file that is readable but is not a JDK JSON thread dump. An {@link IOException}, so that
 * {@link dev.weft.DeadlockDetector#analyze(java.nio.file.Path)} keeps its signature; the message says
 * what was expected and how to write a dump.
 *
 * <pre>{@code
 * try { Weft.deadlocks().analyze(file); } catch (NotAThreadDumpException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public final class NotAThreadDumpException extends IOException {
    private static final long serialVersionUID = 1L;

    NotAThreadDumpException(String message, Throwable cause) {
        super(message, cause);
    }
}
