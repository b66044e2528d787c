package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A 100-roll game of 5 players ends with every peer's ledger byte-identical for the table. */
class HundredRollGameScenarioTest {
    private static final int PLAYERS = 5;
    private static final int ROLLS = 100;

    @Test
    void aHundredRollGameOfFivePlayersEndsWithByteIdenticalLedgers() {
        Scenarios.forEachSeed("HundredRollGameScenarioTest", 20, seed -> {
            Simulation sim = Scenarios.simulation(seed, PLAYERS, NetworkFaults.NONE);
            List<Integer> players = Scenarios.range(PLAYERS);
            TableId table = Scenarios.table(sim, players);
            CrapsBots bots = new CrapsBots(sim, new CrapsBots.Mix(5, 40, 0.3, 0.05, 0.03, 0.05, 0.0));
            bots.play(table, players);
            boolean played = sim.runUntil(() -> rolls(sim, table) >= ROLLS, sim.nowMs() + 600_000);
            bots.stop();
            Scenarios.assertSafe(sim);
            assertTrue(played, "only " + rolls(sim, table) + " rolls in 10 virtual minutes");
            Scenarios.assertConverges(sim, table, players, 30_000);
            TableState end = sim.node(0).engine().tableState(table).orElseThrow();
            assertTrue(end.getRollNo() - 1 >= ROLLS);
            long sum = end.getBank();
            for (var p : end.getPlayersList()) {
                sum += p.getStack() + p.getWithdrawn();
            }
            for (var b : end.getFeltList()) {
                sum += b.getStake();
            }
            assertEquals(end.getTotal(), sum, "conservation at the end of the game");
            sim.close();
        });
    }

    private static long rolls(Simulation sim, TableId table) {
        return sim.node(0).engine().tableState(table).map(s -> s.getRollNo() - 1).orElse(0L);
    }
}
