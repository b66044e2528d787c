package io.dicemesh.simulator.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.simulator.sim.Trace;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs with hostile nodes (seated at some tables, at none of others) that send anything validly signed: every
 * invariant holds, no exception escapes an engine, every engine stays within its memory budget, every table
 * without a seated liar converges and every ledger audits clean. The seeds vary; each failure prints its replay.
 */
@Timeout(300)
class HostileRunTest {
    @Test
    void hostileNodesNeitherBreakAnInvariantNorStallATableTheyDoNotSitAt() {
        long first = Long.getLong("dicemesh.test.seed", 1L);
        int seeds = Integer.getInteger("dicemesh.hostile.seeds", 6);
        for (long seed = first; seed < first + seeds; seed++) {
            RunConfig config = new RunConfig(seed, 4, 2, 3, 80, 0.02, 0.02, 0.05, 1, 20, seed % 2 == 0 ? 1 : 0,
                    (int) (seed % 3), 50, 0, 2, 0, RunConfig.Store.MEMORY, true);
            RunReport report = new SimRun(config, Set.of(), new Trace(null), SimRun.Progress.NONE).run();
            System.out.printf("[hostile] seed %d: %d hostile messages, %d slots, engines held at most %d bytes, %d "
                    + "ledgers audited%n", seed, report.hostileMessages(), report.slotsCommitted(),
                    report.heldBytesMax(), report.ledgersAudited());
            assertTrue(report.ok(), "seed " + seed + ": " + report.violations() + "\n  replay: "
                    + config.replayCommand());
            assertTrue(report.hostileMessages() > 100, "the hostile nodes sent almost nothing");
            assertTrue(report.heldBytesMax() > 0 && report.ledgersAudited() >= 6, "nothing was measured");
        }
    }
}
