package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.TableState;
import java.util.List;
import java.util.Map;

/**
 * One table at one node: the rotating-coordinator atomic commit (DESIGN section 5), the gossip of intents and
 * dice, and this node's client requests for the table. Dispatches each input to the part that owns it
 * ({@link IntentDesk}, {@link DiceDesk}, {@link SlotProtocol}, {@link Proposer}, {@link Committer}, all over one
 * {@link TableContext}) and keeps the table's single timer. Single-threaded and deterministic; all effects go to
 * the {@link Out} it is handed.
 */
final class TableEngine {
    private final TableContext t;
    private final IntentDesk intents;
    private final DiceDesk diceDesk;
    private final Committer committer;
    private final SlotProtocol protocol;
    private final Proposer proposer;
    private final String timerKey;
    private long lastWakeMs = -1;

    TableEngine(EngineContext ctx, TableModel state) {
        this.t = new TableContext(ctx, state);
        this.intents = new IntentDesk(t);
        this.diceDesk = new DiceDesk(t, intents);
        this.committer = new Committer(t, intents, diceDesk);
        this.protocol = new SlotProtocol(t, committer);
        this.proposer = new Proposer(t, protocol, committer);
        this.committer.setRedispatch(this::onMessage);
        this.timerKey = "table/" + state.id().hex();
    }

    /** Re-installs what this node persisted about its open slot and its own batches (after a restart). */
    void restore(Envelope lockRecordPrepare, Envelope lockVote, Envelope status, List<Envelope> ownBatches) {
        if (lockRecordPrepare != null && lockVote != null) {
            Verified prepare = (Verified) t.node.verify(lockRecordPrepare);
            Prepare p = prepare.body().getPrepare();
            Proposal prop = ((Verified) t.node.verify(p.getProposal())).body().getProposal();
            if (prop.getSeq() == t.slot.seq) {
                t.slot.lock = new Lock(prop.getSeq(), prop.getView(), prop.getTxHash(), p.getTx(), lockRecordPrepare,
                        p.getProposal(), lockVote);
                t.slot.votedViews.add(prop.getView());
                t.slot.view = Math.max(t.slot.view, prop.getView());
                t.slot.proposals.put(prop.getView(), p.getProposal());
                t.slot.rememberTx(prop.getTxHash(), p.getTx(), lockRecordPrepare);
                if (prepare.sender().equals(t.node.me)) {
                    t.slot.proposedViews.add(prop.getView());
                }
                t.slot.recordVote(t.myIndex(), prop.getTxHash(), lockVote);
                t.slot.sawTraffic = true;
            }
        }
        if (status != null) {
            Verified v = (Verified) t.node.verify(status);
            Status s = v.body().getStatus();
            if (s.getSeq() == t.slot.seq) {
                t.slot.view = Math.max(t.slot.view, s.getView());
                t.slot.myStatus = status;
                t.slot.recordStatus(t.myIndex(), s.getView(), status);
                t.slot.sawTraffic = true;
            }
        }
        for (Envelope b : ownBatches) {
            IntentBatch batch = ((Verified) t.node.verify(b)).body().getIntentBatch();
            if (batch.getBatchNo() > t.state.lastBatchNo(t.mySeat())) {
                t.own.pending.put(batch.getBatchNo(), b);
                t.pool.add(t.mySeat(), batch.getBatchNo(), t.state.lastBatchNo(t.mySeat()), b);
            }
        }
    }

    void restoreEvidence(List<io.dicemesh.protocol.Evidence> stored) {
        t.evidence.restore(stored);
    }

    /** After a restart: repeat what peers may have missed and ask them for slots this node lacks. */
    void start(long nowMs, Out out) {
        if (t.isSeated() && t.state.awaitingReveals() && !t.dice.myRevealSent) {
            diceDesk.signMyReveal(nowMs); // derived from the key, so a crash never loses it
        }
        greet(t.state.active(), nowMs, out);
    }

