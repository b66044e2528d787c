package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static io.dicemesh.node.core.NodeEngineTest.kindOf;
import static io.dicemesh.node.core.NodeEngineTest.sameStateEverywhere;
import static io.dicemesh.node.core.NodeEngineTest.table;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.TableState;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NodeEngine} through {@link EngineHarness}: what keeps a table moving when messages are lost, dice are late,
 * players leave, and faults come at random; what stays safe meanwhile is checked by the harness on every event.
 */
@Timeout(30)
class NodeEngineLivenessTest {
    private static void missThePrepareAndFetchItFromAVoter(EngineHarness h, TableId t) {
        h.dropIf(m -> m.kind() == Body.KindCase.PREPARE && m.to() == 2);
        long id = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
        h.advance(60); // less than the view timeout
        ClientResult.IntentDone done = assertInstanceOf(ClientResult.IntentDone.class, h.reply(0, id),
                "committed within the view timeout");
        assertTrue(done.outcome().accepted());
        assertEquals(1, sameStateEverywhere(h, t, 0, 1, 2).getSeq());
        for (int i = 0; i < 3; i++) {
            assertTrue(h.events(i, Event.ViewChanged.class).isEmpty(), "node " + i + " needed no view change");
        }
    }

    @Test
    void aTableEveryPlayerCrashedOutOfBeforeAnythingAtItWasSyncedStartsAgainWhenTheyComeBack() {
        try (EngineHarness h = harness(2)) {
            TableId t = table(h, 2); // started at both; nothing at the table has been voted or committed yet
            h.crash(0);
            h.crash(1); // each keeps only what it synced
            h.restart(0);
            h.restart(1);
            h.linkUp(0, 1);
            h.linkUp(1, 0);
            assertTrue(h.runUntil(() -> h.engine(0).tableIds().contains(t) && h.engine(1).tableIds().contains(t),
                    30_000), "a table both players had started was lost by both");
            long roll = h.command(1, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> h.reply(1, roll) != null, 30_000), "the table came back but cannot roll");
            assertInstanceOf(ClientResult.Rolled.class, h.reply(1, roll));
        }
    }

    @Test
    void aPlayerThatMissedThePrepareFetchesItFromAVoterWithoutAViewChange() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.advance(1_000);
            missThePrepareAndFetchItFromAVoter(h, t);
        }
    }

    @Test
    void aPrepareLostRightAfterTheTableStartedIsFetchedWithoutAViewChange() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            missThePrepareAndFetchItFromAVoter(h, t);
        }
    }

    @Test
    void aCommitmentThatNeverArrivesIsReportedAsWithheldDice() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.makePuppet(2); // silent
            long roll = h.command(0, new ClientRequest.Roll(t));
            h.advance(900);
            assertTrue(h.engine(0).evidence(t).isEmpty(), "not before the dice timeout");
            h.advance(200);
            assertNull(h.reply(0, roll));
            for (int i : new int[] {0, 1}) {
                List<Evidence> e = h.engine(i).evidence(t);
                assertEquals(1, e.size(), "node " + i + ": " + e);
                assertEquals(EvidenceKind.EVIDENCE_WITHHELD_DICE, e.get(0).getKind());
                assertEquals(h.id(2).byteString(), e.get(0).getCulprit());
                assertEquals(1, e.get(0).getRollNo());
            }
            assertEquals(0, h.state(0, t).getSeq());
        }
    }

    @Test
    void aRollGoesOnWhenAPlayerHearsOfItOnlyAfterItsDiceTimeout() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.dropIf(m -> m.kind() == Body.KindCase.DICE_COMMITMENT && m.to() == 2);
            long roll = h.command(0, new ClientRequest.Roll(t));
            h.advance(1_500);
            assertEquals(EvidenceKind.EVIDENCE_WITHHELD_DICE,
                    h.engine(0).evidence(t).get(0).getKind(), "node 2 is reported after the dice timeout");
            h.clearHooks(); // from now on node 0's and node 1's repeated commitments reach node 2
            h.advance(10_000);
            assertInstanceOf(ClientResult.Rolled.class, h.reply(0, roll), "the roll never completed:"
                    + describe(h, t));
        }
    }

    // ------------------------------------------------------------------ random faults

    /**
     * Random bets and rolls at random nodes while the network drops and duplicates messages and nodes crash and
     * restart: the harness checks on every event that no slot forks and no lock moves; once the faults stop, every
     * node converges on one state. Seeded: -Ddicemesh.test.seed=N replays a run.
     */
    @Test
    void underRandomFaultsTheTableNeverForksAndConvergesOnceTheyStop() {
        long seed = Long.getLong("dicemesh.test.seed", 11L);
        String replay = "mvn -o -B -pl node test"
                + " -Dtest=NodeEngineLivenessTest#underRandomFaultsTheTableNeverForksAndConvergesOnceTheyStop"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Ddicemesh.test.seed=" + seed;
        System.out.println("[NodeEngineLivenessTest random faults] seed " + seed + " (replay: " + replay + ")");
        try {
            System.out.println("[NodeEngineLivenessTest random faults] " + randomFaults(seed));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nreplay: " + replay, e);
        }
    }

    /** One seeded run of random commands under random faults; returns a summary, throws when something broke. */
    private static String randomFaults(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try (EngineHarness h = new EngineHarness(4, seed)) {
            TableId t = table(h, 4);
            h.dropIf(m -> r.nextInt(100) < 8);
            h.duplicateIf(m -> r.nextInt(100) < 5);
            BetKind[] kinds = {BetKind.PASS, BetKind.DONT_PASS, BetKind.FIELD, BetKind.COME, BetKind.ANY_SEVEN};
            int crashes = 0;
            for (int step = 0; step < 80; step++) {
                int node = r.nextInt(4);
                if (!h.node(node).isUp()) {
                    h.restart(node);
                } else if (r.nextInt(12) == 0 && h.node(0).isUp() && h.node(1).isUp() && h.node(2).isUp()
                        && h.node(3).isUp()) {
                    if (r.nextBoolean()) {
                        h.crash(node);
                    } else {
                        h.crashKeeping(node, r.nextInt(4)); // some unsynced writes survive, as a WAL prefix
                    }
                    crashes++;
                } else if (r.nextInt(4) == 0) {
                    h.command(node, new ClientRequest.Roll(t));
                } else {
                    h.command(node, new ClientRequest.PlaceBet(t, kinds[r.nextInt(kinds.length)],
                            r.nextLong(1, 80), 0, 0));
                }
                h.advance(r.nextInt(1, 250));
            }
            for (int i = 0; i < 4; i++) {
                if (!h.node(i).isUp()) {
                    h.restart(i);
                }
            }
            h.clearHooks();
            long roll = h.command(0, new ClientRequest.Roll(t));
            boolean converged = h.runUntil(() -> h.reply(0, roll) instanceof ClientResult.Rolled
                    && sameEverywhere(h, t), 120_000);
            assertTrue(converged, "no convergence after the faults stopped:" + describe(h, t));
            TableState s = sameStateEverywhere(h, t, 0, 1, 2, 3);
            assertTrue(s.getSeq() >= 10, "the faults left too little progress to mean anything: " + s.getSeq());
            return s.getSeq() + " slots, " + (s.getRollNo() - 1) + " rolls, " + crashes + " crashes";
        }
    }

    /** One line per node: what it holds of the table, for failure messages. */
    static String describe(EngineHarness h, TableId t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < h.size(); i++) {
            if (!h.node(i).isUp()) {
                b.append("\n  node ").append(i).append(" down");
                continue;
            }
            TableState s = h.state(i, t);
            b.append("\n  node ").append(i).append(": seq ").append(s.getSeq()).append(", roll ").append(s.getRollNo())
                    .append(s.getRollCommitmentsCount() > 0 ? " awaiting reveals" : "").append(", view ")
                    .append(h.engine(i).currentView(t)).append(", locked ")
                    .append(h.engine(i).lockedTxHash(t).isPresent()).append(", evidence ")
                    .append(h.engine(i).evidence(t).stream().map(e -> e.getKind().name() + " against node "
                            + h.nodeIndex(NodeId.of(e.getCulprit()))).toList())
                    .append(", batches ").append(s.getPlayersList().stream().map(p -> p.getLastBatchNo()).toList())
                    .append(", lately ").append(h.history(i).subList(Math.max(0, h.history(i).size() - 6),
                            h.history(i).size()));
        }
        return b.toString();
    }

    private static boolean sameEverywhere(EngineHarness h, TableId t) {
        byte[] first = h.state(0, t).toByteArray();
        for (int i = 1; i < h.size(); i++) {
            if (!Arrays.equals(first, h.state(i, t).toByteArray())) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ leaving and closing

    @Test
    void aPlayerWhoMissedTheVotesOfItsOwnLeaveStillLearnsThatItLeft() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.dropIf(m -> m.kind() == Body.KindCase.VOTE && m.to() == 2);
            long leave = h.command(2, new ClientRequest.Leave(t));
            h.advance(50);
            assertEquals(1, h.state(0, t).getSeq(), "the others committed the leave");
            assertEquals(0, h.state(2, t).getSeq(), "the leaver voted but heard no votes");
            h.clearHooks();
            h.advance(10_000);
            assertEquals(1, h.state(2, t).getSeq(), "the leaver never learned that its leave committed");
            ClientResult.IntentDone done = assertInstanceOf(ClientResult.IntentDone.class, h.reply(2, leave));
            assertTrue(done.outcome().accepted());
        }
    }

    @Test
    void aRollAskedForWhileALeaveIsInFlightStillHappens() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.holdIf(EngineHarness.kind(Body.KindCase.PREPARE));
            h.command(2, new ClientRequest.Leave(t));
            h.advance(5); // the leave is signed, gossiped and proposed; its Prepare is held
            long roll = h.command(0, new ClientRequest.Roll(t));
            h.advance(5); // every player commits to roll 1
            h.clearHooks();
            h.releaseHeld();
            h.advance(5_000);
            assertTrue(h.state(0, t).getPlayers(2).getLeft());
            assertInstanceOf(ClientResult.Rolled.class, h.reply(0, roll), "the roll was forgotten:" + describe(h, t));
        }
    }

    @Test
    void intentsSignedAfterALeaveAreAnsweredOnceTheLeaveCommits() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.holdIf(EngineHarness.kind(Body.KindCase.PREPARE));
            long leave = h.command(2, new ClientRequest.Leave(t));
            h.advance(5);
            long bet = h.command(2, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            h.advance(5); // a second batch, signed while the leave is in flight
            h.clearHooks();
            h.releaseHeld();
            h.advance(5_000);
            assertTrue(((ClientResult.IntentDone) h.reply(2, leave)).outcome().accepted());
            assertNotNull(h.reply(2, bet), "the bet signed after the leave never got an answer");
        }
    }

    @Test
    void aPrepareForAClosedTableIsDroppedNotThrown() {
        try (EngineHarness h = harness(1)) {
            TableId t = table(h, 1);
            long leave = h.command(0, new ClientRequest.Leave(t));
            h.advance(50);
            assertTrue(((ClientResult.IntentDone) h.reply(0, leave)).outcome().accepted());
            TableState closed = h.state(0, t);
            assertTrue(closed.getPlayers(0).getLeft());
            for (io.dicemesh.crypto.Identity who : List.of(h.identity(0), Wire.identity("stranger"))) {
                ByteString tx = Wire.tx(t, 2, closed.getLastHash()).build().toByteString();
                List<Effect> effects = h.inject(0, Wire.prepare(who, t, 2, 0, tx, List.of()));
                assertTrue(effects.stream().anyMatch(e -> e instanceof Effect.Emit em
                        && em.event() instanceof Event.Dropped), "dropped, with a reason");
                assertTrue(effects.stream().noneMatch(e -> e instanceof Effect.Send s
                        && kindOf(s.envelope()) == Body.KindCase.VOTE));
            }
            assertArrayEquals(closed.toByteArray(), h.state(0, t).toByteArray());
        }
    }
}
