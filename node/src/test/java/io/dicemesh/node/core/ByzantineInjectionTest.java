package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.DiceNonces;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.Nack;
import io.dicemesh.protocol.NackReason;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lies injected straight into honest engines as signed envelopes (DESIGN section 5, rules R1-R3): every one is
 * refused, the liar is named in evidence where the lie is provable, no honest state changes, and (checked by the
 * harness on every event) no honest node ever votes for two txs at one slot nor commits another tx than its peers.
 * The table has four players; the liar is a puppet node whose engine is gone, so only the test speaks for it.
 */
@Timeout(20)
class ByzantineInjectionTest {
    private EngineHarness h;
    private TableId t;

    @BeforeEach
    void setUp() {
        h = new EngineHarness(4, NodeEngineTest.SEED);
        t = h.createTable(List.of(0, 1, 2, 3), 1000, 100_000, NodeEngineTest.RULES);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private Map<Integer, byte[]> states(int... nodes) {
        Map<Integer, byte[]> out = new HashMap<>();
        for (int i : nodes) {
            out.put(i, h.state(i, t).toByteArray());
        }
        return out;
    }

    private void unchanged(Map<Integer, byte[]> before) {
        for (Map.Entry<Integer, byte[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), h.state(e.getKey(), t).toByteArray(), "state of node " + e.getKey());
        }
    }

    private List<Evidence> evidence(int node, EvidenceKind kind) {
        return h.engine(node).evidence(t).stream().filter(e -> e.getKind() == kind).toList();
    }

    /** Exactly one piece of evidence of this kind at the node, naming the culprit; returns it. */
    private Evidence named(int node, EvidenceKind kind, int culprit) {
        List<Evidence> found = evidence(node, kind);
        assertEquals(1, found.size(), "node " + node + " evidence " + kind + ": " + h.engine(node).evidence(t));
        assertEquals(h.id(culprit).byteString(), found.get(0).getCulprit(), "culprit");
        assertEquals(t.bytes(), found.get(0).getTableId());
        return found.get(0);
    }

    private static boolean sendsAVote(List<Effect> effects) {
        return effects.stream().anyMatch(e -> e instanceof Effect.Send s
                && NodeEngineTest.kindOf(s.envelope()) == Body.KindCase.VOTE);
    }

    private static Nack nackIn(List<Effect> effects) {
        for (Effect e : effects) {
            if (e instanceof Effect.Send s && NodeEngineTest.kindOf(s.envelope()) == Body.KindCase.NACK) {
                return body(s.envelope()).getNack();
            }
        }
        return null;
    }