    /**
     * Repeats to {@code peers} (those seated here) what they may have missed while unreachable: this node's vote,
     * Status, own Prepare of the current view, unsent intent batches and dice, plus the dice of others when the
     * peer coordinates; then asks each for certificates this node lacks. All of it is idempotent at the receiver.
     */
    void greet(List<NodeId> peers, long nowMs, Out out) {
        if (!t.isSeated()) {
            return;
        }
        Slot slot = t.slot;
        NodeId coordinator = t.state.coordinator(slot.seq, slot.view);
        Map<NodeId, Envelope> heldDice = t.dice.held(t.state.awaitingReveals());
        for (NodeId peer : peers) {
            if (peer.equals(t.node.me) || !t.state.isActive(peer)) {
                continue;
            }
            if (!slot.committed && slot.lock != null) {
                if (slot.lock.view() == slot.view && coordinator.equals(t.node.me)) {
                    out.send(peer, slot.lock.prepare());
                }
                out.send(peer, slot.lock.vote());
            }
            if (!slot.committed && slot.myStatus != null) {
                out.send(peer, slot.myStatus);
            }
            for (Envelope b : t.own.pending.values()) {
                out.send(peer, b);
            }
            for (Map.Entry<NodeId, Envelope> dice : heldDice.entrySet()) {
                if (dice.getKey().equals(t.node.me) || peer.equals(coordinator)) { // the coordinator needs all
                    out.send(peer, dice.getValue());
                }
            }
            committer.query(peer, nowMs, out);
        }
        afterInput(nowMs, out);
    }

    void onMessage(Verified v, NodeId from, long nowMs, Out out) {
        t.node.remember(v);
        switch (v.kind()) {
            case INTENT_BATCH -> intents.onIntentBatch(v, out);
            case DICE_COMMITMENT -> diceDesk.onCommitment(v, nowMs, out);
            case DICE_REVEAL -> diceDesk.onReveal(v, out);
            case PREPARE -> protocol.onPrepare(v, nowMs, out);
            case VOTE -> protocol.onVote(v, nowMs, out);
            case STATUS -> protocol.onStatus(v, nowMs, out);
            case NACK -> protocol.onNack(v, out);
            case CERTIFICATE_QUERY -> committer.onCertificateQuery(v, nowMs, out);
            case CERTIFICATE_REPLY -> protocol.onCertificateReply(v, nowMs, out);
            default -> t.drop(out, v, "not a table message");
        }
        afterInput(nowMs, out);
    }

    void onTick(long nowMs, Out out) {
        if (t.isSeated() && !t.slot.committed && t.slot.nudgeAtMs >= 0 && nowMs >= t.slot.nudgeAtMs) {
            t.slot.nudgeAtMs = -1;
            protocol.nudge(out);
        }
        if (t.isSeated() && !t.slot.committed && t.slot.deadlineMs >= 0 && nowMs >= t.slot.deadlineMs) {
            protocol.moveToView(t.slot.view + 1, nowMs, "timeout", out);
        }
        if (t.isSeated() && t.dice.resendAtMs >= 0 && nowMs >= t.dice.resendAtMs) {
            diceDesk.resendMyDice(nowMs, out);
        }
        if (t.own.flushAtMs >= 0 && nowMs >= t.own.flushAtMs) {
            intents.flushOwn(nowMs, out);
        }
        diceDesk.reportWithheldDice(nowMs, out);
        afterInput(nowMs, out);
    }

