package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.DiceNonces;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvidenceKind;
import java.util.List;

/**
 * The dice of a table at this node: its own commitment and reveal (sent, resent with backoff), the ones it
 * collects from the other players, and reports of the ones that never come.
 */
final class DiceDesk {
    private final TableContext t;
    private final IntentDesk intents;

    DiceDesk(TableContext t, IntentDesk intents) {
        this.t = t;
        this.intents = intents;
    }

    void requestRoll(long requestId, long nowMs, Out out) {
        if (!t.isSeated()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.NOT_SEATED,
                    "this node is not seated at table " + t.state.id()));
            return;
        }
        if (!t.state.mayRoll()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST, "table " + t.state.id()
                    + " has one player left: a roll needs two (a lone player would choose the dice)"));
            return;
        }
        if (t.own.leaving()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST, "this node is leaving "
                    + "table " + t.state.id() + ": it asks for no roll"));
            return;
        }
        t.own.addRollWaiter(t.state.rollNo(), requestId);
        if (!t.state.awaitingReveals() && !t.dice.myCommitmentSent) {
            sendMyCommitment(nowMs, out);
        }
    }

    /** Commits to this node's nonce for the current roll (after signing any queued intents, which go first). */
    void sendMyCommitment(long nowMs, Out out) {
        if (t.own.leaving()) {
            return; // its Leave goes first, in a tx of its own: the roll then goes on without this node
        }
        intents.flushOwn(nowMs, out);
        byte[] nonce = DiceNonces.derive(t.node.identity, t.state.id().toByteArray(), t.state.rollNo(),
                t.state.diceAttempt());
        byte[] commitment = Dice.commitment(t.state.id().toByteArray(), t.state.rollNo(), t.node.me.bytes(), nonce);
        long afterBatch = t.own.pending.isEmpty() ? t.state.lastBatchNo(t.mySeat()) : t.own.pending.lastKey();
        Envelope env = t.node.sign(Body.newBuilder().setDiceCommitment(DiceCommitment.newBuilder()
                .setTableId(t.state.id().bytes()).setRollNo(t.state.rollNo())
                .setCommitment(ByteString.copyFrom(commitment)).setAfterBatchNo(afterBatch)
                .setAttempt(t.state.diceAttempt())).build());
        t.dice.commitments.put(t.node.me, env);
        t.dice.myCommitmentSent = true;
        t.dice.resend.armAt(nowMs + t.viewTimeoutMs(0));
        if (t.dice.commitmentsSinceMs < 0) {
            t.dice.commitmentsSinceMs = nowMs;
        }
        out.sendAll(t.state.active(), t.node.me, env);
    }

    void sendMyReveal(long nowMs, Out out) {
        out.sendAll(t.state.active(), t.node.me, signMyReveal(nowMs));
    }

    /** Signs and keeps this node's reveal for the current roll (re-derived, so the same bytes every time). */
    Envelope signMyReveal(long nowMs) {
        byte[] nonce = DiceNonces.derive(t.node.identity, t.state.id().toByteArray(), t.state.rollNo(),
                t.state.diceAttempt());
        Envelope env = t.node.sign(Body.newBuilder().setDiceReveal(DiceReveal.newBuilder()
                .setTableId(t.state.id().bytes()).setRollNo(t.state.rollNo()).setNonce(ByteString.copyFrom(nonce))
                .setAttempt(t.state.diceAttempt())).build());
        t.dice.reveals.put(t.node.me, env);
        t.dice.myRevealSent = true;
        t.dice.resend.armAt(nowMs + t.viewTimeoutMs(0));
        if (t.dice.revealsSinceMs < 0) {
            t.dice.revealsSinceMs = nowMs;
        }
        return env;
    }

    /** A seated player's commitment for the current roll (the gate sorted it so): every honest player joins. */
    void onCommitment(Verified v, long nowMs, Out out) {
        t.dice.commitments.putIfAbsent(v.sender(), v.envelope());
        if (t.dice.commitmentsSinceMs < 0) {
            t.dice.commitmentsSinceMs = nowMs;
        }
        if (!t.dice.myCommitmentSent && t.isSeated()) {
            sendMyCommitment(nowMs, out); // a roll was asked for: every honest player joins it
        }
    }

    /** A seated player's reveal while the roll awaits its reveals (the gate sorted it so). */
    void onReveal(Verified v, Out out) {
        DiceReveal r = v.body().getDiceReveal();
        int index = t.state.active().indexOf(v.sender());
        if (!TxValidator.matchesCommitment(t.state, index, v.sender(), r)) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_BAD_DICE, v.sender(), t.slot.seq, t.slot.view(),
                    t.state.rollNo(), List.of(t.state.rollCommitments().get(index), v.envelope()),
                    "reveal does not open its commitment");
            t.prove(LiarProofs.of(v.sender(), List.of(t.state.rollCommitments().get(index), v.envelope())));
            return;
        }
        t.dice.reveals.putIfAbsent(v.sender(), v.envelope());
    }

    /** Names players whose commitment or reveal is overdue (observed, not proof), once per roll. */
    void reportWithheldDice(long nowMs, Out out) {
        long limitMs = t.diceTimeoutMs();
        List<NodeId> missing;
        long since;
        String what;
        if (t.state.awaitingReveals()) {
            missing = t.dice.missingReveals(t.state.active());
            since = t.dice.revealsSinceMs;
            what = "reveal";
        } else {
            missing = t.dice.wanted() ? t.dice.missingCommitments(t.state.active()) : List.of();
            since = t.dice.commitmentsSinceMs;
            what = "commitment";
        }
        if (since < 0 || nowMs - since < limitMs) {
            return;
        }
        for (NodeId p : missing) {
            if (t.dice.reportedWithheld.add(p)) {
                t.evidence.record(out, EvidenceKind.EVIDENCE_WITHHELD_DICE, p, t.slot.seq, t.slot.view(),
                        t.state.rollNo(),
                        List.of(), "no " + what + " for roll " + t.state.rollNo() + " within " + limitMs + " ms");
            }
        }
    }

    /**
     * While a dice round is open, this node repeats its own commitment or reveal, backing off from one view
     * timeout up to the longest, so a lost message delays the roll but never stalls it.
     */
    void resendMyDice(long nowMs, Out out) {
        Envelope mine = t.dice.held(t.state.awaitingReveals()).get(t.node.me);
        if (mine == null) {
            t.dice.resend.disarm();
            return;
        }
        out.sendAll(t.state.active(), t.node.me, mine);
        t.dice.resendIntervalMs = Math.min(TableContext.VIEW_TIMEOUT_CEILING_MS,
                Math.max(t.viewTimeoutMs(0), t.dice.resendIntervalMs * 2));
        t.dice.resend.armAt(nowMs + t.dice.resendIntervalMs);
    }
}
