package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.CertificateQuery;
import io.dicemesh.protocol.CertificateReply;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * Deciding a slot: a certificate (every player's vote on one tx) applies the tx in one write, answers the
 * clients and opens the next slot; and the termination protocol around it: certificate queries and replies, and
 * messages for later slots kept until their slot opens.
 */
final class Committer {
    /** Hands kept messages back to the table once their slot opens. */
    interface Redispatch {
        void onMessage(Verified v, NodeId from, long nowMs, Out out);
    }

    private final TableContext t;
    private final IntentDesk intents;
    private final DiceDesk diceDesk;
    private Redispatch redispatch;

    Committer(TableContext t, IntentDesk intents, DiceDesk diceDesk) {
        this.t = t;
        this.intents = intents;
        this.diceDesk = diceDesk;
    }

    void setRedispatch(Redispatch redispatch) {
        this.redispatch = redispatch;
    }

    void checkCertificate(long nowMs, Out out) {
        if (t.node.config.has(InjectedBug.COMMIT_BEFORE_ALL_VOTES) && t.slot.lock != null && !t.slot.committed) {
            List<Envelope> some = new ArrayList<>();
            for (Envelope v : t.slot.votesByHash.get(t.slot.lock.txHash())) {
                if (v != null) {
                    some.add(v);
                }
            }
            commit(t.slot.lock.tx(), t.slot.lock.txHash(), some, nowMs, out);
            return;
        }
        ByteString hash = t.slot.certifiedHash();
        if (hash == null || t.slot.committed) {
            return;
        }
        ByteString tx = t.slot.txByHash.get(hash);
        if (tx == null) {
            Envelope[] votes = t.slot.votesByHash.get(hash);
            for (Envelope vote : votes) {
                query(NodeId.of(vote.getSender()), nowMs, out);
            }
            return;
        }
        commit(tx, hash, List.of(t.slot.votesByHash.get(hash)), nowMs, out);
    }

    /** Applies a certified tx: one write of state, log entry and removals; then replies, and the next slot opens. */
    void commit(ByteString txBytes, ByteString hash, List<Envelope> votes, long nowMs, Out out) {
        TxCheck check = t.validator.check(t.state, txBytes);
        if (!(check instanceof TxCheck.Valid valid)) {
            throw new IllegalStateException("table " + t.state.id() + " holds a certificate for an invalid tx at seq "
                    + t.slot.seq + ": " + check);
        }
        long seq = t.slot.seq;
        long startedMs = t.slot.startedMs < 0 ? nowMs : t.slot.startedMs;
        List<NodeId> activeBefore = t.state.active();
        ApplyResult result = TxApplier.apply(t.state, valid.tx());
        t.slot.committed = true;
        Certificate cert = Certificate.newBuilder().setTableId(t.state.id().bytes()).setSeq(seq).setTx(txBytes)
                .addAllVotes(votes).build();
        TableState after = t.state.toProto();
        WriteBatch.Builder wb = WriteBatch.builder()
                .put(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.STATE, t.state.id().bytes()),
                        after.toByteArray())
                .put(Column.TXLOG, LedgerLayout.logKey(t.state.id().bytes(), seq),
                        LogEntry.newBuilder().setCertificate(cert).setTxHash(hash).build().toByteArray())
                .delete(Column.PREPARED, LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.LOCK, seq))
                .delete(Column.PREPARED, LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.STATUS, seq));
        int mySeat = t.mySeat();
        if (mySeat >= 0) {
            for (long b : t.own.pending.headMap(t.state.lastBatchNo(mySeat), true).keySet()) {
                wb.delete(Column.PREPARED, LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.OWN_BATCH, b));
            }
            t.own.pending.headMap(t.state.lastBatchNo(mySeat), true).clear();
        }
        out.persist(wb.build(), false);
        t.catchUp.committed(cert);
        out.emit(new Event.SlotCommitted(t.state.id(), seq, txBytes, hash, result, after, startedMs, nowMs));
        intents.replyToClients(result, out);
        t.pool.prune(t.state);
        if (result.hasRoll()) {
            t.dice = new DiceRound(t.state.rollNo());
        } else if (!activeBefore.equals(t.state.active())) {
            // Someone left between rolls: the round goes on without them (it is keyed by player).
            t.dice.commitments.keySet().retainAll(t.state.active());
            t.dice.reveals.keySet().retainAll(t.state.active());
        }
        t.slot = new Slot(t.state.seq() + 1, t.state.active().size());
        if (result.commitmentsRecorded()) {
            t.dice.revealsSinceMs = nowMs;
            if (t.isSeated()) {
                diceDesk.sendMyReveal(nowMs, out);
            }
        }
        if (!t.isSeated()) {
            intents.failWaiters(out);
        }
        replayFuture(nowMs, out);
    }

    void query(NodeId peer, long nowMs, Out out) {
        if (peer.equals(t.node.me) || !t.catchUp.mayQuery(peer, nowMs, t.catchUpIntervalMs())) {
            return;
        }
        out.send(peer, t.node.sign(Body.newBuilder().setCertificateQuery(CertificateQuery.newBuilder()
                .setTableId(t.state.id().bytes()).setFromSeq(t.state.seq() + 1)
                .setMaxCount(WireLimits.CERTIFICATES_PER_REPLY_MAX)).build()));
    }

    /** A peer spoke about a slot this node already committed: send it the certificates it lacks. */
    void helpBehind(NodeId peer, long fromSeq, long nowMs, Out out) {
        if (t.catchUp.mayHelp(peer, nowMs, t.catchUpIntervalMs())) {
            sendCertificates(peer, fromSeq, WireLimits.CERTIFICATES_PER_REPLY_MAX, out);
        }
    }

    /** Answers players (current or former) only, at most a few times per view timeout each. */
    void onCertificateQuery(Verified v, long nowMs, Out out) {
        if (t.state.seatOf(v.sender()) < 0) {
            t.drop(out, v, "certificate query from someone who never sat at the table");
            return;
        }
        if (!t.catchUp.mayAnswer(v.sender(), nowMs, t.catchUpIntervalMs() / 2)) {
            return;
        }
        CertificateQuery q = v.body().getCertificateQuery();
        int count = Math.max(1, Math.min(q.getMaxCount(), WireLimits.CERTIFICATES_PER_REPLY_MAX));
        sendCertificates(v.sender(), q.getFromSeq(), count, out);
    }

    void sendCertificates(NodeId peer, long fromSeq, int count, Out out) {
        CertificateReply.Builder reply = CertificateReply.newBuilder().setTableId(t.state.id().bytes())
                .setLastSeq(t.state.seq()).addAllCertificates(t.catchUp.certificates(fromSeq, t.state.seq(), count));
        if (t.slot.lock != null) {
            reply.setPrepare(t.slot.lock.prepare());
        } else if (!t.slot.preparesByTxHash.isEmpty()) {
            reply.setPrepare(t.slot.preparesByTxHash.values().iterator().next());
        }
        out.send(peer, t.node.sign(Body.newBuilder().setCertificateReply(reply).build()));
    }

    /** Keeps a message about a later slot, to handle once this node has committed up to it; asks for the gap. */
    void deferFuture(Verified v, long nowMs, Out out) {
        t.defer(v);
        query(v.sender(), nowMs, out);
    }

    void replayFuture(long nowMs, Out out) {
        if (t.future.isEmpty()) {
            return;
        }
        List<Verified> pending = new ArrayList<>(t.future);
        t.future.clear();
        for (Verified v : pending) {
            redispatch.onMessage(v, v.sender(), nowMs, out);
        }
    }
}
