package dev.weft;

import java.time.Duration;

/**
 * A scope's deadline passed before its subtasks finished; they were cancelled.
 *
 * <pre>{@code
 * try { scope.join(); } catch (ScopeTimeoutException e) { return fallback(); }
 * }</pre>
 */
public class ScopeTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String scopeName;
    private final Duration timeout;

    public ScopeTimeoutException(String scopeName, Duration timeout, String message) {
        super(message);
        this.scopeName = scopeName;
        this.timeout = timeout;
    }

    /** @return the name of the scope that timed out */
    public String scopeName() {
        return scopeName;
    }

    /** @return the effective timeout of the scope, measured from when it was opened */
    public Duration timeout() {
        return timeout;
    }
}
