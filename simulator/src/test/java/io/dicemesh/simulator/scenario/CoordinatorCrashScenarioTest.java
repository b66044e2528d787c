package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.node.core.Effect;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.Body;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.SimObserver;
import io.dicemesh.simulator.sim.Simulation;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A coordinator crashes after sending its Prepare to only some players and restarts a while later (every player
 * must vote, so the slot waits for it); the next coordinator finishes the slot, and if anyone voted for the
 * crashed coordinator's tx, that is the tx that commits (R3).
 */
class CoordinatorCrashScenarioTest {
    @Test
    void theNextCoordinatorFinishesTheSlotWithWhatWasVoted() {
        Scenarios.forEachSeed("CoordinatorCrashScenarioTest", 150, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 3 + random.nextInt(4);
            Simulation sim = Scenarios.simulation(seed, n, NetworkFaults.NONE);
            Scenarios.Log log = new Scenarios.Log();
            sim.addObserver(log);
            List<Integer> players = Scenarios.range(n);
            TableId table = Scenarios.table(sim, players);
            CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
            bots.play(table, players);
            sim.runUntil(sim.nowMs() + 200 + random.nextLong(2_000));

            int prepareSendsBeforeCrash = 1 + random.nextInt(n - 1);
            int[] crashed = {-1};
            long[] crashedSeq = {-1};
            ByteString[] crashedHash = {null};
            int[] sends = {0};
            sim.addObserver(new SimObserver() {
                @Override
                public void onEvent(SimNode node, Event event) {
                    if (crashed[0] < 0 && event instanceof Event.Proposed p) {
                        crashed[0] = node.index();
                        crashedSeq[0] = p.seq();
                        crashedHash[0] = p.txHash();
                    }
                }
            });
            long downMs = 300 + random.nextLong(3_000);
            sim.setCrashPoint((node, effect) -> {
                // once: after its restart the coordinator repeats its Prepare, which must not crash it again
                if (node.index() != crashed[0] || node.crashes() > 0 || !(effect instanceof Effect.Send s)
                        || kind(s) != Body.KindCase.PREPARE || ++sends[0] < prepareSendsBeforeCrash) {
                    return false;
                }
                sim.scheduler().after(downMs, () -> sim.restart(node.index()));
                return true;
            });
            boolean decided = sim.runUntil(() -> crashed[0] >= 0 && sim.node(crashed[0]).crashes() > 0
                    && log.committedHash.containsKey(crashedSeq[0]), sim.nowMs() + 60_000);
            Scenarios.assertSafe(sim);
            assertTrue(decided, "the slot of the crashed coordinator was never decided");
            boolean someoneVoted = log.votes.stream().anyMatch(v -> v.seq() == crashedSeq[0]
                    && v.txHash().equals(crashedHash[0]));
            if (someoneVoted) {
                assertEquals(Scenarios.Log.hex(crashedHash[0]), log.committedHash.get(crashedSeq[0]),
                        "the slot must commit the tx that was voted for");
            }
            sim.setCrashPoint((node, effect) -> false);
            bots.stop();
            Scenarios.assertConverges(sim, table, players, 60_000);
            sim.close();
        });
    }

    static Body.KindCase kind(Effect.Send s) {
        try {
            return Body.parseFrom(s.envelope().getBody()).getKindCase();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Body.KindCase.KIND_NOT_SET;
        }
    }
}
