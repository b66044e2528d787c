package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.Leave;
import io.dicemesh.protocol.Nack;
import io.dicemesh.protocol.NackReason;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.PlaceBet;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TakeDown;
import io.dicemesh.protocol.Transfer;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.Vote;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Builds signed protocol messages the way an honest (or a lying) player would, for tests. */
final class Wire {
    private Wire() {
    }

    /** A deterministic identity per label: the same label always gives the same key. */
    static Identity identity(String label) {
        return Identity.fromSeed(Sha256.hash(("dicemesh-test-identity/" + label).getBytes(StandardCharsets.UTF_8)));
    }

    /** Table rules for tests: bets 5..500, 3-4-5x odds, the given view and dice timeouts. */
    static TableRules rules(int viewTimeoutMs, int diceTimeoutMs) {
        return TableRules.newBuilder().setMinBet(5).setMaxBet(500)
                .setOdds(OddsMultiples.newBuilder().setFour(3).setFive(4).setSix(5).setEight(5).setNine(4).setTen(3))
                .setViewTimeoutMs(viewTimeoutMs).setDiceTimeoutMs(diceTimeoutMs).setAbsentTimeoutMs(120_000).build();
    }

    static ByteString hash(ByteString bytes) {
        return ByteString.copyFrom(Sha256.hash(bytes.toByteArray()));
    }

    /** A nonce made of one repeated byte. */
    static byte[] nonce(int fill) {
        byte[] n = new byte[32];
        Arrays.fill(n, (byte) fill);
        return n;
    }

    // ------------------------------------------------------------------ intents

    static Intent bet(long intentId, BetType type, long amount) {
        return Intent.newBuilder().setIntentId(intentId)
                .setPlaceBet(PlaceBet.newBuilder().setType(type).setAmount(amount)).build();
    }

    static Intent bet(long intentId, BetType type, long amount, int number, long onBet) {
        return Intent.newBuilder().setIntentId(intentId).setPlaceBet(PlaceBet.newBuilder().setType(type)
                .setAmount(amount).setNumber(number).setOnBet(onBet)).build();
    }

    static Intent takeDown(long intentId, long betId) {
        return Intent.newBuilder().setIntentId(intentId).setTakeDown(TakeDown.newBuilder().setBetId(betId)).build();
    }

    static Intent transfer(long intentId, NodeId to, long amount) {
        return transfer(intentId, to.byteString(), amount);
    }

    static Intent transfer(long intentId, ByteString to, long amount) {
        return Intent.newBuilder().setIntentId(intentId).setTransfer(Transfer.newBuilder().setTo(to)
                .setAmount(amount)).build();
    }

    static Intent leave(long intentId) {
        return Intent.newBuilder().setIntentId(intentId).setLeave(Leave.getDefaultInstance()).build();
    }

    static Envelope batch(Identity player, TableId table, long batchNo, Intent... intents) {
        return batchFor(player, player.nodeId(), table, batchNo, intents);
    }

    /** A batch signed by {@code signer} that claims to be {@code claimed}'s. */
    static Envelope batchFor(Identity signer, NodeId claimed, TableId table, long batchNo, Intent... intents) {
        return Signatures.seal(signer, Body.newBuilder().setIntentBatch(IntentBatch.newBuilder()
                .setTableId(table.bytes()).setPlayer(claimed.byteString()).setBatchNo(batchNo)
                .addAllIntents(List.of(intents))).build());
    }

    // ------------------------------------------------------------------ dice

    static Envelope commitment(Identity player, TableId table, long rollNo, byte[] nonce, long afterBatchNo) {
        byte[] c = Dice.commitment(table.toByteArray(), rollNo, player.nodeId().bytes(), nonce);
        return Signatures.seal(player, Body.newBuilder().setDiceCommitment(DiceCommitment.newBuilder()
                .setTableId(table.bytes()).setRollNo(rollNo).setCommitment(ByteString.copyFrom(c))
                .setAfterBatchNo(afterBatchNo)).build());
    }

    static Envelope reveal(Identity player, TableId table, long rollNo, byte[] nonce) {
        return Signatures.seal(player, Body.newBuilder().setDiceReveal(DiceReveal.newBuilder()
                .setTableId(table.bytes()).setRollNo(rollNo).setNonce(ByteString.copyFrom(nonce))).build());
    }

    // ------------------------------------------------------------------ the commit protocol

    static Tx.Builder tx(TableId table, long seq, ByteString prevHash) {
        return Tx.newBuilder().setTableId(table.bytes()).setSeq(seq).setPrevHash(prevHash);
    }

    /** An empty tx for the slot after {@code state}. */
    static Tx.Builder nextTx(TableModel state) {
        return tx(state.id(), state.seq() + 1, state.lastHash());
    }

    static Envelope proposal(Identity coordinator, TableId table, long seq, int view, ByteString txHash) {
        return Signatures.seal(coordinator, Body.newBuilder().setProposal(Proposal.newBuilder()
                .setTableId(table.bytes()).setSeq(seq).setView(view).setTxHash(txHash)).build());
    }

    static Envelope prepare(Identity coordinator, Envelope proposal, ByteString tx, List<Envelope> justification) {
        return Signatures.seal(coordinator, Body.newBuilder().setPrepare(Prepare.newBuilder().setProposal(proposal)
                .setTx(tx).addAllJustification(justification)).build());
    }

    /** A Prepare of {@code tx} at (seq, view) of the tx's table, proposal and all, signed by {@code coordinator}. */
    static Envelope prepare(Identity coordinator, TableId table, long seq, int view, ByteString tx,
            List<Envelope> justification) {
        return prepare(coordinator, proposal(coordinator, table, seq, view, hash(tx)), tx, justification);
    }

    static Envelope vote(Identity player, TableId table, long seq, int view, ByteString txHash) {
        return Signatures.seal(player, Body.newBuilder().setVote(Vote.newBuilder().setTableId(table.bytes())
                .setSeq(seq).setView(view).setTxHash(txHash)).build());
    }

    static Envelope status(Identity player, TableId table, long seq, int view, Envelope lockedProposal) {
        Status.Builder s = Status.newBuilder().setTableId(table.bytes()).setSeq(seq).setView(view);
        if (lockedProposal != null) {
            s.setLockedProposal(lockedProposal);
        }
        return Signatures.seal(player, Body.newBuilder().setStatus(s).build());
    }

    static Envelope nack(Identity player, TableId table, long seq, int view) {
        return Signatures.seal(player, Body.newBuilder().setNack(Nack.newBuilder().setTableId(table.bytes())
                .setSeq(seq).setView(view).setReason(NackReason.NACK_BAD_TX).setDetail("no")).build());
    }

    /** The same envelope with one bit of its body flipped: its signature no longer verifies. */
    static Envelope forged(Envelope genuine) {
        byte[] body = genuine.getBody().toByteArray();
        body[body.length - 1] ^= 0x01;
        return genuine.toBuilder().setBody(ByteString.copyFrom(body)).build();
    }
}
