package io.dicemesh.simulator.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.simulator.bench.BenchRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark on real daemons, small: it measures bets that commit, and every table's copies audit clean. */
class BenchRunTest {
    @Test
    @Timeout(240)
    void aShortClosedLoopRunPlacesBetsWithoutRefusalsAndEveryAuditPasses() throws Exception {
        BenchRun.Config config = new BenchRun.Config(3, 2, 3, 2, 10, 0, 1_000, 3_000, BenchRun.Workload.BETS, 1);
        StringWriter progress = new StringWriter();
        BenchRun.Result r = new BenchRun(config, new PrintWriter(progress, true)).run();
        assertTrue(r.ok(), r.problems() + "\n" + progress);
        assertEquals(6, r.audits(), "2 tables on 3 nodes");
        assertTrue(r.betsPlaced() >= 10, "bets placed: " + r.betsPlaced());
        assertEquals(0, r.betsRefused(), "stacks and the felt have room for every bet");
        assertEquals(0, r.errors(), progress.toString());
        assertTrue(r.takeDowns() > 0, "each seat's next request takes down its last bets");
        assertTrue(r.slots() > 0 && r.opLatencyUs().getTotalCount() > 0);
        assertTrue(r.calibration().fsyncP50Us() > 0 && r.calibration().verifiesPerSecond() > 0);
    }
}