    private static Body body(Envelope e) {
        try {
            return Body.parseFrom(e.getBody());
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    private ByteString prev() {
        return h.state(0, t).getLastHash();
    }

    private long seq() {
        return h.state(0, t).getSeq() + 1;
    }

    private ByteString emptyTx() {
        return Wire.tx(t, seq(), prev()).build().toByteString();
    }

    private ByteString txWith(Envelope... batches) {
        return Wire.tx(t, seq(), prev()).addAllIntentBatches(List.of(batches)).build().toByteString();
    }

    /** A batch of a player's own, with one field bet. */
    private Envelope ownBatch(int player, long batchNo) {
        return Wire.batch(h.identity(player), t, batchNo, Wire.bet(batchNo * 4096, BetType.FIELD, 5));
    }

    // ------------------------------------------------------------------ proposals

    @Test
    void aPrepareFromAPlayerWhoIsNotTheCoordinatorGetsNoVoteAndNamesIt() {
        h.makePuppet(3);
        assertEquals(h.id(1), h.engine(0).tablesForTest().get(t).model().coordinator(1, 0));
        Map<Integer, byte[]> before = states(0, 1, 2);
        Envelope prepare = Wire.prepare(h.identity(3), t, 1, 0, txWith(ownBatch(3, 1)), List.of());
        for (int i = 0; i < 3; i++) {
            List<Effect> effects = h.inject(i, prepare);
            assertFalse(sendsAVote(effects), "node " + i + " voted for a usurper");
            Evidence e = named(i, EvidenceKind.EVIDENCE_WRONG_COORDINATOR, 3);
            assertEquals(1, e.getSeq());
            assertTrue(h.engine(i).lockedTxHash(t).isEmpty());
        }
        h.advance(1_000);
        unchanged(before);
        for (int i = 0; i < 3; i++) {
            assertNull(h.votedFor(i, t, 1));
        }
    }

    @Test
    void twoPreparesForOneSlotAndViewGetAtMostOneVoteAndTheLockNeverMoves() {
        h.makePuppet(1); // coordinator of (seq 1, view 0)
        Map<Integer, byte[]> before = states(0, 2, 3);
        ByteString txA = txWith(ownBatch(1, 1));
        ByteString txB = emptyTx();
        Envelope prepareA = Wire.prepare(h.identity(1), t, 1, 0, txA, List.of());
        Envelope prepareB = Wire.prepare(h.identity(1), t, 1, 0, txB, List.of());
        assertTrue(sendsAVote(h.inject(0, prepareA)));
        assertFalse(sendsAVote(h.inject(0, prepareB)));
        Evidence e = named(0, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, 1);
        assertEquals(2, e.getProofCount());
        assertTrue(sendsAVote(h.inject(2, prepareB)));
        assertFalse(sendsAVote(h.inject(2, prepareA)));
        named(2, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, 1);
        assertTrue(sendsAVote(h.inject(3, prepareA)));
        // The liar votes for A everywhere; still no certificate: node 2 is locked on B.
        Envelope liarVote = Wire.vote(h.identity(1), t, 1, 0, Wire.hash(txA));
        for (int i : new int[] {0, 2, 3}) {
            h.inject(i, liarVote);
        }
        h.advance(3_000);
        assertNull(h.committedAt(t, 1));
        unchanged(before);
        assertEquals(Wire.hash(txA), h.engine(0).lockedTxHash(t).orElseThrow());
        assertEquals(Wire.hash(txB), h.engine(2).lockedTxHash(t).orElseThrow());
        assertEquals(Wire.hash(txA), h.engine(3).lockedTxHash(t).orElseThrow());
        // the liar is proven (DESIGN 5b): the others go on without it in later views, each voting for its own
        // lock again, which is all R2 lets them do; two conflicting locks keep the slot frozen (a documented case)
        assertTrue(h.events(0, Event.Voted.class).stream().allMatch(v -> v.txHash().equals(Wire.hash(txA))));
        assertTrue(h.events(2, Event.Voted.class).stream().allMatch(v -> v.txHash().equals(Wire.hash(txB))));
    }

    @Test
    void aPrepareCarryingAForgedIntentBatchGetsANackAndEvidenceNamingTheCoordinator() {
        h.makePuppet(1);
        Map<Integer, byte[]> before = states(0, 2, 3);
        Envelope genuine = ownBatch(0, 1);
        Envelope prepare = Wire.prepare(h.identity(1), t, 1, 0, txWith(Wire.forged(genuine)), List.of());
        for (int i : new int[] {0, 2, 3}) {
            List<Effect> effects = h.inject(i, prepare);
            assertFalse(sendsAVote(effects));
            Nack nack = nackIn(effects);
            assertEquals(NackReason.NACK_BAD_SIGNATURE, nack.getReason());
            Evidence e = named(i, EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, 1);
            assertEquals(prepare, e.getProof(0), "the signed Prepare is the proof");
        }
        h.pump();
        assertEquals(3, h.inbox(1).stream().filter(m -> m.kind() == Body.KindCase.NACK).count(),
                "each honest player told the coordinator why");
        unchanged(before);
    }

    @Test
    void aPrepareCarryingABatchSignedByOnePlayerForAnotherIsForged() {
        h.makePuppet(1);
        Envelope stolen = Wire.batchFor(h.identity(2), h.id(0), t, 1, Wire.bet(4096, BetType.PASS, 500));
        Envelope prepare = Wire.prepare(h.identity(1), t, 1, 0, txWith(stolen), List.of());
        List<Effect> effects = h.inject(0, prepare);
        assertFalse(sendsAVote(effects));
        assertEquals(NackReason.NACK_BAD_SIGNATURE, nackIn(effects).getReason());
        named(0, EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, 1);
        assertEquals(1000, h.state(0, t).getPlayers(0).getStack());
    }

    // ------------------------------------------------------------------ view changes (R3)

    /** Every honest node times out of view 0 of seq 1 and sends its Status; returns them in player order. */
    private Envelope[] statusesOfView1(int liar) {
        h.advance(150);
        Envelope[] statuses = new Envelope[4];
        for (EngineHarness.Msg m : h.inbox(liar)) {
            if (m.kind() == Body.KindCase.STATUS && m.body().getStatus().getView() == 1) {
                statuses[m.from()] = m.envelope();
            }
        }
        statuses[liar] = Wire.status(h.identity(liar), t, 1, 1, null);
        for (int i = 0; i < 4; i++) {
            assertTrue(statuses[i] != null, "status of node " + i);
        }
        return statuses;
    }

    @Test
    void aViewChangePrepareWithoutEveryGenuineStatusIsABadJustification() {
        h.makePuppet(2); // coordinator of (seq 1, view 1)
        // The coordinator of view 0 never gets the batch, so view 0 proposes nothing and every player moves on.
        h.dropIf(m -> m.kind() == Body.KindCase.INTENT_BATCH && m.to() == 1);
        h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
        Envelope[] s = statusesOfView1(2);
        for (Envelope status : s) {
            assertFalse(body(status).getStatus().hasLockedProposal());
        }
        Map<Integer, byte[]> before = states(0, 1, 3);
        ByteString tx = emptyTx();
        List<Envelope> missing = List.of(s[0], s[1], s[2]);
        List<Envelope> forged = List.of(s[0], s[1], s[2], Wire.forged(s[3]));
        List<Envelope> outOfOrder = List.of(s[1], s[0], s[2], s[3]);
        int[] targets = {0, 1, 3};
        List<List<Envelope>> bad = List.of(missing, forged, outOfOrder);
        for (int k = 0; k < 3; k++) {
            Envelope prepare = Wire.prepare(h.identity(2), t, 1, 1, tx, bad.get(k));
            List<Effect> effects = h.inject(targets[k], prepare);
            assertFalse(sendsAVote(effects), "case " + k);
            assertEquals(NackReason.NACK_BAD_JUSTIFICATION, nackIn(effects).getReason(), "case " + k);
            named(targets[k], EvidenceKind.EVIDENCE_BAD_JUSTIFICATION, 2);
        }
        unchanged(before);
        // The same Prepare with every genuine Status is voted for: the checks above were about the justification.
        assertTrue(sendsAVote(h.inject(0, Wire.prepare(h.identity(2), t, 1, 1, tx, List.of(s)))),
                "a fully justified Prepare");
    }

    @Test
    void aViewChangePrepareIgnoringALockInItsJustificationGetsNoVote() {
        h.makePuppet(2); // coordinator of (seq 1, view 1); (seq 1, view 0) is node 1, honest
        h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
        h.advance(10);
        ByteString txA = null;
        for (EngineHarness.Msg m : h.inbox(2)) {
            if (m.kind() == Body.KindCase.PREPARE) {
                txA = m.body().getPrepare().getTx();
            }
        }
        ByteString hashA = Wire.hash(txA);
        for (int i : new int[] {0, 1, 3}) {
            assertEquals(hashA, h.engine(i).lockedTxHash(t).orElseThrow(), "node " + i + " voted A in view 0");
        }
        Envelope[] s = statusesOfView1(2);
        assertTrue(body(s[0]).getStatus().hasLockedProposal(), "the status shows the lock on A");
        Map<Integer, byte[]> before = states(0, 1, 3);
        Envelope ignoring = Wire.prepare(h.identity(2), t, 1, 1, emptyTx(), List.of(s));
        for (int i : new int[] {0, 1, 3}) {
            List<Effect> effects = h.inject(i, ignoring);
            assertFalse(sendsAVote(effects));
            assertEquals(NackReason.NACK_IGNORES_LOCK, nackIn(effects).getReason());
            named(i, EvidenceKind.EVIDENCE_IGNORED_LOCK, 2);
            assertEquals(hashA, h.engine(i).lockedTxHash(t).orElseThrow(), "the lock never moves");
        }
        h.pump();
        unchanged(before);
        assertNull(h.committedAt(t, 1));
    }

    @Test
    void aViewChangePrepareThatHonoursTheLockIsVotedForAndCommits() {
        h.makePuppet(2);
        h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
        h.advance(10);
        ByteString txA = h.inbox(2).stream().filter(m -> m.kind() == Body.KindCase.PREPARE).findFirst()
                .orElseThrow().body().getPrepare().getTx();
        Envelope[] s = statusesOfView1(2);
        Envelope honest = Wire.prepare(h.identity(2), t, 1, 1, txA, List.of(s));
        for (int i : new int[] {0, 1, 3}) {
            assertTrue(sendsAVote(h.inject(i, honest)), "node " + i);
        }
        Envelope vote = Wire.vote(h.identity(2), t, 1, 1, Wire.hash(txA));
        for (int i : new int[] {0, 1, 3}) {
            h.inject(i, vote);
        }
        h.pump();
        assertEquals(Wire.hash(txA), h.committedAt(t, 1));
        for (int i : new int[] {0, 1, 3}) {
            assertEquals(1, h.state(i, t).getSeq());
            assertTrue(h.engine(i).evidence(t).isEmpty(), "an honest view change is no misbehaviour");
        }
        NodeEngineTest.sameStateEverywhere(h, t, 0, 1, 3);
    }

    // ------------------------------------------------------------------ statuses and votes (R1)

    @Test
    void twoDifferentStatusesForOneSlotAndViewNameTheirSigner() {
        h.makePuppet(1); // coordinator of (1, 0): it can sign a genuine lock
        Map<Integer, byte[]> before = states(0);
        Envelope lock = Wire.proposal(h.identity(1), t, 1, 0, Wire.hash(emptyTx()));
        Envelope bare = Wire.status(h.identity(1), t, 1, 1, null);
        Envelope locked = Wire.status(h.identity(1), t, 1, 1, lock);
        h.inject(0, bare);
        assertTrue(evidence(0, EvidenceKind.EVIDENCE_CONFLICTING_STATUSES).isEmpty());
        h.inject(0, bare);
        assertTrue(evidence(0, EvidenceKind.EVIDENCE_CONFLICTING_STATUSES).isEmpty(), "a repeat is no conflict");
        h.inject(0, locked);
        Evidence e = named(0, EvidenceKind.EVIDENCE_CONFLICTING_STATUSES, 1);
        assertEquals(List.of(bare, locked), e.getProofList());
        unchanged(before);
        assertTrue(h.engine(0).lockedTxHash(t).isEmpty());
    }

    @Test
    void aVoteInAViewBelowTheVotersEarlierStatusIsAStaleVote() {
        h.makePuppet(3);
        ByteString someTx = Wire.hash(emptyTx());
        Envelope status2 = Wire.status(h.identity(3), t, 1, 2, null);
        Envelope vote0 = Wire.vote(h.identity(3), t, 1, 0, someTx);
        Map<Integer, byte[]> before = states(0, 1);
        h.inject(0, status2);
        h.inject(0, vote0);
        Evidence e = named(0, EvidenceKind.EVIDENCE_STALE_VOTE, 3);
        assertEquals(List.of(status2, vote0), e.getProofList());
        // The other order proves the same: the Status hides the vote's lock.
        h.inject(1, vote0);
        assertTrue(evidence(1, EvidenceKind.EVIDENCE_STALE_VOTE).isEmpty());
        h.inject(1, status2);
        named(1, EvidenceKind.EVIDENCE_STALE_VOTE, 3);
        unchanged(before);
        // A vote in a view above the Status is fine.
        h.inject(2, status2);
        h.inject(2, Wire.vote(h.identity(3), t, 1, 2, someTx));
        assertTrue(evidence(2, EvidenceKind.EVIDENCE_STALE_VOTE).isEmpty());
    }

    @Test
    void votesForTwoTxsAtOneSlotFromOnePlayerAreEvidence() {
        h.makePuppet(3);
        Envelope a = Wire.vote(h.identity(3), t, 1, 0, Wire.hash(emptyTx()));
        Envelope b = Wire.vote(h.identity(3), t, 1, 1, Wire.hash(txWith(ownBatch(3, 1))));
        h.inject(0, a);
        h.inject(0, b);
        Evidence e = named(0, EvidenceKind.EVIDENCE_CONFLICTING_VOTES, 3);
        assertEquals(List.of(a, b), e.getProofList());
    }

    // ------------------------------------------------------------------ dice

    /** Runs a roll until its commitments are committed everywhere, holding every reveal. */
    private void rollUntilRevealsAreDue() {
        h.holdIf(EngineHarness.kind(Body.KindCase.DICE_REVEAL));
        h.command(0, new ClientRequest.Roll(t));
        h.advance(50);
        for (int i = 0; i < 4; i++) {
            assertEquals(4, h.state(i, t).getRollCommitmentsCount(), "node " + i + " awaits the reveals");
        }
    }

    @Test
    void aRevealThatDoesNotOpenItsCommitmentIsBadDiceAndTheRollStillCompletes() {
        rollUntilRevealsAreDue();
        Map<Integer, byte[]> before = states(0, 1, 2, 3);
        Envelope lie = Wire.reveal(h.identity(3), t, 1, Wire.nonce(0x5a));
        h.inject(0, lie);
        Evidence e = named(0, EvidenceKind.EVIDENCE_BAD_DICE, 3);
        assertEquals(2, e.getProofCount());
        assertEquals(lie, e.getProof(1));
        assertEquals(body(e.getProof(0)).getDiceCommitment().getRollNo(), 1);
        unchanged(before);
        h.clearHooks();
        h.releaseHeld();
        h.advance(100);
        TableState s = NodeEngineTest.sameStateEverywhere(h, t, 0, 1, 2, 3);
        assertEquals(2, s.getRollNo(), "the genuine reveals rolled the dice; the lie was not kept");
        List<byte[]> nonces = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nonces.add(DiceNonces.derive(h.identity(i), t.toByteArray(), 1));
        }
        int[] dice = io.dicemesh.crypto.Dice.roll(io.dicemesh.crypto.Dice.seed(t.toByteArray(), 1, nonces));
        assertEquals(List.of(dice[0], dice[1]), s.getLastDiceList());
    }

    @Test
    void aRollTxWithABadRevealGetsNoVoteAndNamesTheRevealerNotTheCoordinator() {
        rollUntilRevealsAreDue();
        TableState s = h.state(0, t);
        int coordinator = h.nodeIndex(h.engine(0).tablesForTest().get(t).model().coordinator(s.getSeq() + 1, 0));
        int liar = (coordinator + 1) % 4;
        List<Envelope> reveals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] nonce = i == liar ? Wire.nonce(0x11) : DiceNonces.derive(h.identity(i), t.toByteArray(), 1);
            reveals.add(Wire.reveal(h.identity(i), t, 1, nonce));
        }
        ByteString tx = Wire.tx(t, s.getSeq() + 1, s.getLastHash()).addAllDiceReveals(reveals).build().toByteString();
        int target = (coordinator + 2) % 4;
        List<Effect> effects = h.inject(target, Wire.prepare(h.identity(coordinator), t, s.getSeq() + 1, 0, tx,
                List.of()));
        assertFalse(sendsAVote(effects));
        assertEquals(NackReason.NACK_BAD_TX, nackIn(effects).getReason());
        named(target, EvidenceKind.EVIDENCE_BAD_DICE, liar);
        assertTrue(h.engine(target).evidence(t).stream()
                .noneMatch(e -> e.getCulprit().equals(h.id(coordinator).byteString())));
    }

    // ------------------------------------------------------------------ replays, duplicates, strangers

    @Test
    void duplicatedMessagesChangeNothing() {
        h.duplicateIf(m -> true);
        long id = h.command(1, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
        long roll = h.command(3, new ClientRequest.Roll(t));
        h.advance(200);
        assertInstanceOf(ClientResult.IntentDone.class, h.reply(1, id));
        assertInstanceOf(ClientResult.Rolled.class, h.reply(3, roll));
        TableState s = NodeEngineTest.sameStateEverywhere(h, t, 0, 1, 2, 3);
        assertEquals(3, s.getSeq());
        assertEquals(1, s.getPlayers(1).getLastBatchNo());
        assertEquals(2, s.getNextBetId(), "one bet, placed once");
        for (int i = 0; i < 4; i++) {
            assertEquals(3, h.events(i, Event.SlotCommitted.class).size(), "node " + i + " commits each slot once");
            assertTrue(h.engine(i).evidence(t).isEmpty(), "a duplicate is no misbehaviour");
        }
    }

    @Test
    void replayedMessagesOfCommittedSlotsChangeNothing() {
        h.command(1, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
        h.command(2, new ClientRequest.Roll(t));
        h.advance(200);
        assertEquals(3, h.state(0, t).getSeq());
        List<EngineHarness.Msg> history = new ArrayList<>(h.sent());
        Map<Integer, byte[]> before = states(0, 1, 2, 3);
        int[] commits = new int[4];
        int[] votes = new int[4];
        for (int i = 0; i < 4; i++) {
            commits[i] = h.events(i, Event.SlotCommitted.class).size();
            votes[i] = h.events(i, Event.Voted.class).size();
        }
        for (EngineHarness.Msg m : history) {
            h.inject(m.to(), m.envelope());
        }
        h.advance(500);
        unchanged(before);
        for (int i = 0; i < 4; i++) {
            assertEquals(commits[i], h.events(i, Event.SlotCommitted.class).size());
            assertEquals(votes[i], h.events(i, Event.Voted.class).size(), "node " + i + " voted on a replay");
            assertTrue(h.engine(i).evidence(t).isEmpty(), "node " + i + ": " + h.engine(i).evidence(t));
            assertTrue(h.engine(i).lockedTxHash(t).isEmpty());
        }
    }

    @Test
    void messagesForAnotherTableAreDroppedAndChangeNothing() {
        Map<Integer, byte[]> before = states(0);
        TableId other = TableId.of(Sha256.hash(new byte[] {7}));
        int dropped = h.events(0, Event.Dropped.class).size();
        h.inject(0, Wire.vote(h.identity(1), other, 1, 0, Wire.hash(emptyTx())));
        h.inject(0, Wire.batch(h.identity(1), other, 1, Wire.bet(1, BetType.PASS, 10)));
        h.inject(0, h.identity(1), Body.newBuilder().setStatus(io.dicemesh.protocol.Status.newBuilder()
                .setTableId(ByteString.copyFrom(new byte[5])).setSeq(1).setView(1)).build());
        List<Event.Dropped> drops = h.events(0, Event.Dropped.class);
        assertEquals(dropped + 3, drops.size());
        assertTrue(drops.get(drops.size() - 1).reason().contains("no well-formed table id"));
        assertTrue(drops.get(drops.size() - 2).reason().contains("unknown table"));
        h.advance(500);
        unchanged(before);
        assertEquals(List.of(t), h.engine(0).tableIds());
    }

    /** Everything a stranger can sign about this table, each delivered to node 0 in turn. */
    private List<Envelope> fromAStranger(Identity stranger) {
        ByteString tx = txWith(Wire.batch(stranger, t, 1, Wire.bet(1, BetType.PASS, 10)));
        return List.of(
                Wire.batch(stranger, t, 1, Wire.bet(1, BetType.PASS, 10)),
                Wire.vote(stranger, t, 1, 0, Wire.hash(tx)),
                Wire.status(stranger, t, 1, 1, null),
                Wire.commitment(stranger, t, 1, Wire.nonce(1), 0),
                Wire.nack(stranger, t, 1, 0));
    }

    @Test
    void messagesFromNonPlayersAreDroppedAndChangeNothing() {
        Identity stranger = Wire.identity("stranger");
        Map<Integer, byte[]> before = states(0, 1, 2, 3);
        for (Envelope e : fromAStranger(stranger)) {
            int drops = h.events(0, Event.Dropped.class).size();
            List<Effect> effects = h.inject(0, e);
            assertEquals(drops + 1, h.events(0, Event.Dropped.class).size(), "not dropped: " + body(e).getKindCase());
            assertTrue(effects.stream().noneMatch(x -> x instanceof Effect.Persist), body(e).getKindCase()
                    + " wrote something");
        }
        h.advance(500);
        unchanged(before);
        assertTrue(h.engine(0).evidence(t).isEmpty());
        assertEquals(0, h.engine(0).currentView(t));
    }

    @Test
    void aPrepareFromANonPlayerIsDroppedWithoutEvidence() {
        Identity stranger = Wire.identity("stranger");
        Envelope prepare = Wire.prepare(stranger, t, 1, 0, emptyTx(), List.of());
        int drops = h.events(0, Event.Dropped.class).size();
        List<Effect> effects = h.inject(0, prepare);
        assertFalse(sendsAVote(effects));
        assertEquals(drops + 1, h.events(0, Event.Dropped.class).size(), "a stranger's Prepare is dropped");
        assertTrue(effects.stream().noneMatch(x -> x instanceof Effect.Persist), "nothing is written for a stranger");
        assertTrue(h.engine(0).evidence(t).isEmpty(), "evidence against a stranger proves nothing about the table");
    }

    @Test
    void aRevealFromANonPlayerIsDroppedDuringARoll() {
        rollUntilRevealsAreDue();
        Map<Integer, byte[]> before = states(0);
        int drops = h.events(0, Event.Dropped.class).size();
        h.inject(0, Wire.reveal(Wire.identity("stranger"), t, 1, Wire.nonce(3)));
        assertEquals(drops + 1, h.events(0, Event.Dropped.class).size());
        unchanged(before);
        assertTrue(h.engine(0).evidence(t).isEmpty());
    }

    @Test
    void aForgedEnvelopeNeverReachesAnEngine() {
        Envelope vote = Wire.vote(h.identity(1), t, 1, 0, Wire.hash(emptyTx()));
        int outputs = h.outputs(0).size();
        assertTrue(h.inject(0, Wire.forged(vote)).isEmpty());
        assertEquals(1, h.rejectedFrames());
        assertEquals(outputs, h.outputs(0).size());
        assertFalse(h.inject(0, vote).isEmpty());
        assertEquals(outputs + 1, h.outputs(0).size());
    }

    // ------------------------------------------------------------------ a random liar

    /**
     * One player's messages are altered at random on the wire and re-signed with its key (votes for other txs or
     * views, statuses that hide their lock or jump views, Prepares of other txs, batches renumbered or padded,
     * commitments and reveals that open nothing), while the others play. The harness checks on every event that no
     * honest node votes for two txs at one slot and that no two nodes commit different txs; and no honest node
     * ever blames another honest one with cryptographic evidence. Seeded: -Ddicemesh.test.seed=N replays a run.
     */
    @Test
    void aLiarWhoseMessagesAreRandomlyAlteredNeverForksTheTableAndOnlyItIsBlamed() {
        long seed = Long.getLong("dicemesh.test.seed", 150L);
        String replay = "mvn -o -B -pl node test -Dtest=ByzantineInjectionTest#aLiarWhoseMessagesAreRandomlyAltered"
                + "NeverForksTheTableAndOnlyItIsBlamed -Dsurefire.failIfNoSpecifiedTests=false -Ddicemesh.test.seed="
                + seed;
        System.out.println("[ByzantineInjectionTest random liar] seed " + seed + " (replay: " + replay + ")");
        SplittableRandom r = new SplittableRandom(seed);
        int liar = r.nextInt(4);
        Identity key = h.identity(liar);
        int oneIn = 2 + r.nextInt(6);
        h.replaceIf(m -> m.from() == liar && r.nextInt(oneIn) == 0, env -> mutate(r, key, env));
        h.dropIf(m -> r.nextInt(100) < 3);
        BetKind[] kinds = {BetKind.PASS, BetKind.DONT_PASS, BetKind.FIELD, BetKind.ANY_SEVEN};
        try {
            for (int step = 0; step < 80; step++) {
                int node = r.nextInt(4);
                if (r.nextInt(4) == 0) {
                    h.command(node, new ClientRequest.Roll(t));
                } else {
                    h.command(node, new ClientRequest.PlaceBet(t, kinds[r.nextInt(kinds.length)], r.nextLong(1, 60),
                            0, 0));
                }
                h.advance(r.nextInt(1, 300));
            }
            h.advance(30_000);
            int proofs = 0;
            for (int i = 0; i < 4; i++) {
                for (Evidence e : i == liar ? List.<Evidence>of() : h.engine(i).evidence(t)) {
                    if (e.getKind() != EvidenceKind.EVIDENCE_WITHHELD_DICE) { // observed, not proven
                        assertEquals(h.id(liar).byteString(), e.getCulprit(), "node " + i + " blames an honest node: "
                                + e.getKind() + " " + e.getDetail());
                        proofs++;
                    }
                }
            }
            System.out.println("[ByzantineInjectionTest random liar] liar node " + liar + ", " + proofs
                    + " proofs against it, seq " + h.state((liar + 1) % 4, t).getSeq());
            assertTrue(proofs > 0, "the liar lied and nobody could prove it");
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nreplay: " + replay, e);
        }
    }

    /** The envelope with one random lie in it, signed by the liar (other kinds pass unchanged). */
    private static Envelope mutate(SplittableRandom r, Identity liar, Envelope env) {
        Body b = body(env);
        Body.Builder lie = b.toBuilder();
        byte[] random = new byte[32];
        r.nextBytes(random);
        ByteString junk = ByteString.copyFrom(random);
        switch (b.getKindCase()) {
            case VOTE -> lie.setVote(r.nextBoolean() ? b.getVote().toBuilder().setTxHash(junk)
                    : b.getVote().toBuilder().setView(Math.max(0, b.getVote().getView() + r.nextInt(-1, 3))));
            case STATUS -> lie.setStatus(r.nextBoolean() ? b.getStatus().toBuilder().clearLockedProposal()
                    : b.getStatus().toBuilder().setView(Math.max(1, b.getStatus().getView() + r.nextInt(-1, 3))));
            case PREPARE -> {
                return anotherPrepare(r, liar, b.getPrepare(), junk);
            }
            case INTENT_BATCH -> lie.setIntentBatch(b.getIntentBatch().toBuilder()
                    .setBatchNo(Math.max(1, b.getIntentBatch().getBatchNo() + r.nextInt(-1, 2)))
                    .addIntents(Wire.transfer(99, junk, 1)));
            case DICE_COMMITMENT -> lie.setDiceCommitment(b.getDiceCommitment().toBuilder().setCommitment(junk));
            case DICE_REVEAL -> lie.setDiceReveal(b.getDiceReveal().toBuilder().setNonce(junk));
            default -> {
                return env;
            }
        }
        return io.dicemesh.crypto.Signatures.seal(liar, lie.build());
    }

    /** A Prepare for the same slot and view of another tx: without its batches, its commitments, or its chain. */
    private static Envelope anotherPrepare(SplittableRandom r, Identity liar, io.dicemesh.protocol.Prepare p,
            ByteString junk) {
        try {
            io.dicemesh.protocol.Proposal prop = body(p.getProposal()).getProposal();
            io.dicemesh.protocol.Tx.Builder tx = io.dicemesh.protocol.Tx.parseFrom(p.getTx()).toBuilder();
            switch (r.nextInt(3)) {
                case 0 -> tx.clearIntentBatches();
                case 1 -> tx.clearDiceCommitments();
                default -> tx.setPrevHash(junk);
            }
            ByteString other = tx.build().toByteString();
            return Wire.prepare(liar, Wire.proposal(liar, new TableId(prop.getTableId()), prop.getSeq(), prop.getView(),
                    Wire.hash(other)), other, p.getJustificationList());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
