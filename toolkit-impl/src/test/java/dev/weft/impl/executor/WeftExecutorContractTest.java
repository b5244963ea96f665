package dev.weft.impl.executor;

import dev.weft.Weft;
import java.util.concurrent.ExecutorService;

/** The same contract for Weft's executor without a limit, built through the public entry point. */
class WeftExecutorContractTest extends ExecutorServiceContract {
    @Override
    ExecutorService create() {
        return Weft.executor("contract").build();
    }
}
