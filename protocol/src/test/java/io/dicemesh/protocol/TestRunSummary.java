package io.dicemesh.protocol;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line per module's test run with how many tests ran, so that even {@code mvn -q verify} shows the
 * count. Registered through META-INF/services; every module gets it from the protocol test-jar. A module with more
 * than one test run (the node's fuzzing runs) names each extra run in the system property {@value #RUN_PROPERTY}.
 */
public final class TestRunSummary implements TestExecutionListener {
    /** System property naming a test run other than the module's main one, e.g. {@code fuzzing EngineFuzzTest}. */
    static final String RUN_PROPERTY = "dicemesh.tests.run";

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
        String run = System.getProperty(RUN_PROPERTY, "");
        if (!run.isBlank()) {
            module += " (" + run + ")";
        }
        System.out.printf("[dicemesh tests] %s: %d ran, %d passed, %d failed, %d aborted, %d skipped%n",
                module, ran, passed.get(), failed.get(), aborted.get(), skipped.get());
    }
}
