package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.Convergence;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import io.dicemesh.simulator.sim.TableSetup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Partitions longer than the absent timeout (DESIGN 5b): a side may evict the others only if the q players on it
 * satisfy 2q - n > f, so two sides never both go on. 2+2 and 1+1: neither side evicts, and after the heal the whole
 * table plays on; 2+1 (f = 0): the two evict the one, which after the heal learns its eviction. No fork in any.
 */
class PartitionScenarioTest {
    private static final long ABSENT_MS = 3_000;
    /** How long the sides stay apart: many absent timeouts. */
    private static final long SPLIT_MS = 20_000;

    private static TableRules rules(int liarsTolerated) {
        return TableSetup.rules(200, 2_000).toBuilder().setAbsentTimeoutMs((int) ABSENT_MS)
                .setLiarsTolerated(liarsTolerated).build();
    }

    private record Split(Simulation sim, Scenarios.Log log, TableId table, CrapsBots bots) {
    }

    /** A table of {@code sideA} + {@code sideB} players with bots, split apart for SPLIT_MS. */
    private static Split split(long seed, List<Integer> sideA, List<Integer> sideB, int liarsTolerated) {
        List<Integer> players = new ArrayList<>(sideA);
        players.addAll(sideB);
        Simulation sim = Scenarios.simulation(seed, players.size(), NetworkFaults.NONE);
        Scenarios.Log log = new Scenarios.Log();
        sim.addObserver(log);
        TableId table = TableSetup.create(sim, players, 2_000, 1_000_000, rules(liarsTolerated), sim.nowMs() + 30_000);
        CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
        bots.play(table, players);
        sim.runUntil(sim.nowMs() + 2_000);
        for (int a : sideA) {
            for (int b : sideB) {
                sim.setLink(a, b, false);
                sim.setLink(b, a, false);
            }
        }
        sim.runUntil(sim.nowMs() + SPLIT_MS);
        Scenarios.assertSafe(sim);
        return new Split(sim, log, table, bots);
    }

    private static TableState state(Simulation sim, TableId table, int node) {
        return sim.node(node).engine().tableState(table).orElseThrow();
    }

    private static boolean anyEvicted(TableState s) {
        return s.getPlayersList().stream().anyMatch(p -> p.getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED);
    }

    /** Heals, stops the bots, and requires every player at one state, then a roll everyone commits. */
    private static void healAndPlayOn(Split s, List<Integer> players) {
        s.sim().healAll();
        s.bots().stop();
        boolean converged = s.sim().runUntil(() -> Convergence.stateDifference(s.sim(), s.table(), players) == null,
                s.sim().nowMs() + 60_000);
        Scenarios.assertSafe(s.sim());
        assertTrue(converged, "no convergence after the heal: "
                + Convergence.stateDifference(s.sim(), s.table(), players));
        long rollNo = state(s.sim(), s.table(), players.get(0)).getRollNo();
        s.sim().command(players.get(0), new ClientRequest.Roll(s.table()), r -> { });
        boolean rolled = s.sim().runUntil(() -> players.stream()
                .allMatch(p -> state(s.sim(), s.table(), p).getRollNo() > rollNo), s.sim().nowMs() + 60_000);
        Scenarios.assertSafe(s.sim());
        assertTrue(rolled, "the table did not roll after the heal");
    }

    @Test
    void aTableOfFourSplitTwoAndTwoEvictsNobodyAndPlaysOnWhenHealed() {
        Scenarios.forEachSeed("PartitionScenarioTest", 10, seed -> {
            for (int f : new int[] {0, 1}) { // q = 2 of n = 4: 2q - n = 0, no quorum whatever f
                Split s = split(seed, List.of(0, 1), List.of(2, 3), f);
                for (int p = 0; p < 4; p++) {
                    assertTrue(!anyEvicted(state(s.sim(), s.table(), p)), "f=" + f + ": node " + p + " evicted someone");
                }
                healAndPlayOn(s, List.of(0, 1, 2, 3));
                s.sim().close();
            }
        });
    }

    @Test
    void aTableOfTwoSplitApartEvictsNobodyAndPlaysOnWhenHealed() {
        Scenarios.forEachSeed("PartitionScenarioTest", 10, seed -> {
            Split s = split(seed, List.of(0), List.of(1), 0);
            assertTrue(!anyEvicted(state(s.sim(), s.table(), 0)) && !anyEvicted(state(s.sim(), s.table(), 1)));
            healAndPlayOn(s, List.of(0, 1));
            s.sim().close();
        });
    }

    @Test
    void aTableOfThreeSplitTwoAndOneGoesOnWithTheTwoAndTheOneLearnsItsEvictionWhenHealed() {
        Scenarios.forEachSeed("PartitionScenarioTest", 10, seed -> {
            Split s = split(seed, List.of(0, 1), List.of(2), 0);
            EvictionCause cause = state(s.sim(), s.table(), 0).getPlayers(2).getEvicted();
            // absent, or a withholder when the split came while the roll awaited its reveal
            assertTrue(cause == EvictionCause.EVICTION_ABSENCE || cause == EvictionCause.EVICTION_WITHHOLDING,
                    "the majority did not evict the one cut off: " + cause);
            assertEquals(cause, state(s.sim(), s.table(), 1).getPlayers(2).getEvicted());
            assertTrue(!anyEvicted(state(s.sim(), s.table(), 2)), "the one cut off evicted someone");
            long before = s.log().commits;
            s.sim().runUntil(s.sim().nowMs() + 5_000);
            assertTrue(s.log().commits > before, "the two did not play on");
            s.sim().healAll();
            s.bots().stop();
            boolean learned = s.sim().runUntil(() -> Convergence.stateDifference(s.sim(), s.table(), List.of(0, 1, 2))
                    == null, s.sim().nowMs() + 60_000);
            Scenarios.assertSafe(s.sim());
            assertTrue(learned, "the evicted node did not catch up: "
                    + Convergence.stateDifference(s.sim(), s.table(), List.of(0, 1, 2)));
            assertEquals(cause, state(s.sim(), s.table(), 2).getPlayers(2).getEvicted());
            s.sim().close();
        });
    }
}
