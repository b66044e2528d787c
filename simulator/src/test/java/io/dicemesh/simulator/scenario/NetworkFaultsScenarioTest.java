package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.TableId;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Dropped, duplicated, reordered and delayed messages never break an invariant, and the table converges after. */
class NetworkFaultsScenarioTest {
    @Test
    void dropsDuplicatesAndReordersKeepEveryInvariantAndTheTableConverges() {
        Scenarios.forEachSeed("NetworkFaultsScenarioTest", 150, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 2 + random.nextInt(5);
            NetworkFaults faults = new NetworkFaults(random.nextDouble() * 0.15, random.nextDouble() * 0.15,
                    random.nextDouble() * 0.3, 1, 1 + random.nextLong(40), 1 + random.nextLong(200));
            Simulation sim = Scenarios.simulation(seed, n, NetworkFaults.NONE);
            Scenarios.Log log = new Scenarios.Log();
            sim.addObserver(log);
            List<Integer> players = Scenarios.range(n);
            TableId table = Scenarios.table(sim, players);
            sim.network().setFaults(faults);
            CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
            bots.play(table, players);
            sim.runUntil(sim.nowMs() + 5_000);
            bots.stop();
            Scenarios.assertSafe(sim);
            assertTrue(log.commits > 0, "nothing committed under " + faults);
            assertTrue(log.provenAgainstHonest(sim, players).isEmpty(), "an honest player was accused: "
                    + log.provenAgainstHonest(sim, players));
            Scenarios.assertConverges(sim, table, players, 60_000);
            sim.close();
        });
    }
}
