package io.dicemesh.simulator.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.simulator.sim.Trace;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The faults of a run end where its liveness phase begins: no crash or partition strikes while tables settle. */
class FaultScheduleTest {
    /**
     * A seed the swarm found (`swarm --minutes 3 --first-seed 100000`): node 0 was doomed when the safety phase ended,
     * crashed early in the liveness phase and was still down when the probe roll was asked of it.
     */
    @Test
    void aNodeDoomedAtTheEndOfTheSafetyPhaseIsNotCrashedInTheLivenessPhase() {
        RunConfig config = new RunConfig(103644, 2, 3, 2, 52, 0.0, 0.0, 0.09694048791483557, 1, 9, 1, 3, 81, 0,
                0, 0, RunConfig.Store.MEMORY, true);
        RunReport report = new SimRun(config, Set.of(), new Trace(null), SimRun.Progress.NONE).run();
        assertTrue(report.ok(), report.violations() + "; replay: " + config.replayCommand());
    }
}
