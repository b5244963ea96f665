package dev.weft;

/**
 * A scope failed: the cause is the first failure, every other real failure is suppressed (cancelled
 * subtasks do not count; past a cap, the message says how many were left out).
 *
 * <pre>{@code
 * try { scope.join(); } catch (ScopeFailedException e) { log.warn(e.getMessage(), e.getCause()); }
 * }</pre>
 */
public class ScopeFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String scopeName;

    public ScopeFailedException(String scopeName, String message, Throwable cause) {
        super(message, cause);
        this.scopeName = scopeName;
    }

    /** @return the name of the scope that failed */
    public String scopeName() {
        return scopeName;
    }
}
