package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.Byzantine;
import io.dicemesh.simulator.sim.Convergence;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lying players: whatever one player does, honest peers never fork, nothing moves without its owner's signed
 * intent, and the liar is named by evidence. Player 0 lies; the others are honest.
 */
class ByzantineScenarioTest {
    private static final int LIAR = 0;

    private record Run(Simulation sim, Scenarios.Log log, TableId table, List<Integer> honest, CrapsBots bots) {
    }

    private static Run start(long seed, Byzantine.Behaviour behaviour, int minPlayers, NetworkFaults faults) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = minPlayers + random.nextInt(3);
        Simulation sim = Scenarios.simulation(seed, n, NetworkFaults.NONE);
        Scenarios.Log log = new Scenarios.Log();
        sim.addObserver(log);
        List<Integer> players = Scenarios.range(n);
        TableId table = Scenarios.table(sim, players);
        sim.setAdversary(LIAR, Byzantine.of(sim.splitRandom(), behaviour));
        sim.network().setFaults(faults);
        CrapsBots bots = new CrapsBots(sim, CrapsBots.Mix.DEFAULT);
        bots.play(table, players);
        List<Integer> honest = new ArrayList<>(players);
        honest.remove(Integer.valueOf(LIAR));
        return new Run(sim, log, table, honest, bots);
    }

    @Test
    void aCoordinatorSendingDifferentTxsToDifferentPlayersStallsTheTableWithEvidenceAndNeverForks() {
        Scenarios.forEachSeed("ByzantineScenarioTest", 100, seed -> {
            Run r = start(seed, Byzantine.Behaviour.EQUIVOCATE, 3, NetworkFaults.NONE);
            boolean named = r.sim().runUntil(() -> r.log().evidenceAgainst(r.sim(), LIAR,
                    EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, r.honest()), r.sim().nowMs() + 60_000);
            Scenarios.assertSafe(r.sim());
            assertTrue(named, "no honest peer named the equivocating coordinator");
            r.sim().runUntil(r.sim().nowMs() + 5_000);
            long frozenAt = r.log().commits;
            r.sim().runUntil(r.sim().nowMs() + 20_000);
            Scenarios.assertSafe(r.sim());
            assertEquals(frozenAt, r.log().commits, "the table must stay frozen while locks conflict");
            assertHonestAgreeOnPrefix(r);
            assertTrue(r.log().provenAgainstHonest(r.sim(), r.honest()).isEmpty());
            r.sim().close();
        });
    }

    @Test
    void aCoordinatorIncludingAForgedIntentBatchIsNamedAndTheTableMovesOn() {
        Scenarios.forEachSeed("ByzantineScenarioTest", 100, seed -> {
            Run r = start(seed, Byzantine.Behaviour.FORGE_BATCH, 2, NetworkFaults.NONE);
            boolean named = r.sim().runUntil(() -> r.log().evidenceAgainst(r.sim(), LIAR,
                    EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, r.honest()), r.sim().nowMs() + 60_000);
            assertTrue(named, "no honest peer named the forging coordinator");
            long before = r.log().commits;
            boolean movedOn = r.sim().runUntil(() -> r.log().commits > before + 10, r.sim().nowMs() + 60_000);
            Scenarios.assertSafe(r.sim());
            assertTrue(movedOn, "the table must keep committing under honest coordinators");
            r.bots().stop();
            Scenarios.assertConverges(r.sim(), r.table(), r.honest(), 120_000);
            assertTrue(r.log().provenAgainstHonest(r.sim(), r.honest()).isEmpty());
            r.sim().close();
        });
    }

    @Test
    void aPlayerSigningTwoStatusesForOneViewIsNamed() {
        Scenarios.forEachSeed("ByzantineScenarioTest", 100, seed -> {
            Run r = start(seed, Byzantine.Behaviour.DOUBLE_STATUS, 2, new NetworkFaults(0.08, 0, 0, 1, 5, 0));
            boolean named = r.sim().runUntil(() -> r.log().evidenceAgainst(r.sim(), LIAR,
                    EvidenceKind.EVIDENCE_CONFLICTING_STATUSES, r.honest()), r.sim().nowMs() + 120_000);
            Scenarios.assertSafe(r.sim());
            assertTrue(named, "no honest peer named the player that signed two statuses");
            r.bots().stop();
            assertTrue(r.log().provenAgainstHonest(r.sim(), r.honest()).isEmpty());
            r.sim().close();
        });
    }

    @Test
    void aPlayerVotingInAStaleViewIsNamed() {
        Scenarios.forEachSeed("ByzantineScenarioTest", 100, seed -> {
            Run r = start(seed, Byzantine.Behaviour.STALE_VOTE, 2, new NetworkFaults(0.08, 0, 0, 1, 5, 0));
            boolean named = r.sim().runUntil(() -> r.log().evidenceAgainst(r.sim(), LIAR,
                    EvidenceKind.EVIDENCE_STALE_VOTE, r.honest()), r.sim().nowMs() + 120_000);
            Scenarios.assertSafe(r.sim());
            assertTrue(named, "no honest peer named the player that voted in a stale view");
            r.bots().stop();
            Scenarios.assertConverges(r.sim(), r.table(), r.honest(), 120_000);
            assertTrue(r.log().provenAgainstHonest(r.sim(), r.honest()).isEmpty());
            r.sim().close();
        });
    }

    @Test
    void aWithholderIsEvictedAndTheOthersPlayOnButATableOfTwoStallsAndNothingMoves() {
        Scenarios.forEachSeed("ByzantineScenarioTest", 100, seed -> {
            Run r = start(seed, Byzantine.Behaviour.WITHHOLD_REVEAL, 2, NetworkFaults.NONE);
            boolean named = r.sim().runUntil(() -> r.log().evidenceAgainst(r.sim(), LIAR,
                    EvidenceKind.EVIDENCE_WITHHELD_DICE, r.honest()), r.sim().nowMs() + 60_000);
            Scenarios.assertSafe(r.sim());
            assertTrue(named, "no honest peer reported the withheld reveal");
            if (r.honest().size() >= 2) { // three players or more, none tolerated as a liar: 2q - n > 0 holds
                boolean evicted = r.sim().runUntil(() -> r.honest().stream().allMatch(h -> r.sim().node(h).engine()
                        .tableState(r.table()).orElseThrow().getPlayers(LIAR).getEvicted()
                        == io.dicemesh.protocol.EvictionCause.EVICTION_WITHHOLDING), r.sim().nowMs() + 60_000);
                Scenarios.assertSafe(r.sim());
                assertTrue(evicted, "the withholder was not evicted");
                long rollNo = r.sim().node(r.honest().get(0)).engine().tableState(r.table()).orElseThrow()
                        .getRollNo();
                boolean rolled = r.sim().runUntil(() -> r.honest().stream().allMatch(h -> r.sim().node(h).engine()
                        .tableState(r.table()).orElseThrow().getRollNo() > rollNo + 1), r.sim().nowMs() + 60_000);
                Scenarios.assertSafe(r.sim());
                assertTrue(rolled, "the others did not play on");
                r.bots().stop();
                r.sim().runUntil(() -> Convergence.stateDifference(r.sim(), r.table(), r.honest()) == null,
                        r.sim().nowMs() + 30_000);
                assertHonestAgreeOnPrefix(r);
                r.sim().close();
                return;
            }
            r.sim().runUntil(r.sim().nowMs() + 3_000);
            TableState frozen = r.sim().node(r.honest().get(0)).engine().tableState(r.table()).orElseThrow();
            assertTrue(frozen.getRollCommitmentsCount() > 0, "the table must be waiting for the roll's reveals");
            r.sim().runUntil(r.sim().nowMs() + 20_000);
            Scenarios.assertSafe(r.sim());
            for (int h : r.honest()) {
                assertEquals(frozen, r.sim().node(h).engine().tableState(r.table()).orElseThrow(),
                        "while the reveal is withheld nothing may move on honest node" + h);
            }
            r.sim().close();
        });
    }

    /** Honest peers hold the same state (the frozen prefix) and ledgers. */
    private static void assertHonestAgreeOnPrefix(Run r) {
        String diff = Convergence.stateDifference(r.sim(), r.table(), r.honest());
        assertEquals(null, diff, "honest peers must agree on the frozen prefix");
    }
}
