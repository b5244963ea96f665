package dev.weft;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * A {@link ExecutorService} with one virtual thread per task, Weft's failure capture and naming,
 * an optional concurrency limit, and a shutdown that never hangs.
 *
 * <pre>{@code
 * ManagedExecutor ex = Weft.executor("orders").maxConcurrency(200).build();
 * Future<Receipt> f = ex.submit(() -> pay(order));
 * ShutdownReport r = ex.close(Duration.ofSeconds(5));
 * }</pre>
 */
public interface ManagedExecutor extends ExecutorService {
    /** Stops intake, waits for running and queued tasks up to {@code timeout}, then interrupts, then reports. */
    ShutdownReport close(Duration timeout);

    /** @return counters of this executor */
    ExecutorStats stats();

    /** @return the executor's name */
    String name();
}
