package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.NackReason;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TxValidator}: what makes a tx votable, and the reason and evidence for one that is not. */
@Timeout(10)
class TxValidatorTest {
    private final TableFixture f = new TableFixture(3, 1000, 100_000);
    private final TableModel state = f.fresh();

    private Envelope betBatch(int player, long batchNo) {
        return Wire.batch(f.player(player), f.id, batchNo, Wire.bet(batchNo * 4096, BetType.PASS, 10));
    }

    private TxCheck.Invalid invalid(TableModel s, Tx.Builder tx, NackReason reason) {
        TxCheck check = f.check(s, tx);
        TxCheck.Invalid bad = assertInstanceOf(TxCheck.Invalid.class, check, "must not be votable");
        assertEquals(reason, bad.reason(), bad.detail());
        return bad;
    }

    private TxCheck.Invalid invalidBytes(ByteString tx, NackReason reason) {
        TxCheck check = f.validator.check(state, tx);
        TxCheck.Invalid bad = assertInstanceOf(TxCheck.Invalid.class, check, "must not be votable");
        assertEquals(reason, bad.reason(), bad.detail());
        return bad;
    }

    private static void noEvidence(TxCheck.Invalid bad) {
        assertNull(bad.evidence(), bad.detail());
        assertNull(bad.culprit(), bad.detail());
    }

    @Test
    void validTxParsesWithItsBatchesInTxOrderAndItsHash() {
        Envelope b2 = betBatch(2, 1);
        Envelope b0 = betBatch(0, 1);
        ByteString bytes = Wire.nextTx(state).addIntentBatches(b2).addIntentBatches(b0).build().toByteString();
        TxCheck.Valid valid = assertInstanceOf(TxCheck.Valid.class, f.validator.check(state, bytes));
        ParsedTx tx = valid.tx();
        assertEquals(bytes, tx.bytes());
        assertEquals(ByteString.copyFrom(Sha256.hash(bytes.toByteArray())), tx.hash());
        assertEquals(List.of(2, 0), tx.batches().stream().map(ParsedTx.SignedBatch::seat).toList());
        assertEquals(List.of(body(b2), body(b0)), tx.batches().stream().map(ParsedTx.SignedBatch::batch).toList());
        assertTrue(tx.commitments().isEmpty());
        assertTrue(tx.reveals().isEmpty());
        assertEquals(1, tx.tx().getSeq());
    }

    private static IntentBatch body(Envelope batch) {
        try {
            return io.dicemesh.protocol.Body.parseFrom(batch.getBody()).getIntentBatch();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anEmptyTxForTheNextSlotIsVotable() {
        assertInstanceOf(TxCheck.Valid.class, f.check(state, Wire.nextTx(state)));
    }

    @Test
    void wrongSeqIsRefusedWithWrongSeq() {
        noEvidence(invalid(state, Wire.tx(f.id, 2, state.lastHash()), NackReason.NACK_WRONG_SEQ));
        noEvidence(invalid(state, Wire.tx(f.id, 0, state.lastHash()), NackReason.NACK_WRONG_SEQ));
        f.apply(state, Wire.nextTx(state));
        invalid(state, Wire.tx(f.id, 1, f.id.bytes()), NackReason.NACK_WRONG_SEQ);
    }

    @Test
    void wrongPrevHashIsRefusedWithWrongPrevHash() {
        ByteString other = ByteString.copyFrom(Sha256.hash(new byte[] {1}));
        noEvidence(invalid(state, Wire.tx(f.id, 1, other), NackReason.NACK_WRONG_PREV_HASH));
        invalid(state, Wire.tx(f.id, 1, ByteString.EMPTY), NackReason.NACK_WRONG_PREV_HASH);
        f.apply(state, Wire.nextTx(state));
        ByteString seq1Hash = state.lastHash();
        invalid(state, Wire.tx(f.id, 2, f.id.bytes()), NackReason.NACK_WRONG_PREV_HASH);
        assertInstanceOf(TxCheck.Valid.class, f.check(state, Wire.tx(f.id, 2, seq1Hash)));
    }

    @Test
    void txForAnotherTableIsRefused() {
        TableFixture other = new TableFixture(3, 1000, 100_000, Wire.rules(101, 1000));
        TxCheck.Invalid bad = invalid(state, Wire.tx(other.id, 1, state.lastHash()), NackReason.NACK_BAD_TX);
        assertTrue(bad.detail().contains("another table"), bad.detail());
        invalid(state, Wire.tx(other.id, 1, other.id.bytes()), NackReason.NACK_BAD_TX);
    }

    @Test
    void atMostBatchesPerTxMaxBatches() {
        Envelope b = betBatch(0, 1);
        Tx.Builder atLimit = Wire.nextTx(state)
                .addAllIntentBatches(Collections.nCopies(WireLimits.BATCHES_PER_TX_MAX, b));
        assertInstanceOf(TxCheck.Valid.class, f.check(state, atLimit));
        Tx.Builder over = Wire.nextTx(state).addAllIntentBatches(
                Collections.nCopies(WireLimits.BATCHES_PER_TX_MAX + 1, b));
        noEvidence(invalid(state, over, NackReason.NACK_BAD_TX));
    }

    @Test
    void oversizeTxIsRefusedBeforeItIsParsed() {
        byte[] junk = new byte[WireLimits.TX_BYTES_MAX + 1];
        Arrays.fill(junk, (byte) 0xff);
        TxCheck.Invalid over = invalidBytes(ByteString.copyFrom(junk), NackReason.NACK_BAD_TX);
        assertTrue(over.detail().contains(String.valueOf(WireLimits.TX_BYTES_MAX)), over.detail());
        TxCheck.Invalid atLimit = invalidBytes(ByteString.copyFrom(junk, 0, WireLimits.TX_BYTES_MAX),
                NackReason.NACK_BAD_TX);
        assertTrue(atLimit.detail().contains("unparseable"), "a tx at the limit is parsed: " + atLimit.detail());
    }

    @Test
    void aWellFormedTxJustOverTheSizeLimitIsRefused() {
        // One batch whose intents push the serialized tx just past the limit; every signature is genuine.
        List<Intent> intents = new ArrayList<>();
        Tx.Builder tx;
        int count = 0;
        do {
            int chunk = 2000;
            for (int i = 0; i < chunk; i++) {
                intents.add(Wire.transfer(count++, ByteString.copyFrom(new byte[400]), 1));
            }
            tx = Wire.nextTx(state).addIntentBatches(Wire.batch(f.player(0), f.id, 1, intents.toArray(Intent[]::new)));
        } while (tx.build().getSerializedSize() <= WireLimits.TX_BYTES_MAX);
        TxCheck.Invalid bad = invalid(state, tx, NackReason.NACK_BAD_TX);
        assertTrue(bad.detail().contains("bytes"), bad.detail());
    }

    @Test
    void unparseableTxIsRefused() {
        TxCheck.Invalid bad = invalidBytes(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x07}),
                NackReason.NACK_BAD_TX);
        assertTrue(bad.detail().contains("unparseable"), bad.detail());
        noEvidence(bad);
    }

