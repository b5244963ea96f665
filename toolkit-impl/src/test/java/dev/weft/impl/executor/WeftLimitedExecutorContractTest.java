package dev.weft.impl.executor;

import dev.weft.Weft;
import java.util.concurrent.ExecutorService;

/**
 * The same contract for Weft's executor with a concurrency limit: exactly {@link #MAX_BLOCKED}
 * permits, so the tests that start more tasks than that (shutdownNow's "ran or returned") also
 * exercise the queue.
 */
class WeftLimitedExecutorContractTest extends ExecutorServiceContract {
    @Override
    ExecutorService create() {
        return Weft.executor("contract-limited").maxConcurrency(MAX_BLOCKED).build();
    }
}
