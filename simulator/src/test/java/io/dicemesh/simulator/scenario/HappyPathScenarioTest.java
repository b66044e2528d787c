package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.TableId;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every player coordinates in turn, and the table commits on every peer: 2 to 16 players, no faults. */
class HappyPathScenarioTest {
    @Test
    void everyPlayerCoordinatesInTurnAndEveryPeerCommitsTheSameSlots() {
        Scenarios.forEachSeed("HappyPathScenarioTest", 150, seed -> {
            int n = 2 + (int) (seed % 15);
            Simulation sim = Scenarios.simulation(seed, n, NetworkFaults.NONE);
            Scenarios.Log log = new Scenarios.Log();
            sim.addObserver(log);
            List<Integer> players = Scenarios.range(n);
            TableId table = Scenarios.table(sim, players);
            CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
            bots.play(table, players);
            boolean allCoordinated = sim.runUntil(() -> log.proposalsByNode.size() == n
                    && log.committedHash.size() > 2L * n && bots.betsAccepted() > 0 && bots.rollsAnswered() > 0,
                    sim.nowMs() + 60_000);
            bots.stop();
            Scenarios.assertSafe(sim);
            assertTrue(allCoordinated, "only " + log.proposalsByNode.keySet() + " of " + n + " coordinated, "
                    + bots.betsAccepted() + " bets accepted, " + bots.rollsAnswered() + " rolls answered");
            for (var proposals : log.proposalsByNode.values()) {
                for (var p : proposals) {
                    assertEquals(0, p.view(), "a view change happened without any fault");
                }
            }
            Scenarios.assertConverges(sim, table, players, 30_000);
            sim.close();
        });
    }
}
