package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Body;
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

/**
 * The votes of the rotating-coordinator commit (DESIGN section 5): checking Prepares (R1-R3, the justification,
 * the tx), taking the lock before voting, collecting votes and Statuses, moving views, and the evidence all of
 * this can prove. Every handler takes a message the {@link TableGate} sorted as CURRENT and asserts what the gate
 * guaranteed; the {@link Slot} asserts the safety rules where they are written.
 */
final class SlotProtocol {
    private final TableContext t;
    private final Committer committer;
    /** Nacks and repeated votes this node signs or sends per coordinator: a replayed Prepare costs one per interval. */
    private final RateLimiter replies = new RateLimiter(NodeEngineLimits.RATE_LIMITED_PEERS_MAX);

    SlotProtocol(TableContext t, Committer committer) {
        this.t = t;
        this.committer = committer;
    }

    /**
     * {@code from} is the channel peer: only a Prepare that came from its coordinator itself earns a nack or a
     * repeated vote, so whoever relays or replays a coordinator's Prepares cannot use up what it may be sent.
     */
    void onPrepare(Verified v, TableGate.Sorted s, NodeId from, long nowMs, Out out) {
        gateGuaranteed(s, v);
        Prepare p = v.body().getPrepare();
        Proposal prop = s.proposal().body().getProposal();
        int view = s.view();
        List<NodeId> excluded = Exclusion.parse(t.state, prop.getExcludedList(), t.liars()); // the gate checked it
        NodeId coordinator = t.state.coordinator(t.slot.seq, view, excluded);
        if (!v.sender().equals(coordinator)) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_WRONG_COORDINATOR, v.sender(), t.slot.seq, view,
                    t.state.rollNo(), List.of(p.getProposal()), "proposed without being the coordinator");
            return;
        }
        t.startSlot(nowMs);
        boolean direct = from.equals(coordinator);
        if (recordProposal(v, p, prop, coordinator, out) && justified(v, p, prop, coordinator, direct, nowMs, out)) {
            voteOn(v, p, prop, coordinator, direct, nowMs, out);
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
        Envelope known = t.slot.recordProposal(view, p.getProposal());
        if (known != null) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, coordinator, t.slot.seq, view,
                    t.state.rollNo(), List.of(known, p.getProposal()), "two proposals for one slot and view");
            t.prove(LiarProofs.of(coordinator, List.of(known, p.getProposal())));
            return false;
        }
        return true;
    }

    /** R3: a view-change Prepare carries every player's Status and proposes the highest lock they show. */
    private boolean justified(Verified v, Prepare p, Proposal prop, NodeId coordinator, boolean direct, long nowMs,
            Out out) {
        int view = prop.getView();
        if (view == 0) {
            return true;
        }
        Locks.Justified j = Locks.check(t.state, t.slot.seq, view, p.getJustificationList(), t.node::verify, t.liars());
        if (j.valid() && !Exclusion.wire(j.excluded()).equals(prop.getExcludedList())) {
            j = Locks.bad("its statuses go without other players than its proposal");
        }
        if (!j.valid()) {
            nack(coordinator, direct, view, NackReason.NACK_BAD_JUSTIFICATION, j.problem(), nowMs, out);
            t.evidence.record(out, EvidenceKind.EVIDENCE_BAD_JUSTIFICATION, coordinator, t.slot.seq, view,
                    t.state.rollNo(), List.of(v.envelope()), j.problem());
            return false;
        }
        learnFromJustification(j, out);
        Locks.ShownLock binding = BindingLock.of(t, j);
        if (binding != null && !binding.txHash().equals(prop.getTxHash())
                && t.node.safety.honoursJustificationLocks()) {
            nack(coordinator, direct, view, NackReason.NACK_IGNORES_LOCK, "justification shows a lock on another tx",
                    nowMs, out);
            if (binding == j.highestLock() && !BindingLock.isEvict(t, binding)) {
                // an Evict tx's lock may bind this node and not the coordinator (it knows its own votes): no proof
                t.evidence.record(out, EvidenceKind.EVIDENCE_IGNORED_LOCK, coordinator, t.slot.seq, view,
                        t.state.rollNo(), List.of(v.envelope()), "proposal ignores a lock in its justification");
            }
            return false;
        }
        return true;
    }

    /** R1 (one vote per view, none below our Status), R2 (the lock never moves), then the tx's validity. */
    private void voteOn(Verified v, Prepare p, Proposal prop, NodeId coordinator, boolean direct, long nowMs,
            Out out) {
        int view = prop.getView();
        ByteString hash = prop.getTxHash();
        Lock lock = t.slot.lock();
        if (view < t.slot.view()) {
            nack(coordinator, direct, view, NackReason.NACK_STALE_VIEW, "this player is in view " + t.slot.view(),
                    nowMs, out);
            return;
        }
        if (t.slot.votedIn(view)) {
            if (direct && mayReply(coordinator, nowMs)) {
                out.send(coordinator, lock.vote()); // it may have missed our vote
            }
            return;
        }
        if (lock != null && !lock.txHash().equals(hash) && !t.node.safety.lockMayMove()) {
            nack(coordinator, direct, view, NackReason.NACK_LOCKED_ON_OTHER_TX, "locked on another tx", nowMs, out);
            return;
        }
        TxCheck check = t.validator.check(t.state, p.getTx());
        if (check instanceof TxCheck.Invalid bad) {
            nack(coordinator, direct, view, bad.reason(), bad.detail(), nowMs, out);
            if (bad.evidence() != null) {
                NodeId culprit = bad.evidence() == EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH ? coordinator
                        : bad.culprit();
                t.evidence.record(out, bad.evidence(), culprit, t.slot.seq, view, t.state.rollNo(),
                        List.of(v.envelope()), bad.detail());
            }
            return;
        }
        if (!t.isSeated()) {
            return; // a player who left keeps the tx for the certificate, and votes no more
        }
        TxCheck.Valid valid = (TxCheck.Valid) check;
        boolean forced = forcedByLock(p, hash);
        if (valid.tx().tx().hasEvict() && !Evictions.evictedWire(valid.tx().tx()).equals(prop.getExcludedList())) {
            nack(coordinator, direct, view, NackReason.NACK_BAD_TX, "an Evict tx is voted on only in a round without "
                    + "exactly the players it evicts", nowMs, out);
            return;
        }
        if (prop.getExcludedCount() > 0 && !forced && !valid.tx().tx().hasEvict() && !valid.tx().isRoll()) {
            nack(coordinator, direct, view, NackReason.NACK_BAD_TX, "a round without players carries the tx a lock "
                    + "forces, the roll its reveals complete, or the Evict tx", nowMs, out);
            return;
        }
        if (valid.tx().tx().hasEvict() && !forced && t.state.awaitingReveals()) {
            String why = revealsContradict(valid.tx().tx().getEvict());
            if (why != null) {
                nack(coordinator, direct, view, NackReason.NACK_BAD_TX, why, nowMs, out);
                return;
            }
        }
        if (valid.tx().tx().hasEvict() && !forced) {
            NodeId notGone = t.evictionRefused(valid.tx().tx().getEvict(), nowMs);
            if (notGone != null) {
                nack(coordinator, direct, view, NackReason.NACK_BAD_TX, "this player does not find " + notGone
                        + " gone", nowMs, out);
                return;
            }
        }
        takeLock(view, hash, p.getTx(), v.envelope(), p.getProposal(), nowMs, out);
        broadcastVote(nowMs, out);
    }

    /**
     * Why this node will not vote for an Evict tx during a roll: it holds every reveal (the roll should finish), or a
     * reveal the tx says is missing (that player would forfeit for nothing). Null when it may.
     */
    private String revealsContradict(io.dicemesh.protocol.Evict evict) {
        if (t.dice.revealsInOrder(t.state.active()) != null) {
            return "this player holds every reveal: the roll finishes instead";
        }
        for (io.dicemesh.protocol.Eviction e : evict.getEvictionsList()) {
            if (e.getRevealMissing() && t.dice.reveals.containsKey(NodeId.of(e.getPlayer()))) {
                return "this player holds the reveal of " + NodeId.of(e.getPlayer());
            }
        }
        return null;
    }

    /**
     * Whether R3 forces this tx: a view-change Prepare whose justification shows a lock on it. A forced Evict tx is
     * voted for whatever this node thinks of those it evicts, since a certificate for it may already exist.
     */
    private boolean forcedByLock(Prepare p, ByteString hash) {
        if (p.getJustificationCount() == 0) {
            return false;
        }
        Locks.Justified j = Locks.check(t.state, t.slot.seq, ((Verified) t.node.verify(p.getProposal())).body()
                .getProposal().getView(), p.getJustificationList(), t.node::verify, t.liars());
        Locks.ShownLock binding = j.valid() ? BindingLock.of(t, j) : null;
        return binding != null && binding.txHash().equals(hash);
    }

    /** Statuses carried by a valid justification are as good as received: learn their locks. */
    private void learnFromJustification(Locks.Justified j, Out out) {
        List<NodeId> stayers = Exclusion.stayers(t.state.active(), j.excluded());
        for (int i = 0; i < j.verified().size(); i++) {
            Verified status = j.verified().get(i);
            Status s = j.statuses().get(i);
            recordStatus(t.state.active().indexOf(stayers.get(i)), status, s,
                    Locks.shownLock(t.state, t.slot.seq, s.getView(), s, t.node::verify, t.liars()), out);
        }
    }

    /** Votes YES: the lock is durable (synced) before the vote can leave. */
    void takeLock(int view, ByteString hash, ByteString tx, Envelope prepare, Envelope proposal, long nowMs,
            Out out) {
        List<ByteString> excluded = ((Verified) t.node.verify(proposal)).body().getProposal().getExcludedList();
        Envelope vote = t.node.sign(Body.newBuilder().setVote(Vote.newBuilder().setTableId(t.state.id().bytes())
                .setSeq(t.slot.seq).setView(view).setTxHash(hash).addAllExcluded(excluded)).build());
        Lock lock = new Lock(t.slot.seq, view, hash, tx, prepare, proposal, vote,
                Exclusion.mask(t.state.active(), Exclusion.parse(t.state, excluded, t.liars())));
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.LOCK, t.slot.seq),
                lock.toRecord().toByteArray()).build(), t.node.safety.syncsVotes());
        t.slot.vote(lock, t.myIndex(), nowMs, t.viewTimeoutMs(view));
        out.emit(new Event.Voted(t.state.id(), t.slot.seq, view, hash));
    }

    void broadcastVote(long nowMs, Out out) {
        out.sendAll(t.state.active(), t.node.me, t.slot.lock().vote());
        committer.checkCertificate(nowMs, out);
    }

    void onVote(Verified v, TableGate.Sorted s, long nowMs, Out out) {
        gateGuaranteed(s, v);
        Vote vote = v.body().getVote();
        int index = s.index();
        t.startSlot(nowMs);
        for (Envelope status : t.slot.statusesOf(index)) {
            checkStaleVote(v.sender(), vote, v.envelope(), status, out);
        }
        Envelope justified = statusInLockJustification(index);
        if (justified != null) {
            checkStaleVote(v.sender(), vote, v.envelope(), justified, out); // kept even after its view was pruned
        }
        Envelope conflict = t.slot.recordVote(index, vote.getTxHash(),
                Exclusion.mask(t.state.active(), Exclusion.parse(t.state, vote.getExcludedList(), t.liars())), v.envelope());
        if (conflict != null) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_VOTES, v.sender(), t.slot.seq, vote.getView(),
                    t.state.rollNo(), List.of(conflict, v.envelope()), "voted for two txs at one slot");
            t.prove(LiarProofs.of(v.sender(), List.of(conflict, v.envelope())));
        }
        if (t.slot.txOf(vote.getTxHash()) == null && t.slot.lock() == null) {
            committer.query(v.sender(), nowMs, out); // its reply carries the Prepare it voted on, which we never got
        }
        committer.checkCertificate(nowMs, out);
    }

    /** The Status of the player at {@code index} inside the justification of the Prepare this node is locked on. */
    private Envelope statusInLockJustification(int index) {
        Lock lock = t.slot.lock();
        if (lock == null || !(t.node.verify(lock.prepare()) instanceof Verified p)) {
            return null;
        }
        List<Envelope> justification = p.body().getPrepare().getJustificationList();
        List<NodeId> active = t.state.active();
        int i = Exclusion.stayers(active, Exclusion.fromMask(active, lock.excluded())).indexOf(active.get(index));
        return i >= 0 && i < justification.size() ? justification.get(i) : null; // in the order of its stayers
    }

    private void checkStaleVote(NodeId player, Vote vote, Envelope voteEnv, Envelope statusEnv, Out out) {
        if (!(t.node.verify(statusEnv) instanceof Verified sv)) {
            return; // held Statuses were verified when they arrived; the verifier is deterministic
        }
        Status s = sv.body().getStatus();
        Locks.ShownLock lock = Locks.shownLock(t.state, t.slot.seq, s.getView(), s, t.node::verify, t.liars());
        if (lock != Locks.INVALID && Locks.contradicts(vote.getView(), vote.getTxHash(), s.getView(), lock)) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_STALE_VOTE, player, t.slot.seq, vote.getView(),
                    t.state.rollNo(), List.of(statusEnv, voteEnv), "voted in view " + vote.getView()
                            + " against its Status of view " + s.getView());
        }
    }

    /**
     * A player's Status. One of a higher view moves this node there too, but at most once per half a view
     * timeout, so a liar's endless higher views cost this node a bounded number of synced writes; a Status
     * outside the views this node keeps is dropped.
     */
    void onStatus(Verified v, TableGate.Sorted s, long nowMs, Out out) {
        gateGuaranteed(s, v);
        Status st = v.body().getStatus();
        int view = s.view();
        Locks.ShownLock lock = Locks.shownLock(t.state, t.slot.seq, view, st, t.node::verify, t.liars());
        if (lock == Locks.INVALID) {
            t.drop(out, v, "status with a lock that is not a genuine proposal");
            return;
        }
        t.startSlot(nowMs);
        if (view > t.slot.view() && t.isSeated() && t.slot.mayFollow(nowMs, followIntervalMs())) {
            int target = Math.min(view, Math.min(t.slot.view() + WireLimits.VIEWS_AHEAD_MAX, VIEW_CEILING));
            if (target > t.slot.view()) {
                moveToView(target, nowMs, "joined the view change of " + v.sender(), true, out);
            }
        }
        if (!t.slot.inWindow(view)) {
            t.drop(out, v, "status for view " + view + " while this node is in view " + t.slot.view()
                    + " and follows higher views at most every " + followIntervalMs() + " ms");
            return;
        }
        recordStatus(s.index(), v, st, lock, out);
    }

    private long followIntervalMs() {
        return Math.max(1, t.viewTimeoutMs(t.slot.view()) / 2);
    }

    /** Records a genuine Status (its lock already checked) and the evidence it proves, and learns its reveals. */
    private void recordStatus(int index, Verified v, Status s, Locks.ShownLock lock, Out out) {
        if (t.state.awaitingReveals()) {
            for (Envelope reveal : s.getRevealsList()) {
                learnReveal(reveal);
            }
        }
        Envelope conflict = t.slot.recordStatus(index, s.getView(),
                Exclusion.mask(t.state.active(), Exclusion.parse(t.state, s.getExcludedList(), t.liars())), v.envelope());
        if (conflict != null) {
            t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_STATUSES, v.sender(), t.slot.seq, s.getView(),
                    t.state.rollNo(), List.of(conflict, v.envelope()), "two statuses for one slot and view");
            return;
        }
        if (lock != null) {
            Envelope known = t.slot.recordProposal(lock.view(), lock.proposal());
            if (known != null) {
                t.evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, lock.coordinator(), t.slot.seq,
                        lock.view(), t.state.rollNo(), List.of(known, lock.proposal()),
                        "two proposals for one slot and view");
                t.prove(LiarProofs.of(lock.coordinator(), List.of(known, lock.proposal())));
            }
        }
        for (Envelope vote : t.slot.votesOf(index)) {
            if (t.node.verify(vote) instanceof Verified vv) {
                checkStaleVote(v.sender(), vv.body().getVote(), vote, v.envelope(), out);
            }
        }
    }

    /** A reveal carried in a Status: kept when it is a genuine one of this roll's attempt that opens its commitment. */
    private void learnReveal(Envelope env) {
        if (!(t.node.verify(env) instanceof Verified r) || r.kind() != Body.KindCase.DICE_REVEAL) {
            return;
        }
        io.dicemesh.protocol.DiceReveal reveal = r.body().getDiceReveal();
        int index = t.state.active().indexOf(r.sender());
        if (index < 0 || !TxValidator.ofThisRoll(t.state, reveal)
                || !TxValidator.matchesCommitment(t.state, index, r.sender(), reveal)) {
            return;
        }
        t.dice.reveals.putIfAbsent(r.sender(), env);
    }

    /** The highest view a node ever enters: every view up to it is one the gate lets through. */
    static final int VIEW_CEILING = TableGate.VIEW_LIMIT - 1;

    /**
     * The view deadline passed: leave for the next view, or straight for the highest view a player has shown a
     * Status for (within the window this node keeps), so that nodes a few views apart meet again.
     */
    void onDeadline(long nowMs, Out out) {
        int next = Math.min(Math.max(t.slot.view() + 1, t.slot.highestStatusView()), VIEW_CEILING);
        if (next > t.slot.view()) {
            moveToView(next, nowMs, "timeout", false, out);
        } else {
            nudge(out); // at the last view there is: repeat, and keep waiting
            t.slot.armDeadline(nowMs, t.viewTimeoutMs(t.slot.view()));
        }
    }

    /** Leaves the current view: a durable Status (with this node's lock) to every player, and work resent. */
    void moveToView(int view, long nowMs, String cause, boolean followed, Out out) {
        Safety.check(t.isSeated(), "only players move views", () -> "table " + t.state.id());
        List<NodeId> excluded = t.excludedFor(view, nowMs);
        Status.Builder st = Status.newBuilder().setTableId(t.state.id().bytes()).setSeq(t.slot.seq).setView(view)
                .addAllExcluded(Exclusion.wire(excluded)).addAllLiarProofs(t.proofsFor(excluded));
        if (t.slot.lock() != null) {
            st.setLockedProposal(t.slot.lock().proposal());
        }
        if (t.state.awaitingReveals()) {
            for (NodeId p : t.state.active()) { // a reveal that reached this node finishes the roll (DESIGN 5b)
                Envelope reveal = t.dice.reveals.get(p);
                if (reveal != null) {
                    st.addReveals(reveal);
                }
            }
        }
        Envelope env = t.node.sign(Body.newBuilder().setStatus(st).build());
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.STATUS, t.slot.seq), env.toByteArray())
                .build(), true);
        t.slot.enterView(view, env, Exclusion.mask(t.state.active(), excluded), t.myIndex(), followed, nowMs,
                t.viewTimeoutMs(view));

        out.sendAll(t.state.active(), t.node.me, env);
        out.emit(new Event.ViewChanged(t.state.id(), t.slot.seq, view, cause));
        resendWork(out);
    }

    /**
     * Repeats this node's vote (or its status) to every player: a peer that already committed the slot answers
     * with the certificate, and one that lost the vote gets it again, before anyone has to change view.
     */
    void nudge(Out out) {
        Slot slot = t.slot;
        if (slot.myStatus() != null) {
            out.sendAll(t.state.active(), t.node.me, slot.myStatus()); // the coordinator needs every player's
        }
        if (slot.lock() != null) {
            out.sendAll(t.state.active(), t.node.me, slot.lock().vote());
        }
        if (slot.lock() == null && slot.myStatus() == null) {
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
        NodeId next = t.state.coordinator(t.slot.seq, t.slot.view(),
                Exclusion.fromMask(t.state.active(), t.slot.myExcluded()));
        if (next.equals(t.node.me)) {
            return;
        }
        for (Envelope e : t.dice.held(t.state.awaitingReveals()).values()) {
            out.send(next, e);
        }
    }

    void onNack(Verified v, TableGate.Sorted s, Out out) {
        gateGuaranteed(s, v);
        Nack n = v.body().getNack();
        out.emit(new Event.NackReceived(t.state.id(), v.sender(), n.getSeq(), n.getView(),
                n.getReason().name() + ": " + n.getDetail()));
    }

    /** Tells the coordinator why no vote came (diagnosis only), at most once per catch-up interval. */
    private void nack(NodeId coordinator, boolean direct, int view, NackReason reason, String detail, long nowMs,
            Out out) {
        if (!direct || !mayReply(coordinator, nowMs)) {
            return;
        }
        String d = detail.length() > 200 ? detail.substring(0, 200) : detail;
        out.send(coordinator, t.node.sign(Body.newBuilder().setNack(Nack.newBuilder().setTableId(t.state.id().bytes())
                .setSeq(t.slot.seq).setView(view).setReason(reason).setDetail(d)).build()));
    }

    private boolean mayReply(NodeId coordinator, long nowMs) {
        return replies.allow(coordinator, nowMs, t.catchUpIntervalMs());
    }

    /** What every handler here may rely on: the gate sorted the message as CURRENT, from a seated player. */
    private void gateGuaranteed(TableGate.Sorted s, Verified v) {
        Safety.check(s.is(TableGate.Verdict.CURRENT) && s.index() >= 0
                && t.state.active().get(s.index()).equals(v.sender()), "the gate sorts before handlers",
                () -> v + " reached a handler as " + s);
    }
}
