package dev.weft.impl.executor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The reference: the contract as the JDK's virtual-thread-per-task executor fulfils it. */
class JdkVirtualExecutorContractTest extends ExecutorServiceContract {
    @Override
    ExecutorService create() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }
}
