package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.Convergence;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import io.dicemesh.simulator.sim.TableSetup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A liar bridging a split table (DESIGN 5b): the honest players split into two sides that cannot reach each
 * other, and one liar talks to both, running its key on two machines (a copy of its ledger on the second), each
 * telling its side that the other side is gone and voting for that eviction. A side may evict only if its q
 * stayers satisfy 2q - n > f, so with at most f such liars the two sides can never both go on: n = 5 with f = 1
 * split 2+2 and n = 3 with f = 1 split 1+1 must refuse to evict on either side; n = 4 with f = 1 split 2+1 holds
 * (the two and the liar evict the one, which learns it when healed). n = 3 with f = 0 tolerates no liar: there
 * the bridge does fork the table, as documented.
 */
class BridgingLiarScenarioTest {
    private static final long ABSENT_MS = 3_000;
    private static final long SPLIT_MS = 20_000;

    private record Bridge(Simulation sim, TableId table, CrapsBots bots, int liar, int twin, List<Integer> honest) {
        TableState state(int node) {
            return sim.node(node).engine().tableState(table).orElseThrow();
        }

        long evicted(int node) {
            return state(node).getPlayersList().stream()
                    .filter(p -> p.getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED).count();
        }
    }

    /**
     * Seats {@code sideA} + {@code sideB} + one liar (the last index), plays, then splits the honest sides apart
     * with the liar on side A and its twin on side B, for SPLIT_MS.
     */
    private static Bridge bridge(long seed, List<Integer> sideA, List<Integer> sideB, int liarsTolerated) {
        List<Integer> honest = new ArrayList<>(sideA);
        honest.addAll(sideB);
        int liar = honest.size();
        List<Integer> players = new ArrayList<>(honest);
        players.add(liar);
        Simulation sim = Scenarios.simulation(seed, players.size(), NetworkFaults.NONE);
        TableRules rules = TableSetup.rules(200, 2_000).toBuilder().setAbsentTimeoutMs((int) ABSENT_MS)
                .setLiarsTolerated(liarsTolerated).build();
        TableId table = TableSetup.create(sim, players, 2_000, 1_000_000, rules, sim.nowMs() + 30_000);
        CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
        bots.play(table, players);
        sim.runUntil(sim.nowMs() + 2_000);
        int twin = sim.addTwin(liar);
        sim.setLink(liar, twin, false);
        for (int a : sideA) {
            sim.setLink(a, twin, false);
            for (int b : sideB) {
                sim.setLink(a, b, false);
            }
        }
        for (int b : sideB) {
            sim.setLink(b, liar, false);
        }
        sim.runUntil(sim.nowMs() + SPLIT_MS);
        return new Bridge(sim, table, bots, liar, twin, honest);
    }

    /**
     * The liar's second machine goes away, the split heals, and the table must converge and roll again; or, when
     * each twin had an honest player lock a different tx of its own proposal (the liar's two Proposals for one view
     * prove it), stay frozen in the documented case of conflicting honest locks, the honest players agreeing on
     * the prefix. Returns whether it played on.
     */
    private static boolean healAndPlayOn(Bridge b, List<Integer> converging) {
        b.sim().crash(b.twin());
        b.sim().healAll();
        b.bots().stop();
        boolean converged = b.sim().runUntil(() -> Convergence.stateDifference(b.sim(), b.table(), converging) == null,
                b.sim().nowMs() + 60_000);
        Scenarios.assertSafe(b.sim());
        assertTrue(converged, "no convergence after the heal: "
                + Convergence.stateDifference(b.sim(), b.table(), converging));
        int roller = converging.get(0);
        long rollNo = b.state(roller).getRollNo();
        b.sim().command(roller, new ClientRequest.Roll(b.table()), r -> { });
        boolean rolled = b.sim().runUntil(() -> converging.stream().allMatch(p -> b.state(p).getRollNo() > rollNo),
                b.sim().nowMs() + 60_000);
        Scenarios.assertSafe(b.sim());
        if (!rolled) {
            Set<ByteString> locks = new HashSet<>();
            for (int h : converging) {
                b.sim().node(h).engine().lockedTxHash(b.table()).ifPresent(locks::add);
            }
            assertTrue(locks.size() > 1, "the table did not roll after the heal, and no honest locks conflict");
            assertTrue(converging.stream().anyMatch(h -> b.sim().node(h).engine().evidence(b.table()).stream()
                    .anyMatch(e -> e.getKind() == EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS)),
                    "honest locks conflict without evidence of the liar's two proposals");
        }
        return rolled;
    }

