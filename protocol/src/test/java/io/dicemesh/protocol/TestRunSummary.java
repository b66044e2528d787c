package io.dicemesh.protocol;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line per module's test run with how many tests ran, so that even {@code mvn -q verify} shows the
 * count. Registered through META-INF/services; every module gets it from the protocol test-jar.
 */
public final class TestRunSummary implements TestExecutionListener {
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (test.isTest()) {
            skipped.incrementAndGet();
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            return;
        }
        switch (result.getStatus()) {
            case SUCCESSFUL -> passed.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
            case ABORTED -> aborted.incrementAndGet();
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        long ran = passed.get() + failed.get() + aborted.get();
        if (ran + skipped.get() == 0) {
            return;
        }
        String module = System.getProperty("user.dir");
        module = module.substring(module.lastIndexOf('/') + 1);
        System.out.printf("[dicemesh tests] %s: %d ran, %d passed, %d failed, %d aborted, %d skipped%n",
                module, ran, passed.get(), failed.get(), aborted.get(), skipped.get());
    }
}
