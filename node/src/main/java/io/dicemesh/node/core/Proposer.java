package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.List;

/** The coordinator's side of a slot: when to propose, and which tx (its work, or the lock R3 forces). */
final class Proposer {
    /** Bytes of batches a coordinator puts in one tx: the rest of the tx limit is room for the commitments. */
    static final long TX_BATCH_BYTES_MAX = WireLimits.TX_BYTES_MAX - 64L * 1024;

    private final TableContext t;
    private final SlotProtocol protocol;
    private final Committer committer;

    Proposer(TableContext t, SlotProtocol protocol, Committer committer) {
        this.t = t;
        this.protocol = protocol;
        this.committer = committer;
    }

    /** Proposes the next slot when this node coordinates it and has something to propose. */
    void maybePropose(long nowMs, Out out) {
        if (!t.isSeated() || t.slot.isCommitted() || t.haltedBecause != null) {
            return;
        }
        int view = t.slot.view();
        if (t.slot.proposedIn(view) || t.slot.votedIn(view)) {
            return;
        }
        ByteString tx;
        List<Envelope> justification = List.of();
        List<NodeId> excluded = List.of();
        if (view == 0) {
            if (!t.state.coordinator(t.slot.seq, view).equals(t.node.me)) {
                return;
            }
            tx = workTx();
            if (tx == null) {
                return;
            }
        } else {
            Slot.Justification held = t.slot.justification(view);
            if (held == null) {
                return;
            }
            excluded = Exclusion.fromMask(t.state.active(), held.excluded());
            if (!t.state.coordinator(t.slot.seq, view, excluded).equals(t.node.me)) {
                return;
            }
            justification = held.statuses();
            Locks.Justified j = Locks.check(t.state, t.slot.seq, view, justification, t.node::verify, t.liars());
            Safety.check(j.valid(), "accepted Statuses justify their view",
                    () -> "view " + view + ": " + j.problem());
            Locks.ShownLock binding = BindingLock.of(t, j);
            if (binding != null && t.node.safety.honoursJustificationLocks()) {
                ByteString lockHash = binding.txHash();
                if (t.slot.lock() != null && !t.slot.lock().txHash().equals(lockHash)) {
                    return; // our own lock forbids the forced tx: the table is stalled by an equivocation
                }
                tx = t.slot.txOf(lockHash);
                if (tx == null) {
                    for (Verified status : j.verified()) {
                        committer.query(status.sender(), nowMs, out);
                    }
                    return;
                }
                if (!countsIn(tx, excluded)) {
                    return; // an Evict tx counts only in the round without exactly its players: not this one
                }
            } else if (!excluded.isEmpty()) {
                // no lock shown: the round without X finishes the roll if the reveals shown complete it, else
                // carries the Evict tx (DESIGN 5b), never other work
                List<Envelope> reveals = t.state.awaitingReveals() ? t.dice.revealsInOrder(t.state.active()) : null;
                if (reveals != null) {
                    tx = workTx();
                } else {
                    Tx evict = Evictions.build(t.state, excluded, t.dice.reveals, t::proofAgainst);
                    if (Evictions.restartsWithNoRevealMissing(t.state, evict.getEvict())) {
                        return; // every reveal of X is here: the roll finishes once the stayers' reveals are in
                    }
                    tx = evict.toByteString();
                }
            } else {
                tx = workTx();
                if (tx == null && t.state.awaitingReveals()) {
                    return; // only the roll's reveals can fill this slot, and some are missing
                }
                if (tx == null) {
                    tx = Tx.newBuilder().setTableId(t.state.id().bytes()).setSeq(t.slot.seq)
                            .setPrevHash(t.state.lastHash()).build().toByteString();
                }
            }
        }
        Lock mine = t.slot.lock();
        if (mine != null && !mine.txHash().equals(com.google.protobuf.ByteString.copyFrom(io.dicemesh.crypto.Sha256.hash(tx.toByteArray()))) && !t.node.safety.lockMayMove()) {
            return; // R2: this node can only ever vote for its lock's tx here, so it proposes nothing else
        }
        propose(view, tx, justification, excluded, nowMs, out);
    }