    void onCommand(long requestId, ClientRequest request, long nowMs, Out out) {
        if (request instanceof ClientRequest.PlaceBet p) {
            intents.queueIntent(requestId, Intent.newBuilder().setPlaceBet(io.dicemesh.protocol.PlaceBet.newBuilder()
                    .setType(GameProtos.wire(p.kind())).setAmount(p.amount()).setNumber(p.number())
                    .setOnBet(p.onBet())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.TakeDown d) {
            intents.queueIntent(requestId, Intent.newBuilder().setTakeDown(io.dicemesh.protocol.TakeDown.newBuilder()
                    .setBetId(d.betId())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.Transfer t) {
            intents.queueIntent(requestId, Intent.newBuilder().setTransfer(io.dicemesh.protocol.Transfer.newBuilder()
                    .setTo(t.to().byteString()).setAmount(t.amount())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.Leave) {
            intents.queueIntent(requestId, Intent.newBuilder().setLeave(io.dicemesh.protocol.Leave.getDefaultInstance())
                    .build(), nowMs, out);
        } else if (request instanceof ClientRequest.Roll) {
            diceDesk.requestRoll(requestId, nowMs, out);
        } else if (request instanceof ClientRequest.ShowTable) {
            out.reply(requestId, new ClientResult.TableInfo(summary(), t.state.toProto()));
        } else {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST, "not a table command"));
        }
        afterInput(nowMs, out);
    }

    private void afterInput(long nowMs, Out out) {
        proposer.maybePropose(nowMs, out);
        if (t.isSeated() && !t.slot.committed && t.slot.deadlineMs < 0 && interested()) {
            protocol.armDeadline(nowMs);
        }
        long wake = nextWakeMs();
        if (wake >= 0 && (wake != lastWakeMs || lastWakeMs <= nowMs)) {
            lastWakeMs = wake;
            out.timer(timerKey, Math.max(wake, nowMs + 1)); // never a timer in the past: it would spin
        }
    }

    /** True when this node expects the open slot to commit: it has seen the slot start or holds work for it. */
    private boolean interested() {
        if (t.slot.sawTraffic) {
            return true;
        }
        List<NodeId> active = t.state.active();
        if (t.state.awaitingReveals()) {
            return t.dice.revealsInOrder(active) != null; // intents wait until the roll is done
        }
        return !t.own.pending.isEmpty() || t.pool.hasEligible(t.state) || t.dice.commitmentsInOrder(active) != null;
    }

    private long nextWakeMs() {
        long wake = -1;
        wake = earliest(wake, t.slot.committed ? -1 : t.slot.deadlineMs);
        wake = earliest(wake, t.slot.committed ? -1 : t.slot.nudgeAtMs);
        wake = earliest(wake, t.dice.resendAtMs);
        wake = earliest(wake, t.own.flushAtMs);
        long since = t.state.awaitingReveals() ? t.dice.revealsSinceMs : t.dice.commitmentsSinceMs;
        List<NodeId> missing = t.state.awaitingReveals() ? t.dice.missingReveals(t.state.active())
                : t.dice.wanted() ? t.dice.missingCommitments(t.state.active()) : List.of();
        // Only while someone missing is not reported yet: past the dice timeout, this wake would lie in the past.
        if (since >= 0 && !t.dice.reportedWithheld.containsAll(missing)) {
            wake = earliest(wake, since + t.diceTimeoutMs());
        }
        return wake;
    }

    private static long earliest(long a, long b) {
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }

    TableId id() {
        return t.state.id();
    }

    TableModel model() {
        return t.state;
    }

    TableState snapshot() {
        return t.state.toProto();
    }

    List<io.dicemesh.protocol.Evidence> evidence() {
        return t.evidence.recent();
    }

    int currentView() {
        return t.slot.view;
    }

    ByteString lockedTxHash() {
        return t.slot.lock == null ? null : t.slot.lock.txHash();
    }

    /** The protocol's internal state in one line, for diagnosing a stalled table. */
    String debugState() {
        return "seq=" + t.state.seq() + " t.slot=" + t.slot.seq + " view=" + t.slot.view + " deadline=" + t.slot.deadlineMs
                + " nudge=" + t.slot.nudgeAtMs + " traffic=" + t.slot.sawTraffic + " committed=" + t.slot.committed
                + " lock=" + (t.slot.lock == null ? "none" : "v" + t.slot.lock.view()) + " votes=" + t.slot.votesByHash.size()
                + " statusViews=" + t.slot.statuses.keySet() + " t.pool=" + t.pool.size() + " eligible="
                + t.pool.hasEligible(t.state) + " ownPending=" + t.own.pending.keySet() + " queue=" + t.own.queue.size()
                + " roll=" + t.state.rollNo() + " awaitingReveals=" + t.state.awaitingReveals() + " commitments="
                + t.dice.commitments.size() + " reveals=" + t.dice.reveals.size() + " mySent=" + t.dice.myCommitmentSent
                + "/" + t.dice.myRevealSent + " diceResend=" + t.dice.resendAtMs + " t.future=" + t.future.size()
                + " lastBatch=" + (t.mySeat() >= 0 ? t.state.lastBatchNo(t.mySeat()) : -1) + " wake=" + lastWakeMs;
    }

    /** True while this node has work at the table that has not committed (a slot it joined, or own intents). */
    boolean inFlight() {
        return t.isSeated() && ((t.slot.sawTraffic && !t.slot.committed) || !t.own.pending.isEmpty() || !t.own.queue.isEmpty()
                || (t.state.awaitingReveals() && t.dice.myRevealSent));
    }

    /** True when a slot is open with a lock but no certificate yet: the outcome is fixed but not known here. */
    boolean inDoubt() {
        return t.slot.lock != null && !t.slot.committed;
    }

    ClientResult.TableSummary summary() {
        int seat = t.mySeat();
        String status = t.state.closed() ? "closed" : t.isSeated() ? "active" : "left";
        return new ClientResult.TableSummary(t.state.id(), status, t.state.seats(), t.state.seq(), t.state.rollNo(),
                t.state.game().point(), seat >= 0 ? t.state.game().stack(seat) : 0, t.state.seats().size());
    }
}
