package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.NackReason;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.UnknownFields;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Decides whether a tx may be voted for: a pure function of the state after seq - 1 and the tx bytes (plus
 * signature checks). Whether each intent is accepted is decided later by {@link TxApplier}; this only checks that
 * the tx is well-formed and that every signed object in it is genuine and in its place.
 */
final class TxValidator {
    private final Function<Envelope, VerifyResult> verifier;

    /** @param verifier checks an embedded envelope's signature (may answer from a cache of envelopes seen before) */
    TxValidator(Function<Envelope, VerifyResult> verifier) {
        this.verifier = verifier;
    }

    TxCheck check(TableModel state, ByteString txBytes) {
        if (txBytes.size() > WireLimits.TX_BYTES_MAX) {
            return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "tx of " + txBytes.size() + " bytes > "
                    + WireLimits.TX_BYTES_MAX);
        }
        Tx tx;
        try {
            tx = Tx.parseFrom(txBytes);
        } catch (InvalidProtocolBufferException e) {
            return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "unparseable tx");
        }
        if (UnknownFields.anyIn(tx)) {
            return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "tx carries fields this version does not know");
        }
        if (!tx.getTableId().equals(state.id().bytes())) {
            return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "tx for another table");
        }
        if (tx.getSeq() != state.seq() + 1) {
            return TxCheck.Invalid.of(NackReason.NACK_WRONG_SEQ, "tx seq " + tx.getSeq() + ", expected "
                    + (state.seq() + 1));
        }
        if (!tx.getPrevHash().equals(state.lastHash())) {
            return TxCheck.Invalid.of(NackReason.NACK_WRONG_PREV_HASH, "prev_hash does not chain to seq "
                    + state.seq());
        }
        if (tx.getIntentBatchesCount() > WireLimits.BATCHES_PER_TX_MAX) {
            return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, tx.getIntentBatchesCount() + " batches > "
                    + WireLimits.BATCHES_PER_TX_MAX);
        }
        if (state.closed()) {
            return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "table is closed");
        }
        List<NodeId> active = state.active();
        List<DiceReveal> reveals = new ArrayList<>();
        List<DiceCommitment> commitments = new ArrayList<>();
        if (tx.hasEvict()) {
            String bad = Evictions.problem(state, tx, verifier);
            if (bad != null) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, bad);
            }
            ByteString hash = ByteString.copyFrom(Sha256.hash(txBytes.toByteArray()));
            return new TxCheck.Valid(new ParsedTx(txBytes, hash, tx, List.of(), List.of(), List.of()));
        }
        if (state.awaitingReveals()) {
            if (tx.getIntentBatchesCount() > 0 || tx.getDiceCommitmentsCount() > 0
                    || tx.getDiceRevealsCount() != active.size()) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX,
                        "while roll " + state.rollNo() + " awaits its reveals the tx must be exactly its "
                                + active.size() + " reveals");
            }
            TxCheck bad = checkReveals(state, tx, reveals);
            if (bad != null) {
                return bad;
            }
        } else {
            if (tx.getDiceRevealsCount() > 0) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "reveals before the roll's commitments committed");
            }
            if (tx.getDiceCommitmentsCount() != 0 && !state.mayRoll()) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "a roll needs two active players at a table "
                        + "seated for more than one");
            }
            if (tx.getDiceCommitmentsCount() != 0 && tx.getDiceCommitmentsCount() != active.size()) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, tx.getDiceCommitmentsCount()
                        + " commitments for " + active.size() + " players");
            }
        }
        List<ParsedTx.SignedBatch> batches = new ArrayList<>(tx.getIntentBatchesCount());
        for (int i = 0; i < tx.getIntentBatchesCount(); i++) {
            Envelope env = tx.getIntentBatches(i);
            VerifyResult r = verifier.apply(env);
            if (!(r instanceof Verified v) || v.kind() != Body.KindCase.INTENT_BATCH) {
                return new TxCheck.Invalid(NackReason.NACK_BAD_SIGNATURE, "intent batch " + i + ": " + r,
                        EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, null);
            }
            IntentBatch batch = v.body().getIntentBatch();
            if (!v.sender().matches(batch.getPlayer())) {
                return new TxCheck.Invalid(NackReason.NACK_BAD_SIGNATURE, "intent batch " + i
                        + " signed by " + v.sender() + " for another player",
                        EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH, null);
            }
            if (!batch.getTableId().equals(state.id().bytes())) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "intent batch " + i + " is for another table");
            }
            int seat = state.seatOf(v.sender());
            if (seat < 0) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "intent batch " + i + " from a non-player");
            }
            if (batch.getIntentsCount() == 0 || batch.getIntentsCount() > WireLimits.INTENTS_PER_BATCH_MAX) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "intent batch " + i + " has "
                        + batch.getIntentsCount() + " intents");
            }
            batches.add(new ParsedTx.SignedBatch(seat, batch));
        }
        if (!state.awaitingReveals()) {
            TxCheck bad = checkCommitments(state, tx, batches, commitments);
            if (bad != null) {
                return bad;
            }
        }
        ByteString hash = ByteString.copyFrom(Sha256.hash(txBytes.toByteArray()));
        return new TxCheck.Valid(new ParsedTx(txBytes, hash, tx, batches, commitments, reveals));
    }

    private TxCheck checkCommitments(TableModel state, Tx tx, List<ParsedTx.SignedBatch> batches,
            List<DiceCommitment> out) {
        List<NodeId> active = state.active();
        for (int i = 0; i < tx.getDiceCommitmentsCount(); i++) {
            VerifyResult r = verifier.apply(tx.getDiceCommitments(i));
            if (!(r instanceof Verified v) || v.kind() != Body.KindCase.DICE_COMMITMENT) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_SIGNATURE, "commitment " + i + ": " + r);
            }
            DiceCommitment c = v.body().getDiceCommitment();
            if (!v.sender().equals(active.get(i))) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "commitment " + i + " is not from player "
                        + active.get(i));
            }
            if (!c.getTableId().equals(state.id().bytes()) || c.getRollNo() != state.rollNo()
                    || c.getAttempt() != state.diceAttempt() || c.getCommitment().size() != Sha256.BYTES) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "commitment " + i + " is not for roll "
                        + state.rollNo() + " of this table");
            }
            long applied = lastBatchAfter(state, state.seatOf(active.get(i)), batches);
            if (c.getAfterBatchNo() > applied) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "commitment " + i + " waits for batch "
                        + c.getAfterBatchNo() + " of its player, but only " + applied + " will be applied");
            }
            out.add(c);
        }
        return null;
    }

    /** The player's last applied batch number once this tx's batches are applied (each must follow the last). */
    static long lastBatchAfter(TableModel state, int seat, List<ParsedTx.SignedBatch> batches) {
        long last = state.lastBatchNo(seat);
        for (ParsedTx.SignedBatch b : batches) {
            if (b.seat() == seat && b.batch().getBatchNo() == last + 1) {
                last++;
            }
        }
        return last;
    }

    private TxCheck checkReveals(TableModel state, Tx tx, List<DiceReveal> out) {
        List<NodeId> active = state.active();
        for (int i = 0; i < tx.getDiceRevealsCount(); i++) {
            VerifyResult r = verifier.apply(tx.getDiceReveals(i));
            if (!(r instanceof Verified v) || v.kind() != Body.KindCase.DICE_REVEAL) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_SIGNATURE, "reveal " + i + ": " + r);
            }
            DiceReveal reveal = v.body().getDiceReveal();
            NodeId player = active.get(i);
            if (!v.sender().equals(player)) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "reveal " + i + " is not from player " + player);
            }
            if (!ofThisRoll(state, reveal)) {
                return TxCheck.Invalid.of(NackReason.NACK_BAD_TX, "reveal " + i + " is not for roll "
                        + state.rollNo() + " of this table");
            }
            if (!matchesCommitment(state, i, player, reveal)) {
                return new TxCheck.Invalid(NackReason.NACK_BAD_TX, "reveal of " + player
                        + " does not match its commitment", EvidenceKind.EVIDENCE_BAD_DICE, player);
            }
            out.add(reveal);
        }
        return null;
    }

    /** The reveal is for this table's roll in progress and its attempt, with a nonce of the right size. */
    static boolean ofThisRoll(TableModel state, DiceReveal reveal) {
        return reveal.getTableId().equals(state.id().bytes()) && reveal.getRollNo() == state.rollNo()
                && reveal.getAttempt() == state.diceAttempt() && reveal.getNonce().size() == WireLimits.NONCE_BYTES;
    }

    /** The reveal's nonce opens the commitment this player committed for the roll. */
    static boolean matchesCommitment(TableModel state, int activeIndex, NodeId player, DiceReveal reveal) {
        Envelope committed = state.rollCommitments().get(activeIndex);
        DiceCommitment c;
        try {
            c = Body.parseFrom(committed.getBody()).getDiceCommitment();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a committed commitment does not parse", e);
        }
        byte[] expected = Dice.commitment(state.id().toByteArray(), state.rollNo(), player.bytes(),
                reveal.getNonce().toByteArray());
        return ByteString.copyFrom(expected).equals(c.getCommitment());
    }
}