    @Test
    void fiveWithOneLiarTolerated_splitTwoAndTwo_neitherSideEvicts() {
        // each side has q = 3 with the liar: 2q - n = 1, not above f = 1 (without f, both would evict)
        neitherSideEvicts(List.of(0, 1), List.of(2, 3));
    }

    @Test
    void threeWithOneLiarTolerated_splitOneAndOne_neitherSideEvicts() {
        neitherSideEvicts(List.of(0), List.of(1)); // q = 2 of 3: 2q - n = 1, not above f = 1
    }

    private static void neitherSideEvicts(List<Integer> sideA, List<Integer> sideB) {
        Scenarios.forEachSeed("BridgingLiarScenarioTest", 8, seed -> {
            Bridge b = bridge(seed, sideA, sideB, 1);
            Scenarios.assertSafe(b.sim());
            for (int p : b.honest()) {
                assertEquals(0, b.evicted(p), "node " + p + " evicted someone");
            }
            healAndPlayOn(b, b.honest());
            b.sim().close();
        });
    }

    @Test
    void fourWithOneLiarTolerated_splitTwoAndOne_onlyTheTwoGoOn() {
        Scenarios.forEachSeed("BridgingLiarScenarioTest", 8, seed -> {
            Bridge b = bridge(seed, List.of(0, 1), List.of(2), 1);
            Scenarios.assertSafe(b.sim());
            EvictionCause cause = b.state(0).getPlayers(2).getEvicted();
            assertTrue(cause == EvictionCause.EVICTION_ABSENCE || cause == EvictionCause.EVICTION_WITHHOLDING,
                    "the two and the liar did not evict the one cut off: " + cause);
            assertEquals(1, b.evicted(0));
            assertEquals(0, b.evicted(2), "the one cut off, with the liar's twin, evicted someone");
            healAndPlayOn(b, List.of(0, 1));
            boolean learned = b.sim().runUntil(() -> Convergence.stateDifference(b.sim(), b.table(), b.honest())
                    == null, b.sim().nowMs() + 60_000);
            assertTrue(learned, "the evicted node did not learn its eviction: "
                    + Convergence.stateDifference(b.sim(), b.table(), b.honest()));
            assertEquals(cause, b.state(2).getPlayers(2).getEvicted());
            Scenarios.assertSafe(b.sim());
            b.sim().close();
        });
    }

    /**
     * The bound is tight: a table of three with f = 0 (the default) trusts that no player lies during an eviction,
     * and a key run on two machines across a 1+1 split does fork it (each side evicts the other). What still holds
     * is each honest node's own ledger: its tokens are conserved and nothing moved without a signed intent.
     */
    @Test
    void threeWithNoLiarTolerated_splitOneAndOne_theBridgeForksTheTable() {
        Scenarios.forEachSeed("BridgingLiarScenarioTest", 3, seed -> {
            Bridge b = bridge(seed, List.of(0), List.of(1), 0);
            assertEquals(1, b.evicted(0), "node 0's side did not evict node 1");
            assertEquals(1, b.evicted(1), "node 1's side did not evict node 0");
            List<String> broken = b.sim().checkers().violations().stream().map(v -> v.checker()).distinct().toList();
            assertEquals(List.of("agreement"), broken, "only agreement breaks: " + broken);
            b.sim().close();
        });
    }
}
