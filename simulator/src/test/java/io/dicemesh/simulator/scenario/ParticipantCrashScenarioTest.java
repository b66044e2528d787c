package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.node.core.Effect;
import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.Body;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.SimObserver;
import io.dicemesh.simulator.sim.Simulation;
import io.dicemesh.node.ledger.StoreProvider;
import io.dicemesh.simulator.sim.Trace;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A participant crashes right after voting (its RocksDB ledger closed as a killed process leaves it) and recovers
 * from that ledger: it finds its lock, repeats its vote, and the slot commits the tx it voted for on every peer.
 */
class ParticipantCrashScenarioTest {
    @TempDir
    Path dir;

    @Test
    void aParticipantThatCrashesAfterVotingRecoversFromRocksDbAndTheSlotCommits() {
        Scenarios.forEachSeed("ParticipantCrashScenarioTest", 60, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 2 + random.nextInt(4);
            Simulation sim = new Simulation(seed, n, NetworkFaults.NONE, EngineConfig.defaults(),
                    StoreProvider.rocks(dir.resolve("seed" + seed)), new Trace(null), Scenarios.scheme(seed));
            Scenarios.Log log = new Scenarios.Log();
            sim.addObserver(log);
            List<Integer> players = Scenarios.range(n);
            TableId table = Scenarios.table(sim, players);
            CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
            bots.play(table, players);
            sim.runUntil(sim.nowMs() + 100 + random.nextLong(1_500));

            int victim = random.nextInt(n);
            long[] votedSeq = {-1};
            ByteString[] votedHash = {null};
            sim.addObserver(new SimObserver() {
                @Override
                public void onEvent(SimNode node, Event event) {
                    if (node.index() == victim && votedSeq[0] < 0 && event instanceof Event.Voted v) {
                        votedSeq[0] = v.seq();
                        votedHash[0] = v.txHash();
                    }
                }
            });
            long downMs = 50 + random.nextLong(2_000);
            sim.setCrashPoint((node, effect) -> {
                if (node.index() != victim || votedSeq[0] < 0 || node.crashes() > 0
                        || !(effect instanceof Effect.Send s) || CoordinatorCrashScenarioTest.kind(s) != Body.KindCase.VOTE) {
                    return false;
                }
                sim.scheduler().after(downMs, () -> sim.restart(victim));
                return true;
            });
            boolean committed = sim.runUntil(() -> sim.node(victim).crashes() > 0 && sim.node(victim).isUp()
                    && sim.node(victim).engine().tableState(table).map(s -> s.getSeq() >= votedSeq[0]).orElse(false),
                    sim.nowMs() + 60_000);
            Scenarios.assertSafe(sim);
            assertTrue(committed, "the victim never got past the slot it voted on");
            assertEquals(Scenarios.Log.hex(votedHash[0]), log.committedHash.get(votedSeq[0]),
                    "the slot must commit the tx the crashed player had voted for");
            sim.setCrashPoint((node, effect) -> false);
            bots.stop();
            Scenarios.assertConverges(sim, table, players, 60_000);
            sim.close();
        });
    }
}
