package io.dicemesh.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void threeNodesPlayWithoutViolations() {
        Simulation sim = new Simulation(1, 3, NetworkFaults.NONE, EngineConfig.defaults(), StoreProvider.memory(),
                new Trace(null));
        long[] commits = {0};
        sim.addObserver(new SimObserver() {
            @Override
            public void onEvent(SimNode node, Event event) {
                if (event instanceof Event.SlotCommitted) {
                    commits[0]++;
                }
                if (event instanceof Event.Dropped d) {
                    System.out.println("dropped at node" + node.index() + ": " + d);
                }
            }
        });
        TableId t = TableSetup.create(sim, List.of(0, 1, 2), 1000, 100000, TableSetup.rules(200, 2000), 5000);
        CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
        bots.play(t, List.of(0, 1, 2));
        sim.runUntil(20_000);
        System.out.println("commits " + commits[0] + " results " + bots.results() + " violations "
                + sim.checkers().violations() + " state " + sim.node(0).engine().tableState(t).get().getSeq()
                + " rolls " + sim.node(0).engine().tableState(t).get().getRollNo());
        assertTrue(sim.checkers().ok(), sim.checkers().violations().toString());
        assertTrue(commits[0] > 0);
    }
}