    @Test
    void revealsBeforeTheCommitmentsCommittedAreRefused() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        invalid(state, Wire.nextTx(state).addAllDiceReveals(f.reveals(state, nonces)), NackReason.NACK_BAD_TX);
        // Reveals may not ride along with their own commitments either.
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(f.commitments(state, nonces))
                .addAllDiceReveals(f.reveals(state, nonces)), NackReason.NACK_BAD_TX);
    }

    @Test
    void commitmentsMustBeOnePerPlayerInPlayerOrder() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        List<Envelope> c = f.commitments(state, nonces);
        assertInstanceOf(TxCheck.Valid.class, f.check(state, Wire.nextTx(state).addAllDiceCommitments(c)));
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(c.subList(0, 2)), NackReason.NACK_BAD_TX);
        List<Envelope> four = new ArrayList<>(c);
        four.add(c.get(2));
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(four), NackReason.NACK_BAD_TX);
        List<Envelope> swapped = List.of(c.get(1), c.get(0), c.get(2));
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addAllDiceCommitments(swapped),
                NackReason.NACK_BAD_TX);
        assertTrue(bad.detail().contains("not from player"), bad.detail());
        List<Envelope> twice = List.of(c.get(0), c.get(0), c.get(2));
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(twice), NackReason.NACK_BAD_TX);
    }

    @Test
    void commitmentSignedByAnotherOrForgedIsRefused() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        List<Envelope> c = new ArrayList<>(f.commitments(state, nonces));
        c.set(1, Wire.commitment(f.outsider, f.id, 1, nonces[1], 0));
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(c), NackReason.NACK_BAD_TX);
        c = new ArrayList<>(f.commitments(state, nonces));
        c.set(1, Wire.forged(c.get(1)));
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(c), NackReason.NACK_BAD_SIGNATURE);
        c = new ArrayList<>(f.commitments(state, nonces));
        c.set(2, betBatch(2, 1)); // a genuine envelope of the wrong kind
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(c), NackReason.NACK_BAD_SIGNATURE);
    }

    @Test
    void commitmentForAnotherRollOrTableIsRefused() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        List<Envelope> c = new ArrayList<>(f.commitments(state, nonces));
        c.set(0, Wire.commitment(f.player(0), f.id, 2, nonces[0], 0));
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(c), NackReason.NACK_BAD_TX);
        TableFixture other = new TableFixture(3, 1000, 100_000, Wire.rules(101, 1000));
        c = new ArrayList<>(f.commitments(state, nonces));
        c.set(0, Wire.commitment(f.player(0), other.id, 1, nonces[0], 0));
        invalid(state, Wire.nextTx(state).addAllDiceCommitments(c), NackReason.NACK_BAD_TX);
    }

    @Test
    void commitmentWhoseAfterBatchNoIsNotMetIsRefused() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        List<Envelope> c = new ArrayList<>(f.commitments(state, nonces));
        c.set(1, Wire.commitment(f.player(1), f.id, 1, nonces[1], 1));
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addAllDiceCommitments(c), NackReason.NACK_BAD_TX);
        assertTrue(bad.detail().contains("waits for batch 1"), bad.detail());
        // Met by the player's batch 1 in the same tx.
        assertInstanceOf(TxCheck.Valid.class, f.check(state, Wire.nextTx(state).addIntentBatches(betBatch(1, 1))
                .addAllDiceCommitments(c)));
        // Not met by batch 2 alone (it does not follow the last applied one), nor by another player's batch 1.
        invalid(state, Wire.nextTx(state).addIntentBatches(betBatch(1, 2)).addAllDiceCommitments(c),
                NackReason.NACK_BAD_TX);
        invalid(state, Wire.nextTx(state).addIntentBatches(betBatch(0, 1)).addAllDiceCommitments(c),
                NackReason.NACK_BAD_TX);
        // Met once batch 1 is applied in an earlier slot.
        f.applyBatches(state, betBatch(1, 1));
        List<Envelope> later = new ArrayList<>(f.commitments(state, nonces));
        later.set(1, Wire.commitment(f.player(1), f.id, 1, nonces[1], 1));
        assertInstanceOf(TxCheck.Valid.class, f.check(state, Wire.nextTx(state).addAllDiceCommitments(later)));
    }

    @Test
    void forgedIntentBatchIsBadSignatureWithForgedBatchEvidence() {
        Envelope forged = Wire.forged(betBatch(0, 1));
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addIntentBatches(betBatch(1, 1))
                .addIntentBatches(forged), NackReason.NACK_BAD_SIGNATURE);
        assertEquals(EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, bad.evidence());
        assertNull(bad.culprit(), "the caller blames the coordinator, not the player");
        assertTrue(bad.detail().contains("intent batch 1"), bad.detail());
    }

    @Test
    void batchWithAnotherSignatureSwappedInIsForged() {
        Envelope mine = betBatch(0, 1);
        Envelope theirs = betBatch(1, 1);
        Envelope spliced = mine.toBuilder().setSignature(theirs.getSignature()).build();
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addIntentBatches(spliced),
                NackReason.NACK_BAD_SIGNATURE);
        assertEquals(EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, bad.evidence());
    }

    @Test
    void batchSignedByOnePlayerForAnotherIsForged() {
        Envelope b = Wire.batchFor(f.player(1), f.player(0).nodeId(), f.id, 1, Wire.bet(4096, BetType.PASS, 10));
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addIntentBatches(b), NackReason.NACK_BAD_SIGNATURE);
        assertEquals(EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, bad.evidence());
        assertTrue(bad.detail().contains("for another player"), bad.detail());
    }

    @Test
    void nonBatchEnvelopeInTheBatchListIsForged() {
        Envelope vote = Wire.vote(f.player(0), f.id, 1, 0, ByteString.copyFrom(new byte[32]));
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addIntentBatches(vote), NackReason.NACK_BAD_SIGNATURE);
        assertEquals(EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, bad.evidence());
    }

    @Test
    void batchFromANonPlayerIsRefused() {
        Envelope b = Wire.batch(f.outsider, f.id, 1, Wire.bet(4096, BetType.PASS, 10));
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addIntentBatches(b), NackReason.NACK_BAD_TX);
        assertTrue(bad.detail().contains("non-player"), bad.detail());
        noEvidence(bad);
    }

    @Test
    void batchForAnotherTableIsRefused() {
        TableFixture other = new TableFixture(3, 1000, 100_000, Wire.rules(101, 1000));
        Envelope b = Wire.batch(f.player(0), other.id, 1, Wire.bet(4096, BetType.PASS, 10));
        invalid(state, Wire.nextTx(state).addIntentBatches(b), NackReason.NACK_BAD_TX);
    }

    @Test
    void emptyBatchAndOverfullBatchAreRefused() {
        noEvidence(invalid(state, Wire.nextTx(state).addIntentBatches(Wire.batch(f.player(0), f.id, 1)),
                NackReason.NACK_BAD_TX));
        Intent[] many = new Intent[WireLimits.INTENTS_PER_BATCH_MAX + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = Wire.bet(i, BetType.FIELD, 5);
        }
        invalid(state, Wire.nextTx(state).addIntentBatches(Wire.batch(f.player(0), f.id, 1, many)),
                NackReason.NACK_BAD_TX);
        Intent[] full = Arrays.copyOf(many, WireLimits.INTENTS_PER_BATCH_MAX);
        assertInstanceOf(TxCheck.Valid.class, f.check(state, Wire.nextTx(state)
                .addIntentBatches(Wire.batch(f.player(0), f.id, 1, full))));
    }

    // ------------------------------------------------------------------ reveals

    private byte[][] commitRoll(TableModel s) {
        byte[][] nonces = {Wire.nonce(7), Wire.nonce(8), Wire.nonce(9)};
        f.apply(s, Wire.nextTx(s).addAllDiceCommitments(f.commitments(s, nonces)));
        assertTrue(s.awaitingReveals());
        return nonces;
    }

    @Test
    void revealsThatOpenTheCommitmentsAreVotableAndNothingElseMayRideWithThem() {
        byte[][] nonces = commitRoll(state);
        List<Envelope> reveals = f.reveals(state, nonces);
        TxCheck.Valid valid = assertInstanceOf(TxCheck.Valid.class,
                f.check(state, Wire.nextTx(state).addAllDiceReveals(reveals)));
        assertEquals(3, valid.tx().reveals().size());
        assertTrue(valid.tx().isRoll());
        invalid(state, Wire.nextTx(state).addAllDiceReveals(reveals).addIntentBatches(betBatch(0, 1)),
                NackReason.NACK_BAD_TX);
        invalid(state, Wire.nextTx(state).addAllDiceReveals(reveals.subList(0, 2)), NackReason.NACK_BAD_TX);
        invalid(state, Wire.nextTx(state), NackReason.NACK_BAD_TX); // the roll must come first
        invalid(state, Wire.nextTx(state).addIntentBatches(betBatch(0, 1)), NackReason.NACK_BAD_TX);
    }

    @Test
    void revealNotMatchingItsCommitmentIsBadDiceNamingTheRevealer() {
        byte[][] nonces = commitRoll(state);
        List<Envelope> reveals = new ArrayList<>(f.reveals(state, nonces));
        reveals.set(1, Wire.reveal(f.player(1), f.id, 1, Wire.nonce(99)));
        TxCheck.Invalid bad = invalid(state, Wire.nextTx(state).addAllDiceReveals(reveals), NackReason.NACK_BAD_TX);
        assertEquals(EvidenceKind.EVIDENCE_BAD_DICE, bad.evidence());
        assertEquals(f.player(1).nodeId(), bad.culprit());
    }

    @Test
    void revealsOutOfOrderForgedOrForAnotherRollAreRefused() {
        byte[][] nonces = commitRoll(state);
        List<Envelope> r = f.reveals(state, nonces);
        invalid(state, Wire.nextTx(state).addAllDiceReveals(List.of(r.get(1), r.get(0), r.get(2))),
                NackReason.NACK_BAD_TX);
        List<Envelope> forged = new ArrayList<>(r);
        forged.set(2, Wire.forged(r.get(2)));
        invalid(state, Wire.nextTx(state).addAllDiceReveals(forged), NackReason.NACK_BAD_SIGNATURE);
        List<Envelope> otherRoll = new ArrayList<>(r);
        otherRoll.set(0, Wire.reveal(f.player(0), f.id, 2, nonces[0]));
        invalid(state, Wire.nextTx(state).addAllDiceReveals(otherRoll), NackReason.NACK_BAD_TX);
        List<Envelope> shortNonce = new ArrayList<>(r);
        shortNonce.set(0, Wire.reveal(f.player(0), f.id, 1, new byte[] {1, 2, 3}));
        invalid(state, Wire.nextTx(state).addAllDiceReveals(shortNonce), NackReason.NACK_BAD_TX);
    }

    @Test
    void aClosedTableVotesForNothing() {
        TableFixture solo = new TableFixture(1, 100, 1000);
        TableModel s = solo.fresh();
        Identity p = solo.player(0);
        solo.applyBatches(s, Wire.batch(p, solo.id, 1, Wire.leave(4096)));
        assertTrue(s.closed());
        TxCheck.Invalid bad = assertInstanceOf(TxCheck.Invalid.class, solo.check(s, Wire.nextTx(s)));
        assertTrue(bad.detail().contains("closed"), bad.detail());
    }

    @Test
    void aTxWithFieldsThisVersionDoesNotKnowIsRefused() {
        TableModel state = f.fresh();
        Tx tx = Wire.nextTx(state).setUnknownFields(HostileInputTest.padding(4)).build();
        TxCheck check = f.validator.check(state, tx.toByteString());
        assertInstanceOf(TxCheck.Invalid.class, check);
        assertTrue(((TxCheck.Invalid) check).detail().contains("does not know"), check.toString());
    }
}
