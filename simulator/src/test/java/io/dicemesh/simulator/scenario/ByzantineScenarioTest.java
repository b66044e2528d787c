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
 * intent, and the liar is named by evidence, and evicted where its lie is proven. Player 0 lies; the others are
 * honest.
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

    /**
     * An equivocating coordinator is proven by its two Proposals and evicted at once (DESIGN 5b), and the others play
     * on; unless its two txs reached honest players who locked on both, the documented frozen case: then nothing
     * commits again, and no honest peer forks.
     */
    @Test
    void aCoordinatorSendingDifferentTxsToDifferentPlayersIsEvictedOrFreezesTheTableButNeverForks() {
        int[] outcomes = new int[2];
        Scenarios.forEachSeed("ByzantineScenarioTest", 100, seed -> {
            Run r = start(seed, Byzantine.Behaviour.EQUIVOCATE, 3, NetworkFaults.NONE);
            boolean named = r.sim().runUntil(() -> r.log().evidenceAgainst(r.sim(), LIAR,
                    EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, r.honest()), r.sim().nowMs() + 60_000);
            Scenarios.assertSafe(r.sim());
            assertTrue(named, "no honest peer named the equivocating coordinator");
            boolean evicted = r.sim().runUntil(() -> evictedAsLiarEverywhere(r), r.sim().nowMs() + 10_000);
            Scenarios.assertSafe(r.sim());
            if (evicted) {
                outcomes[0]++;
                long before = r.log().commits;
                boolean playedOn = r.sim().runUntil(() -> r.log().commits > before + 10, r.sim().nowMs() + 60_000);
                assertTrue(playedOn, () -> "the others did not play on without the evicted liar:" + dump(r));
                r.bots().stop();
                Scenarios.assertConverges(r.sim(), r.table(), r.honest(), 120_000);
            } else {
                outcomes[1]++;
                assertTrue(honestLocksConflict(r), () -> "the liar was proven but neither evicted nor are honest "
                        + "locks in conflict:" + dump(r));
                long frozenAt = r.log().commits;
                r.sim().runUntil(r.sim().nowMs() + 20_000);
                Scenarios.assertSafe(r.sim());
                assertEquals(frozenAt, r.log().commits, "the table must stay frozen while locks conflict");
                assertHonestAgreeOnPrefix(r);
            }
            assertTrue(r.log().provenAgainstHonest(r.sim(), r.honest()).isEmpty());
            r.sim().close();
        });
        System.out.println("ByzantineScenarioTest: equivocating coordinators evicted " + outcomes[0]
                + " times, tables frozen by conflicting honest locks " + outcomes[1] + " times");
        assertTrue(outcomes[0] > 0, "no proven equivocator was ever evicted");
    }

    private static boolean evictedAsLiarEverywhere(Run r) {
        return r.honest().stream().allMatch(h -> r.sim().node(h).isUp() && r.sim().node(h).engine()
                .tableState(r.table()).orElseThrow().getPlayers(LIAR).getEvicted()
                == io.dicemesh.protocol.EvictionCause.EVICTION_LIAR);
    }

    /** Two honest players hold locks on different txs at their open slot: no round can ever certify either. */
    private static boolean honestLocksConflict(Run r) {
        java.util.Set<com.google.protobuf.ByteString> locks = new java.util.HashSet<>();
        for (int h : r.honest()) {
            r.sim().node(h).engine().lockedTxHash(r.table()).ifPresent(locks::add);
        }
        return locks.size() > 1;
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
            assertTrue(movedOn, () -> "the table must keep committing under honest coordinators:" + dump(r));
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
            // its stale vote is for a tx it never voted for before at that slot: two votes at one seq, which prove
            // it lied (DESIGN 5b), so it may be evicted as a liar before any stale-vote evidence is written
            boolean named = r.sim().runUntil(() -> r.log().evidenceAgainst(r.sim(), LIAR,
                    EvidenceKind.EVIDENCE_STALE_VOTE, r.honest()) || evictedAsLiarEverywhere(r),
                    r.sim().nowMs() + 120_000);
            Scenarios.assertSafe(r.sim());
            assertTrue(named, "no honest peer named or evicted the player that voted in a stale view");
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

    /**
     * A liar naming an answering player as gone in every Status, with a made-up proof that it lied, gets nobody
     * evicted: each honest node judges absence for itself and checks every proof's signatures. (Its lie does
     * block view changes, which need its Status for the same X: the documented freeze of a liar who keeps
     * talking.)
     */
    @Test
    void aLiarAccusingAnAnsweringPlayerGetsNobodyEvicted() {
        long[] accused = new long[1];
        Scenarios.forEachSeed("ByzantineScenarioTest", 30, seed -> {
            Run r = start(seed, Byzantine.Behaviour.ACCUSE, 3, new NetworkFaults(0.05, 0, 0, 1, 5, 0));
            r.sim().runUntil(r.sim().nowMs() + 30_000);
            Scenarios.assertSafe(r.sim());
            for (int h : r.honest()) {
                TableState s = r.sim().node(h).engine().tableState(r.table()).orElseThrow();
                for (int p : r.honest()) {
                    assertEquals(io.dicemesh.protocol.EvictionCause.EVICTION_CAUSE_UNSPECIFIED,
                            s.getPlayers(p).getEvicted(), "node " + h + " evicted honest player " + p + dump(r));
                }
            }
            assertTrue(r.log().provenAgainstHonest(r.sim(), r.honest()).isEmpty());
            accused[0] += ((Byzantine) r.sim().node(LIAR).adversary()).accusations();
            r.sim().close();
        });
        System.out.println("ByzantineScenarioTest: " + accused[0] + " accusing Statuses sent, no honest player evicted");
        assertTrue(accused[0] > 0, "the liar never accused anyone");
    }

    /** Every up node's view of the table, its evidence, and any violation: for a failure's message. */
    private static String dump(Run r) {
        StringBuilder out = new StringBuilder(r.sim().checkers().ok() ? "" : "\n  " + r.sim().checkers().violations());
        for (int i = 0; i < r.sim().nodes().size(); i++) {
            if (r.sim().node(i).isUp()) {
                out.append("\n  node ").append(i).append(": ").append(r.sim().node(i).engine().debugState(r.table()));
                for (io.dicemesh.protocol.Evidence e : r.sim().node(i).engine().evidence(r.table())) {
                    out.append("\n    evidence ").append(e.getKind()).append(" seq ").append(e.getSeq())
                            .append(": ").append(e.getDetail());
                }
            }
        }
        return out.toString();
    }

    /** Honest peers hold the same state (the frozen prefix) and ledgers. */
    private static void assertHonestAgreeOnPrefix(Run r) {
        String diff = Convergence.stateDifference(r.sim(), r.table(), r.honest());
        assertEquals(null, diff, "honest peers must agree on the frozen prefix");
    }
}
