package dev.weft;

/**
 * Threads wait for one another forever; the {@link #report()} says who waits on what, owned by whom.
 *
 * <pre>{@code
 * try { scope.join(); } catch (DeadlockException e) { log.error(e.report().toText()); }
 * }</pre>
 */
public class DeadlockException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient DeadlockReport report;

    public DeadlockException(String message, DeadlockReport report) {
        super(message);
        this.report = report;
    }

    /** @return the report of the deadlock that was found */
    public DeadlockReport report() {
        return report;
    }
}
