package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.CertificateQuery;
import io.dicemesh.protocol.CertificateReply;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * Deciding a slot: a certificate (every player's vote on one tx) applies the tx in one write, answers the
 * clients and opens the next slot; and the termination protocol around it: certificate queries and replies within
 * the frame limit, and messages for later slots kept until their slot opens. A certificate for a tx this node
 * finds invalid is never applied: it is evidence against every player who signed it, and the table halts here.
 */
final class Committer {
    /** Hands a message (kept for later, or embedded in a reply) back to the table, through its gate. */
    interface Redispatch {
        void dispatch(Verified v, NodeId from, long nowMs, Out out);
    }

    /** Room a CertificateReply leaves in its frame for the envelope around it (sender, signature, tags). */
    static final int REPLY_ENVELOPE_OVERHEAD_BYTES = 256;
    /** Bytes of one CertificateReply's body: it always fits one frame. */
    static final int REPLY_BODY_BYTES_MAX = WireLimits.FRAME_BYTES_MAX - REPLY_ENVELOPE_OVERHEAD_BYTES;

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
        Slot slot = t.slot;
        if (slot.isCommitted()) {
            return;
        }
        if (t.node.safety.commitsOnOwnVote() && slot.lock() != null) {
            List<Envelope> some = new ArrayList<>();
            for (Envelope v : slot.votesOn(slot.lock().txHash())) {
                if (v != null) {
                    some.add(v);
                }
            }
            commit(slot.lock().tx(), slot.lock().txHash(), some, nowMs, out);
            return;
        }
        Slot.Certified certified = slot.certified();
        if (certified == null) {
            return;
        }
        ByteString hash = certified.txHash();
        ByteString tx = slot.txOf(hash);
        if (tx == null) {
            for (Envelope vote : certified.votes()) {
                query(NodeId.of(vote.getSender()), nowMs, out);
            }
            return;
        }
        commit(tx, hash, certified.votes(), nowMs, out);
    }

    /**
     * Applies a certified tx: one write of state, log entry and removals; then replies, and the next slot opens.
     * A tx the rules refuse, or one that contradicts this node's own lock, halts the table instead.
     */
    void commit(ByteString txBytes, ByteString hash, List<Envelope> votes, long nowMs, Out out) {
        if (!Evictions.certifiedAsRequired(txBytes, excludedBy(votes))) {
            return; // an Evict tx held by votes of the wrong round decides nothing: wait for a proper certificate
        }
        TxCheck check = t.validator.check(t.state, txBytes);
        if (!(check instanceof TxCheck.Valid valid)) {
            halt(txBytes, votes, "a certificate fixes a tx the rules refuse: " + ((TxCheck.Invalid) check).detail(),
                    out);
            return;
        }
        Lock lock = t.slot.lock();
        // A certificate that goes without this node (a reduced one, DESIGN 5b) needs none of its votes: its lock
        // then proves nothing was decided for it (that would need a voter of both), so the certificate stands.
        boolean needsMyVote = votes.stream().anyMatch(v -> t.node.me.matches(v.getSender()));
        if (lock != null && !lock.txHash().equals(hash) && needsMyVote && !t.node.safety.lockMayMove()) {
            halt(txBytes, votes, "a certificate fixes another tx than this node is locked on: forked by liars", out);
            return;
        }
        long seq = t.slot.seq;
        // a round that went without proven liars only: its certificate carries the proofs, for audits and catch-up
        List<io.dicemesh.protocol.LiarProof> liarProofs = t.proofsNeededFor(excludedBy(votes));
        long startedMs = t.slot.startedMs() < 0 ? nowMs : t.slot.startedMs();
        List<NodeId> activeBefore = t.state.active();
        boolean revealsAwaited = t.state.awaitingReveals();
        ApplyResult result = TxApplier.apply(t.state, valid.tx());
        t.slot.commit();
        Certificate cert = Certificate.newBuilder().setTableId(t.state.id().bytes()).setSeq(seq).setTx(txBytes)
                .addAllVotes(votes).addAllLiarProofs(liarProofs).build();
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
        intents.refillPool();
        boolean restarted = result.evicted() && revealsAwaited && t.dice.myCommitmentSent;
        if (result.hasRoll() || (result.evicted() && revealsAwaited)) {
            t.dice = new DiceRound(t.state.rollNo()); // after an eviction during a roll: its next attempt
        } else if (!activeBefore.equals(t.state.active())) {
            t.dice.keepOnly(t.state.active()); // someone left or was evicted between rolls: the round goes on
        }
        if (!t.state.mayRoll() && t.dice.wanted()) {
            // one player left: no roll ever (DESIGN 5b); a roll asked for is over, and its askers are told
            t.dice = new DiceRound(t.state.rollNo());
            intents.failRollWaiters("table " + t.state.id() + " has one player left: a roll needs two", out);
        }
        t.slot = t.newSlot();
        if (restarted && t.isSeated()) {
            diceDesk.sendMyCommitment(nowMs, out); // the roll this node had joined starts again, with fresh nonces
        }
        if (result.commitmentsRecorded()) {
            t.dice.revealsSinceMs = nowMs;
            if (t.isSeated()) {
                diceDesk.sendMyReveal(nowMs, out);
            }
        }
        if (!t.isSeated()) {
            intents.failWaiters(out);
        }
        replayDeferred(nowMs, out);
    }

    /** The X of a reduced certificate (the active players without a vote in it); none for a full one. */
    private List<NodeId> excludedBy(List<Envelope> votes) {
        List<NodeId> out = new ArrayList<>(t.state.active());
        for (Envelope v : votes) {
            out.remove(NodeId.of(v.getSender()));
        }
        return out;
    }

    /** Every signer of a certificate for a refused tx lied; this node keeps the proof and stops at this slot. */
    private void halt(ByteString txBytes, List<Envelope> votes, String why, Out out) {
        long seq = t.slot.seq;
        for (Envelope vote : votes) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_CERTIFIED_INVALID_TX, NodeId.of(vote.getSender()), seq,
                    t.slot.view(), t.state.rollNo(), votes, txBytes, why);
        }
        t.haltedBecause = why + " (seq " + seq + ")";
        out.emit(new Event.TableHalted(t.state.id(), seq, t.haltedBecause));
    }

    /** The catch-up retry fired: ask the peer furthest ahead again, while this node is behind it. */
    void retryCatchUp(long nowMs, Out out) {
        if (t.state.seq() >= t.catchUp.aheadSeq || t.catchUp.aheadPeer == null || t.haltedBecause != null) {
            return;
        }
        t.catchUp.forgetQuery(t.catchUp.aheadPeer);
        query(t.catchUp.aheadPeer, nowMs, out);
        t.catchUp.retry.armAt(nowMs + t.catchUpIntervalMs());
    }

    void query(NodeId peer, long nowMs, Out out) {
        if (peer.equals(t.node.me) || !t.catchUp.mayQuery(peer, nowMs, t.catchUpIntervalMs())) {
            return;
        }
        out.send(peer, t.node.sign(Body.newBuilder().setCertificateQuery(CertificateQuery.newBuilder()
                .setTableId(t.state.id().bytes()).setFromSeq(t.state.seq() + 1)
                .setMaxCount(WireLimits.CERTIFICATES_PER_REPLY_MAX)).build()));
    }

    /**
     * A Vote at a committed slot: if the certificate of that slot (among the recent ones in memory) holds its
     * sender's vote for another tx, the two are a proof that it lied (a vote is a lock, which never moves). So a
     * second vote sent just after the first, arriving once the slot committed, is caught as surely as one arriving
     * before. Costs nothing when the votes agree; a proof is checked once (TableContext.prove).
     */
    void checkPastVote(Verified v, Out out) {
        io.dicemesh.protocol.Vote late = v.body().getVote();
        Certificate c = t.catchUp.recentCertificate(late.getSeq());
        if (c == null || !t.state.isActive(v.sender()) || t.liars().contains(v.sender())) {
            return; // unknown here, or not a player whose lie matters, or already proven
        }
        for (Envelope e : c.getVotesList()) {
            if (!v.sender().matches(e.getSender())) {
                continue;
            }
            ByteString committed;
            try {
                committed = Body.parseFrom(e.getBody()).getVote().getTxHash();
            } catch (com.google.protobuf.InvalidProtocolBufferException bad) {
                return; // a certificate this node checked before committing: cannot happen
            }
            if (!committed.equals(late.getTxHash())) {
                t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_VOTES, v.sender(), late.getSeq(),
                        late.getView(), t.state.rollNo(), List.of(e, v.envelope()), "voted for two txs at one slot");
                t.prove(LiarProofs.of(v.sender(), List.of(e, v.envelope())));
            }
            return;
        }
    }

    /** A player spoke about a slot this node already committed: send it the certificates it lacks. */
    void helpBehind(NodeId player, long fromSeq, long nowMs, Out out) {
        if (t.catchUp.mayHelp(player, nowMs, t.catchUpIntervalMs())) {
            sendCertificates(player, fromSeq, WireLimits.CERTIFICATES_PER_REPLY_MAX, out);
        }
    }

    /**
     * Answers a player (current or former; the gate checked) that asks on its own channel, at most a few times
     * per view timeout: a query relayed or replayed by anyone else earns no reply, so nobody can point this node's
     * replies at a player, nor use up that player's allowance.
     */
    void onCertificateQuery(Verified v, NodeId from, long nowMs, Out out) {
        if (!v.sender().equals(from) || !t.catchUp.mayAnswer(from, nowMs, t.catchUpIntervalMs() / 2)) {
            return;
        }
        CertificateQuery q = v.body().getCertificateQuery();
        int count = Math.max(1, Math.min(q.getMaxCount(), WireLimits.CERTIFICATES_PER_REPLY_MAX));
        sendCertificates(from, q.getFromSeq(), count, out);
    }

    /**
     * Consecutive certificates from {@code fromSeq}, as many as fit one frame, and the Prepare of the open slot
     * this node voted on (or holds): inside the reply when it fits beside them, else as a message of its own.
     */
    void sendCertificates(NodeId peer, long fromSeq, int count, Out out) {
        List<Certificate> certs = t.catchUp.certificates(fromSeq, t.state.seq(), count, REPLY_BODY_BYTES_MAX);
        CertificateReply.Builder reply = CertificateReply.newBuilder().setTableId(t.state.id().bytes())
                .setLastSeq(t.state.seq()).addAllCertificates(certs);
        Envelope prepare = t.slot.prepareForPeers();
        boolean separate = false;
        if (prepare != null) {
            if (reply.build().getSerializedSize() + prepare.getSerializedSize() + 8 <= REPLY_BODY_BYTES_MAX) {
                reply.setPrepare(prepare);
            } else {
                separate = true;
            }
        }
        out.send(peer, t.node.sign(Body.newBuilder().setCertificateReply(reply).build()));
        if (separate) {
            out.send(peer, prepare); // forwarded as signed by its coordinator
        }
    }

    /**
     * Commits what a reply's certificates prove, then hands on the Prepare it carries as coming from the channel
     * peer that sent the reply: a replayed or relayed reply then earns no help for the Prepare's signer.
     */
    void onCertificateReply(Verified v, NodeId from, long nowMs, Out out) {
        CertificateReply reply = v.body().getCertificateReply();
        boolean progress = false;
        for (Certificate c : reply.getCertificatesList()) {
            if (c.getSeq() <= t.state.seq()) {
                continue;
            }
            if (t.haltedBecause != null) {
                break;
            }
            List<Envelope> votes = CatchUp.checkCertificate(t.state, c, t.node::verify);
            if (votes != null) {
                t.absorb(c.getLiarProofsList());
            }
            if (votes == null) {
                // every honest node committed the same slot on the same state, so a certificate for this node's
                // next slot that does not prove it is no honest node's: its sender, if it sent it itself, is blamed
                // (one for a later slot may be an honest node's that misjudged where this node stands)
                boolean next = c.getSeq() == t.state.seq() + 1;
                t.drop(out, v, "certificate for seq " + c.getSeq() + " does not prove its slot",
                        next && v.sender().equals(from) ? from : null);
                break;
            }
            commit(c.getTx(), ByteString.copyFrom(Sha256.hash(c.getTx().toByteArray())), votes, nowMs, out);
            progress = true;
        }
        if (reply.hasPrepare() && t.haltedBecause == null) {
            VerifyResult r = t.node.verify(reply.getPrepare());
            if (r instanceof Verified p && p.kind() == Body.KindCase.PREPARE) {
                redispatch.dispatch(p, from, nowMs, out);
            }
        }
        if (progress) {
            t.catchUp.forgetQuery(v.sender());
        }
        if (reply.getLastSeq() > t.state.seq() && t.haltedBecause == null) {
            query(v.sender(), nowMs, out);
            if (reply.getLastSeq() >= t.catchUp.aheadSeq) { // retry with the peer that is furthest ahead
                t.catchUp.aheadSeq = reply.getLastSeq();
                t.catchUp.aheadPeer = v.sender();
            }
            t.catchUp.retry.armAt(nowMs + t.catchUpIntervalMs());
        }
    }

    /** Keeps a seated player's message about a later slot or roll (bounded); false when its share is full. */
    boolean defer(Verified v, NodeId from) {
        return t.defer(v, from);
    }

    private void replayDeferred(long nowMs, Out out) {
        if (t.deferred.size() == 0) {
            return;
        }
        for (Deferred.Kept k : t.deferred.drain()) {
            redispatch.dispatch(k.message(), k.from(), nowMs, out);
        }
    }
}
