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
import io.dicemesh.protocol.CertificateReply;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.Nack;
import io.dicemesh.protocol.NackReason;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;
import java.util.List;
import java.util.Map;

/**
 * The votes of the rotating-coordinator commit (DESIGN section 5): checking Prepares (R1-R3, the justification,
 * the tx), taking the lock before voting, collecting votes and Statuses, moving views, and the evidence all of
 * this can prove.
 */
final class SlotProtocol {
    private final TableContext t;
    private final Committer committer;

    SlotProtocol(TableContext t, Committer committer) {
        this.t = t;
        this.committer = committer;
    }

    void onPrepare(Verified v, long nowMs, Out out) {
        Prepare p = v.body().getPrepare();
        VerifyResult pr = t.node.verify(p.getProposal());
        if (!(pr instanceof Verified pv) || pv.kind() != Body.KindCase.PROPOSAL) {
            t.drop(out, v, "prepare whose proposal is not signed");
            return;
        }
        Proposal prop = pv.body().getProposal();
        if (!prop.getTableId().equals(t.state.id().bytes()) || !pv.sender().equals(v.sender())) {
            t.drop(out, v, "prepare whose proposal is for another table or by another signer");
            return;
        }
        if (!t.state.isActive(pv.sender())) {
            t.drop(out, v, "prepare from someone not seated"); // also: a closed table has no coordinator
            return;
        }
        if (prop.getSeq() <= t.state.seq()) {
            committer.helpBehind(v.sender(), prop.getSeq(), nowMs, out);
            return;
        }
        if (prop.getSeq() > t.slot.seq) {
            committer.deferFuture(v, nowMs, out);
            return;
        }
        int view = prop.getView();
        if (!t.slot.acceptsView(view) || prop.getTxHash().size() != Sha256.BYTES) {
            t.drop(out, v, "prepare for view " + view + " out of range");
            return;
        }
        NodeId coordinator = t.state.coordinator(t.slot.seq, view);
        if (!pv.sender().equals(coordinator)) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_WRONG_COORDINATOR, pv.sender(), t.slot.seq, view,
                    t.state.rollNo(), List.of(p.getProposal()), "proposed without being the coordinator");
            return;
        }
        t.markTraffic(nowMs);
        if (recordProposal(v, p, prop, coordinator, out) && justified(v, p, prop, coordinator, nowMs, out)) {
            voteOn(v, p, prop, coordinator, nowMs, out);
        }
    }

    /**
     * Keeps the Prepare's tx (even from an equivocating coordinator: a later view may be forced by R3 to propose
     * it) and its proposal; false when the tx does not match its hash or the proposal conflicts with another.
     */
    private boolean recordProposal(Verified v, Prepare p, Proposal prop, NodeId coordinator, Out out) {
        ByteString hash = prop.getTxHash();
        int view = prop.getView();
        if (p.getTx().size() > WireLimits.TX_BYTES_MAX
                || !ByteString.copyFrom(Sha256.hash(p.getTx().toByteArray())).equals(hash)) {
            t.drop(out, v, "prepare whose tx does not match its hash");
            return false;
        }
        t.slot.rememberTx(hash, p.getTx(), v.envelope());
        Envelope known = t.slot.proposals.get(view);
        if (known != null && !known.equals(p.getProposal())) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, coordinator, t.slot.seq, view,
                    t.state.rollNo(), List.of(known, p.getProposal()), "two proposals for one slot and view");
            return false;
        }
        t.slot.proposals.put(view, p.getProposal());
        return true;
    }

    /** R3: a view-change Prepare carries every player's Status and proposes the highest lock they show. */
    private boolean justified(Verified v, Prepare p, Proposal prop, NodeId coordinator, long nowMs, Out out) {
        int view = prop.getView();
        if (view == 0) {
            return true;
        }
        Locks.Justified j = Locks.check(t.state, t.slot.seq, view, p.getJustificationList(), t.node::verify);
        if (!j.valid()) {
            nack(coordinator, view, NackReason.NACK_BAD_JUSTIFICATION, j.problem(), out);
            t.evidence.record(out, EvidenceKind.EVIDENCE_BAD_JUSTIFICATION, coordinator, t.slot.seq, view,
                    t.state.rollNo(), List.of(v.envelope()), j.problem());
            return false;
        }
        learnFromJustification(j, nowMs, out);
        if (j.highestLock() != null && !j.highestLock().txHash().equals(prop.getTxHash())
                && !t.node.config.has(InjectedBug.IGNORE_JUSTIFICATION_LOCKS)) {
            nack(coordinator, view, NackReason.NACK_IGNORES_LOCK, "justification shows a lock on another tx", out);
            t.evidence.record(out, EvidenceKind.EVIDENCE_IGNORED_LOCK, coordinator, t.slot.seq, view,
                    t.state.rollNo(), List.of(v.envelope()), "proposal ignores a lock in its justification");
            return false;
        }
        return true;
    }

    /** R1 (one vote per view, none below our Status), R2 (the lock never moves), then the tx's validity. */
    private void voteOn(Verified v, Prepare p, Proposal prop, NodeId coordinator, long nowMs, Out out) {
        int view = prop.getView();
        ByteString hash = prop.getTxHash();
        if (view < t.slot.view) {
            nack(coordinator, view, NackReason.NACK_STALE_VIEW, "this player is in view " + t.slot.view, out);
            return;
        }
        if (t.slot.votedViews.contains(view)) {
            if (t.slot.lock != null) {
                out.send(v.sender(), t.slot.lock.vote()); // it may have missed our vote
            }
            return;
        }
        if (t.slot.lock != null && !t.slot.lock.txHash().equals(hash) && !t.node.config.has(InjectedBug.LOCK_MOVES)) {
            nack(coordinator, view, NackReason.NACK_LOCKED_ON_OTHER_TX, "locked on another tx", out);
            return;
        }
        TxCheck check = t.validator.check(t.state, p.getTx());
        if (check instanceof TxCheck.Invalid bad) {
            nack(coordinator, view, bad.reason(), bad.detail(), out);
            if (bad.evidence() != null) {
                NodeId culprit = bad.evidence() == EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH ? coordinator
                        : bad.culprit();
                t.evidence.record(out, bad.evidence(), culprit, t.slot.seq, view, t.state.rollNo(),
                        List.of(v.envelope()), bad.detail());
            }
            return;
        }
        if (!t.isSeated()) {
            return;
        }
        takeLock(view, hash, p.getTx(), v.envelope(), p.getProposal(), out);
        broadcastVote(nowMs, out);
    }

    /** Statuses carried by a valid justification are as good as received: learn their views and locks. */
    void learnFromJustification(Locks.Justified j, long nowMs, Out out) {
        for (int i = 0; i < j.verified().size(); i++) {
            recordStatus(i, j.verified().get(i), j.statuses().get(i), nowMs, out, false);
        }
    }

    /** Votes YES: the lock is durable (synced) before the vote can leave. */
    void takeLock(int view, ByteString hash, ByteString tx, Envelope prepare, Envelope proposal, Out out) {
        if (view > t.slot.view) {
            t.slot.view = view; // a valid Prepare in a higher view proves every player, us included, moved there
        }
        Envelope vote = t.node.sign(Body.newBuilder().setVote(Vote.newBuilder().setTableId(t.state.id().bytes())
                .setSeq(t.slot.seq).setView(view).setTxHash(hash)).build());
        Lock lock = new Lock(t.slot.seq, view, hash, tx, prepare, proposal, vote);
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.LOCK, t.slot.seq),
                lock.toRecord().toByteArray()).build(), !t.node.config.has(InjectedBug.SKIP_VOTE_SYNC));
        t.slot.lock = lock;
        t.slot.votedViews.add(view);
        out.emit(new Event.Voted(t.state.id(), t.slot.seq, view, hash));
    }

    void broadcastVote(long nowMs, Out out) {
        out.sendAll(t.state.active(), t.node.me, t.slot.lock.vote());
        t.slot.recordVote(t.myIndex(), t.slot.lock.txHash(), t.slot.lock.vote());
        committer.checkCertificate(nowMs, out);
    }

    void onVote(Verified v, long nowMs, Out out) {
        Vote vote = v.body().getVote();
        if (vote.getSeq() <= t.state.seq() && t.state.seatOf(v.sender()) >= 0) {
            committer.helpBehind(v.sender(), vote.getSeq(), nowMs, out); // also a player who left: it may lack that very slot
            return;
        }
        int index = t.state.active().indexOf(v.sender());
        if (!vote.getTableId().equals(t.state.id().bytes()) || index < 0 || vote.getTxHash().size() != Sha256.BYTES) {
            t.drop(out, v, "vote from someone not seated, or malformed");
            return;
        }
        if (vote.getSeq() > t.slot.seq) {
            committer.deferFuture(v, nowMs, out);
            return;
        }
        if (vote.getView() < 0 || vote.getView() >= Integer.MAX_VALUE / 2) {
            t.drop(out, v, "vote view out of range");
            return;
        }
        t.markTraffic(nowMs);
        for (Envelope s : t.slot.statusesOf(index)) {
            checkStaleVote(v.sender(), vote, v.envelope(), s, out);
        }
        Envelope conflict = t.slot.recordVote(index, vote.getTxHash(), v.envelope());
        if (conflict != null) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_VOTES, v.sender(), t.slot.seq, vote.getView(),
                    t.state.rollNo(), List.of(conflict, v.envelope()), "voted for two txs at one slot");
        }
        if (!t.slot.txByHash.containsKey(vote.getTxHash()) && t.slot.lock == null) {
            committer.query(v.sender(), nowMs, out); // its reply carries the Prepare it voted on, which we never got
        }
        committer.checkCertificate(nowMs, out);
    }

    void checkStaleVote(NodeId player, Vote vote, Envelope voteEnv, Envelope statusEnv, Out out) {
        Status s = ((Verified) t.node.verify(statusEnv)).body().getStatus();
        Locks.ShownLock lock = Locks.shownLock(t.state, t.slot.seq, s.getView(), s, t.node::verify);
        if (lock != Locks.INVALID && Locks.contradicts(vote.getView(), vote.getTxHash(), s.getView(), lock)) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_STALE_VOTE, player, t.slot.seq, vote.getView(), t.state.rollNo(),
                    List.of(statusEnv, voteEnv), "voted in view " + vote.getView() + " against its Status of view "
                            + s.getView());
        }
    }

    void onStatus(Verified v, long nowMs, Out out) {
        Status s = v.body().getStatus();
        int index = t.state.active().indexOf(v.sender());
        if (!s.getTableId().equals(t.state.id().bytes()) || index < 0) {
            t.drop(out, v, "status from someone not seated");
            return;
        }
        if (s.getSeq() <= t.state.seq()) {
            committer.helpBehind(v.sender(), s.getSeq(), nowMs, out);
            return;
        }
        if (s.getSeq() > t.slot.seq) {
            committer.deferFuture(v, nowMs, out);
            return;
        }
        if (s.getView() < 1 || !t.slot.acceptsView(s.getView())) {
            t.drop(out, v, "status for view " + s.getView() + " out of range");
            return;
        }
        recordStatus(index, v, s, nowMs, out, true);
    }

    /** Records a player's Status; with {@code mayJoin}, a Status of a higher view moves this node there too. */
    void recordStatus(int index, Verified v, Status s, long nowMs, Out out, boolean mayJoin) {
        Locks.ShownLock lock = Locks.shownLock(t.state, t.slot.seq, s.getView(), s, t.node::verify);
        if (lock == Locks.INVALID) {
            t.drop(out, v, "status with a lock that is not a genuine proposal");
            return;
        }
        t.markTraffic(nowMs);
        Envelope conflict = t.slot.recordStatus(index, s.getView(), v.envelope());
        if (conflict != null) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_STATUSES, v.sender(), t.slot.seq, s.getView(),
                    t.state.rollNo(), List.of(conflict, v.envelope()), "two statuses for one slot and view");
            return;
        }
        if (lock != null) {
            Envelope known = t.slot.proposals.get(lock.view());
            if (known != null && !known.equals(lock.proposal())) {
                t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, lock.coordinator(), t.slot.seq,
                        lock.view(), t.state.rollNo(), List.of(known, lock.proposal()),
                        "two proposals for one slot and view");
            } else {
                t.slot.proposals.put(lock.view(), lock.proposal());
            }
        }
        for (Map.Entry<ByteString, Envelope[]> e : t.slot.votesByHash.entrySet()) {
            Envelope vote = e.getValue()[index];
            if (vote != null) {
                checkStaleVote(v.sender(), ((Verified) t.node.verify(vote)).body().getVote(), vote, v.envelope(), out);
            }
        }
        if (mayJoin && s.getView() > t.slot.view && !t.slot.committed && t.isSeated()) {
            moveToView(s.getView(), nowMs, "joined the view change of " + v.sender(), out);
        }
    }

    /** Leaves the current view: a durable Status (with this node's lock) to every player, and work resent. */
    void moveToView(int view, long nowMs, String cause, Out out) {
        t.slot.view = view;
        Status.Builder st = Status.newBuilder().setTableId(t.state.id().bytes()).setSeq(t.slot.seq).setView(view);
        if (t.slot.lock != null) {
            st.setLockedProposal(t.slot.lock.proposal());
        }
        Envelope env = t.node.sign(Body.newBuilder().setStatus(st).build());
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.STATUS, t.slot.seq), env.toByteArray())
                .build(), true);
        t.slot.myStatus = env;
        t.slot.recordStatus(t.myIndex(), view, env);
        out.sendAll(t.state.active(), t.node.me, env);
        out.emit(new Event.ViewChanged(t.state.id(), t.slot.seq, view, cause));
        resendWork(out);
        armDeadline(nowMs);
    }

    void armDeadline(long nowMs) {
        long timeout = t.viewTimeoutMs(t.slot.view);
        t.slot.deadlineMs = nowMs + timeout;
        t.slot.nudgeAtMs = nowMs + timeout / 2;
    }

    /**
     * Repeats this node's vote (or its status) to every player: a peer that already committed the slot answers
     * with the certificate, and one that lost the vote gets it again, before anyone has to change view.
     */
    void nudge(Out out) {
        if (t.slot.myStatus != null) {
            out.sendAll(t.state.active(), t.node.me, t.slot.myStatus); // the coordinator needs every player's
        }
        if (t.slot.lock != null) {
            out.sendAll(t.state.active(), t.node.me, t.slot.lock.vote());
        }
        if (t.slot.lock == null && t.slot.myStatus == null) {
            for (Envelope b : t.own.pending.values()) {
                out.sendAll(t.state.active(), t.node.me, b);
            }
        }
    }

    /** Repeats this node's uncommitted work (and the dice it holds) so the next coordinator has it. */
    void resendWork(Out out) {
        for (Envelope b : t.own.pending.values()) {
            out.sendAll(t.state.active(), t.node.me, b);
        }
        NodeId next = t.state.coordinator(t.slot.seq, t.slot.view);
        if (next.equals(t.node.me)) {
            return;
        }
        for (Envelope e : t.dice.held(t.state.awaitingReveals()).values()) {
            out.send(next, e);
        }
    }

    void onCertificateReply(Verified v, long nowMs, Out out) {
        CertificateReply reply = v.body().getCertificateReply();
        boolean progress = false;
        for (Certificate c : reply.getCertificatesList()) {
            if (c.getSeq() <= t.state.seq()) {
                continue;
            }
            List<Envelope> votes = CatchUp.checkCertificate(t.state, c, t.node::verify);
            if (votes == null) {
                t.drop(out, v, "certificate for seq " + c.getSeq() + " does not prove its slot");
                break;
            }
            committer.commit(c.getTx(), ByteString.copyFrom(Sha256.hash(c.getTx().toByteArray())), votes, nowMs, out);
            progress = true;
        }
        if (reply.hasPrepare()) {
            VerifyResult r = t.node.verify(reply.getPrepare());
            if (r instanceof Verified p && p.kind() == Body.KindCase.PREPARE) {
                onPrepare(p, nowMs, out);
            }
        }
        if (progress) {
            t.catchUp.forgetQuery(v.sender());
        }
        if (reply.getLastSeq() > t.state.seq()) {
            committer.query(v.sender(), nowMs, out);
        }
    }

    void onNack(Verified v, Out out) {
        Nack n = v.body().getNack();
        if (!t.state.isActive(v.sender())) {
            t.drop(out, v, "nack from someone not seated");
            return;
        }
        out.emit(new Event.NackReceived(t.state.id(), v.sender(), n.getSeq(), n.getView(),
                n.getReason().name() + ": " + n.getDetail()));
    }

    void nack(NodeId coordinator, int view, NackReason reason, String detail, Out out) {
        String d = detail.length() > 200 ? detail.substring(0, 200) : detail;
        out.send(coordinator, t.node.sign(Body.newBuilder().setNack(Nack.newBuilder().setTableId(t.state.id().bytes())
                .setSeq(t.slot.seq).setView(view).setReason(reason).setDetail(d)).build()));
    }
}