    /** Whether a certificate of this round (going without {@code excluded}) could count for {@code tx}. */
    private static boolean countsIn(ByteString tx, List<NodeId> excluded) {
        try {
            Tx parsed = Tx.parseFrom(tx);
            return !parsed.hasEvict() || Evictions.evictedWire(parsed).equals(Exclusion.wire(excluded));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return true; // the validator refuses it when proposed
        }
    }

    void propose(int view, ByteString tx, List<Envelope> justification, List<NodeId> excluded, long nowMs,
            Out out) {
        TxCheck check = t.validator.check(t.state, tx);
        if (check instanceof TxCheck.Invalid bad) {
            out.emit(new Event.Dropped(t.node.me, "proposal", "cannot propose an invalid tx: " + bad.detail()));
            t.slot.markProposed(view);
            return;
        }
        ByteString hash = ((TxCheck.Valid) check).tx().hash();
        Envelope proposal = t.node.sign(Body.newBuilder().setProposal(Proposal.newBuilder()
                .setTableId(t.state.id().bytes()).setSeq(t.slot.seq).setView(view).setTxHash(hash)
                .addAllExcluded(Exclusion.wire(excluded))).build());
        Envelope prepare = t.node.sign(Body.newBuilder().setPrepare(Prepare.newBuilder().setProposal(proposal)
                .setTx(tx).addAllJustification(justification)).build());
        t.slot.markProposed(view);
        t.slot.recordProposal(view, proposal);
        t.slot.rememberTx(hash, tx, prepare);
        t.startSlot(nowMs);
        protocol.takeLock(view, hash, tx, prepare, proposal, nowMs, out);
        out.emit(new Event.Proposed(t.state.id(), t.slot.seq, view, hash));
        out.sendAll(t.state.active(), t.node.me, prepare);
        protocol.broadcastVote(nowMs, out);
    }

    /** The tx of the work this node holds, or null when it holds none. */
    ByteString workTx() {
        Tx.Builder tx = Tx.newBuilder().setTableId(t.state.id().bytes()).setSeq(t.slot.seq).setPrevHash(t.state.lastHash());
        List<NodeId> active = t.state.active();
        if (t.state.awaitingReveals()) {
            List<Envelope> reveals = t.dice.revealsInOrder(active);
            if (reveals == null) {
                return null;
            }
            return tx.addAllDiceReveals(reveals).build().toByteString();
        }
        List<Envelope> batches = t.pool.take(t.state, WireLimits.BATCHES_PER_TX_MAX, TX_BATCH_BYTES_MAX);
        tx.addAllIntentBatches(batches);
        // a roll asked for before the table lost all but one player never happens (no roll with fewer than two)
        List<Envelope> commitments = t.state.mayRoll() ? t.dice.commitmentsInOrder(active) : null;
        if (commitments != null && commitmentsReady(commitments, batches)) {
            tx.addAllDiceCommitments(commitments);
        }
        if (tx.getIntentBatchesCount() == 0 && tx.getDiceCommitmentsCount() == 0) {
            return null;
        }
        return tx.build().toByteString();
    }

    /** Every commitment's {@code after_batch_no} is met once these batches are applied. */
    boolean commitmentsReady(List<Envelope> commitments, List<Envelope> batches) {
        List<ParsedTx.SignedBatch> signed = new ArrayList<>(batches.size());
        for (Envelope b : batches) {
            Verified v = (Verified) t.node.verify(b);
            signed.add(new ParsedTx.SignedBatch(t.state.seatOf(v.sender()), v.body().getIntentBatch()));
        }
        for (Envelope c : commitments) {
            Verified v = (Verified) t.node.verify(c);
            long applied = TxValidator.lastBatchAfter(t.state, t.state.seatOf(v.sender()), signed);
            if (v.body().getDiceCommitment().getAfterBatchNo() > applied) {
                return false;
            }
        }
        return true;
    }
}
