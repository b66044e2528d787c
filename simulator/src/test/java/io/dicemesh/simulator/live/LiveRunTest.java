package io.dicemesh.simulator.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The live mesh with chaos: nodes are killed with SIGKILL and restarted mid-run, and every audit still passes. */
class LiveRunTest {
    /** `live --depart` kills a node that sits at some table: one seated nowhere would test nothing. */
    @Test
    void theDepartingNodeIsDrawnFromTheNodesSeatedAtSomeTable() {
        java.util.Map<String, java.util.List<Integer>> tables = new java.util.LinkedHashMap<>();
        tables.put("t1", java.util.List.of(0, 1, 2));
        tables.put("t2", java.util.List.of(2, 3, 4)); // node 5 of 6 sits nowhere
        assertEquals(java.util.List.of(0, 1, 2, 3, 4), LiveRun.seatedNodes(tables));
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aLiveMeshWithKilledAndRestartedNodesEndsWithEveryAuditPassing() throws Exception {
        StringWriter text = new StringWriter();
        LiveRun.Config config = new LiveRun.Config(3, 1, 3, 16_000, true, 5, 2, false, 0);
        LiveRun.Report r = new LiveRun(config, new PrintWriter(text, true), false).run();
        System.out.println(text);
        assertTrue(r.ok(), r.problems() + "\n" + text);
        assertEquals(3, r.audits());
        assertFalse(r.restarts().isEmpty(), "chaos restarted no node: " + text);
        for (LiveRun.Restart restart : r.restarts()) {
            assertTrue(0 < restart.apiUpMs() && restart.apiUpMs() <= restart.readyMs(), restart.toString());
        }
        assertTrue(r.betsAccepted() > 0 && r.rolls() > 0, text.toString());
        assertTrue(r.slots() > 0);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aNodeKilledForGoodIsEvictedTheOthersPlayOnAndWhenItComesBackItShowsItsEviction() throws Exception {
        StringWriter text = new StringWriter();
        LiveRun.Config config = new LiveRun.Config(3, 1, 3, 15_000, false, 7, 2, true, 2_000);
        LiveRun.Report r = new LiveRun(config, new PrintWriter(text, true), false).run();
        System.out.println(text);
        assertTrue(r.ok(), r.problems() + "\n" + text);
        LiveRun.Departure d = r.departure();
        assertTrue(d != null, text.toString());
        long evicted = d.evictedAfterMs().values().iterator().next();
        long playedOn = d.playedOnAfterMs().values().iterator().next();
        // silence counts from the last message heard, up to a heartbeat (a third of the timeout) before the kill
        assertTrue(evicted > 2_000 / 2 && playedOn >= evicted, d.toString());
        assertTrue(d.showsEvicted().values().iterator().next(), d.toString());
        assertEquals(3, r.audits());
    }
}
