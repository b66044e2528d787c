package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.LockRecord;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Vote;
import java.util.List;
import java.util.Map;

/**
 * One table at one node: the rotating-coordinator atomic commit (DESIGN section 5), the gossip of intents and
 * dice, and this node's client requests for the table. Every message passes the table's {@link TableGate} first;
 * then it goes to the part that owns it ({@link IntentDesk}, {@link DiceDesk}, {@link SlotProtocol},
 * {@link Proposer}, {@link Committer}, all over one {@link TableContext}). Keeps the table's single timer.
 * Single-threaded and deterministic; all effects go to the {@link Out} it is handed.
 */
final class TableEngine {
    private final TableContext t;
    private final TableGate gate;
    private final IntentDesk intents;
    private final DiceDesk diceDesk;
    private final Committer committer;
    private final SlotProtocol protocol;
    private final Proposer proposer;
    private final String timerKey;
    private long lastWakeMs = -1;
    /** Since when this node has had work at the table that did not commit; -1 while it has none. */
    private long workSinceMs = -1;
    private long workSeq = -1;
    /** When this node entered the open slot's current view and the view before it, while it has work. */
    private long viewSinceMs = -1;
    private long previousViewSinceMs = -1;
    private int trackedView = -1;
    private long lastNowMs;

    TableEngine(EngineContext ctx, TableModel state) {
        this.t = new TableContext(ctx, state);
        this.gate = new TableGate(t);
        this.intents = new IntentDesk(t);
        this.diceDesk = new DiceDesk(t, intents);
        this.committer = new Committer(t, intents, diceDesk);
        this.protocol = new SlotProtocol(t, committer);
        this.proposer = new Proposer(t, protocol, committer);
        this.committer.setRedispatch(this::dispatch);
        this.timerKey = "table/" + state.id().hex();
    }

    /**
     * Re-installs what this node persisted about its open slot and its own batches (after a restart). These are
     * this node's own records: one that does not check out is a corrupt ledger, and the node refuses to start.
     */
    void restore(LockRecord lockRecord, Envelope status, List<Envelope> ownBatches) {
        if (lockRecord != null) {
            Lock lock = storedLock(lockRecord);
            if (lock.seq() == t.slot.seq) {
                t.slot.restoreLock(lock, t.myIndex());
            }
        }
        if (status != null) {
            Verified v = own(status, Body.KindCase.STATUS);
            Status s = v.body().getStatus();
            if (s.getSeq() == t.slot.seq) {
                t.absorb(s.getLiarProofsList()); // the proofs its X stood on
                t.slot.restoreStatus(s.getView(), status, Exclusion.mask(t.state.active(),
                        ownExcluded(s.getExcludedList())), t.myIndex());
            }
        }
        for (Envelope b : ownBatches) {
            IntentBatch batch = own(b, Body.KindCase.INTENT_BATCH).body().getIntentBatch();
            if (batch.getBatchNo() > t.state.lastBatchNo(t.mySeat())) {
                t.own.pending.put(batch.getBatchNo(), b);
                t.pool.add(t.mySeat(), batch.getBatchNo(), t.state.lastBatchNo(t.mySeat()), b);
            }
        }
    }

    /** The lock record as synced before the vote left: this node's vote on the Prepare's proposal and tx. */
    private Lock storedLock(LockRecord record) {
        Verified prepare = own(record.getPrepare(), Body.KindCase.PREPARE);
        Prepare p = prepare.body().getPrepare();
        Proposal prop = ((Verified) t.node.verify(p.getProposal())).body().getProposal();
        Vote vote = own(record.getVote(), Body.KindCase.VOTE).body().getVote();
        ByteString txHash = ByteString.copyFrom(Sha256.hash(p.getTx().toByteArray()));
        Safety.check(vote.getSeq() == prop.getSeq() && vote.getView() == prop.getView()
                && vote.getTxHash().equals(prop.getTxHash()) && txHash.equals(prop.getTxHash())
                && ((Verified) t.node.verify(record.getVote())).sender().equals(t.node.me),
                "a restored lock is the stored one", () -> "the lock record of table " + t.state.id() + " seq "
                        + prop.getSeq() + " does not hold this node's vote on its Prepare");
        if (prop.getSeq() == t.slot.seq) {
            for (Envelope status : p.getJustificationList()) { // the proofs its X stood on
                if (t.node.verify(status) instanceof Verified sv && sv.kind() == Body.KindCase.STATUS) {
                    t.absorb(sv.body().getStatus().getLiarProofsList());
                }
            }
        }
        List<NodeId> excluded = prop.getSeq() == t.slot.seq ? ownExcluded(prop.getExcludedList()) : List.of();
        return new Lock(prop.getSeq(), prop.getView(), prop.getTxHash(), p.getTx(), record.getPrepare(),
                p.getProposal(), record.getVote(), Exclusion.mask(t.state.active(), excluded));
    }

    /** The X of a record this node stored for its open slot: it checked out when stored. */
    private List<NodeId> ownExcluded(List<ByteString> raw) {
        List<NodeId> x = Exclusion.parse(t.state, raw, t.liars());
        if (x == null) {
            throw new IllegalStateException("the ledger holds a record of table " + t.state.id()
                    + " going without players it may not go without: " + raw);
        }
        return x;
    }

    private Verified own(Envelope stored, Body.KindCase kind) {
        VerifyResult r = t.node.verify(stored);
        if (!(r instanceof Verified v) || v.kind() != kind) {
            throw new IllegalStateException("the ledger holds a " + kind + " record of table " + t.state.id()
                    + " that does not verify: " + r);
        }
        return v;
    }

    /**
     * One evidence record read back from the ledger after a restart. Every record is seen (one at a time, never all
     * in memory): the one that halted the table may hold a whole tx and not be among those kept in memory.
     */
    void restoreEvidence(Evidence e) {
        t.evidence.restore(e);
        if (e.getProofCount() == 2 && NodeId.isWellFormed(e.getCulprit())) {
            t.prove(LiarProofs.of(NodeId.of(e.getCulprit()), e.getProofList())); // kept only if it proves a lie
        }
        if (EvidenceLog.haltsTheTable(e.getKind()) && e.getSeq() == t.state.seq() + 1) {
            t.haltedBecause = e.getDetail() + " (seq " + e.getSeq() + ")";
        }
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
        if (!t.isSeated() || t.haltedBecause != null) {
            return;
        }
        Slot slot = t.slot;
        NodeId coordinator = t.state.coordinator(slot.seq, slot.view(),
                Exclusion.fromMask(t.state.active(), slot.myExcluded()));
        Map<NodeId, Envelope> heldDice = t.dice.held(t.state.awaitingReveals());
        for (NodeId peer : peers) {
            if (peer.equals(t.node.me) || !t.state.isActive(peer)) {
                continue;
            }
            if (!slot.isCommitted() && slot.lock() != null) {
                if (slot.lock().view() == slot.view() && coordinator.equals(t.node.me)) {
                    out.send(peer, slot.lock().prepare());
                }
                out.send(peer, slot.lock().vote());
            }
            if (!slot.isCommitted() && slot.myStatus() != null) {
                out.send(peer, slot.myStatus());
            }
            for (Envelope b : t.own.pending.values()) {
                out.send(peer, b);
            }
            for (Map.Entry<NodeId, Envelope> dice : heldDice.entrySet()) {
                if (dice.getKey().equals(t.node.me) || peer.equals(coordinator)) { // the coordinator needs all
                    out.send(peer, dice.getValue());
                }
            }
            t.catchUp.forgetQuery(peer); // a new connection earns a fresh query: one sent before it was lost
            committer.query(peer, nowMs, out);
        }
        afterInput(nowMs, out);
    }

    void onMessage(Verified v, NodeId from, long nowMs, Out out) {
        if (v.sender().equals(from) && t.state.seatOf(from) >= 0) {
            // a player is heard only on its own channel: old messages of a gone player, relayed in a reply or
            // kept for later and replayed, must not make it look alive
            t.lastHeardMs.put(from, nowMs);
        }
        dispatch(v, from, nowMs, out);
        afterInput(nowMs, out);
    }

    /** Sorts a message with the gate, then hands it to the part that owns it (or keeps it, or helps its sender). */
    private void dispatch(Verified v, NodeId from, long nowMs, Out out) {
        TableGate.Sorted s = gate.sort(v);
        switch (s.verdict()) {
            case JUNK -> t.drop(out, v, s.reason());
            // no honest node sends it: when its signer sent it itself, the signer is at fault (the daemon's transport
            // throttles a table peer that keeps doing this)
            case MALFORMED -> t.drop(out, v, s.reason(), v.sender().equals(from) ? from : null);
            case PAST -> {
                if (v.kind() == Body.KindCase.VOTE) {
                    committer.checkPastVote(v, out);
                }
                if (isSlotMessage(v) && v.sender().equals(from)) { // a relayed or replayed message earns no reply
                    committer.helpBehind(from, s.seq(), nowMs, out);
                }
            }
            case FUTURE -> {
                if (committer.defer(v, from)) {
                    t.node.remember(v);
                } else {
                    t.drop(out, v, "no room left for its sender's messages for later");
                }
                if (isSlotMessage(v) || v.kind() == Body.KindCase.DICE_REVEAL
                        || v.kind() == Body.KindCase.DICE_COMMITMENT) {
                    // its sender is ahead: a reveal means it committed a roll's commitments that this node has
                    // not, and nobody else may tell it (else its own reveal would be missing there, and it evicted
                    // as a withholder while it answers)
                    committer.query(v.sender(), nowMs, out);
                }
            }
            case AHEAD -> committer.query(v.sender(), nowMs, out);
            case CURRENT -> {
                t.node.remember(v);
                handle(v, from, s, nowMs, out);
            }
        }
    }

    private void handle(Verified v, NodeId from, TableGate.Sorted s, long nowMs, Out out) {
        switch (v.kind()) {
            case INTENT_BATCH -> intents.onIntentBatch(v, out);
            case DICE_COMMITMENT -> diceDesk.onCommitment(v, nowMs, out);
            case DICE_REVEAL -> diceDesk.onReveal(v, out);
            case PREPARE -> protocol.onPrepare(v, s, from, nowMs, out);
            case VOTE -> protocol.onVote(v, s, nowMs, out);
            case STATUS -> protocol.onStatus(v, s, nowMs, out);
            case NACK -> protocol.onNack(v, s, out);
            case CERTIFICATE_QUERY -> committer.onCertificateQuery(v, from, nowMs, out);
            case CERTIFICATE_REPLY -> committer.onCertificateReply(v, from, nowMs, out);
            default -> throw new IllegalStateException("the gate let a " + v.kind() + " through");
        }
    }

    private static boolean isSlotMessage(Verified v) {
        return v.kind() == Body.KindCase.PREPARE || v.kind() == Body.KindCase.VOTE
                || v.kind() == Body.KindCase.STATUS;
    }

    void onTick(long nowMs, Out out) {
        if (t.isSeated() && t.haltedBecause == null) {
            if (t.slot.nudgeFires(nowMs)) {
                protocol.nudge(out);
            }
            if (t.slot.deadlineFires(nowMs)) {
                protocol.onDeadline(nowMs, out);
            }
            goWithoutTheGone(nowMs, out);
            if (t.heartbeat.fire(nowMs)) {
                protocol.nudge(out);
                Envelope mine = t.dice.held(t.state.awaitingReveals()).get(t.node.me);
                if (mine != null) {
                    out.sendAll(t.state.active(), t.node.me, mine);
                }
            }
            if (t.dice.resend.fire(nowMs)) {
                diceDesk.resendMyDice(nowMs, out);
            }
        }
        if (t.own.flush.fire(nowMs)) {
            intents.flushOwn(nowMs, out);
        }
        if (t.catchUp.retry.fire(nowMs)) {
            committer.retryCatchUp(nowMs, out);
        }
        diceDesk.reportWithheldDice(nowMs, out);
        afterInput(nowMs, out);
    }

    /**
     * Someone became gone while the slot is stuck: move to the next view at once, naming them, instead of waiting
     * out a view timeout that may have backed off to a minute. At most once per change of who is gone.
     */
    private void goWithoutTheGone(long nowMs, Out out) {
        if (!t.slot.isOpen()) {
            return;
        }
        List<NodeId> x = t.excludedFor(t.slot.view() + 1, nowMs);
        if (!x.isEmpty() && Exclusion.mask(t.state.active(), x) != t.slot.myExcluded()) {
            int next = Math.min(Math.max(t.slot.view() + 1, t.slot.highestStatusView()), SlotProtocol.VIEW_CEILING);
            if (next > t.slot.view()) {
                protocol.moveToView(next, nowMs, "timeout", false, out);
            }
        }
    }

    void onCommand(long requestId, ClientRequest request, long nowMs, Out out) {
        if (t.haltedBecause != null && !(request instanceof ClientRequest.ShowTable)) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.CLOSED, "table " + t.state.id()
                    + " is halted: " + t.haltedBecause));
            return;
        }
        if (request instanceof ClientRequest.PlaceBet p) {
            intents.queueIntent(requestId, betIntent(p), nowMs, out);
        } else if (request instanceof ClientRequest.PlaceBets ps) {
            List<Intent> bets = new java.util.ArrayList<>(ps.takeDowns().size() + ps.bets().size());
            for (long betId : ps.takeDowns()) {
                bets.add(Intent.newBuilder().setTakeDown(io.dicemesh.protocol.TakeDown.newBuilder().setBetId(betId))
                        .build());
            }
            for (ClientRequest.PlaceBet p : ps.bets()) {
                bets.add(betIntent(p));
            }
            intents.queueIntents(requestId, bets, true, nowMs, out);
        } else if (request instanceof ClientRequest.TakeDown d) {
            intents.queueIntent(requestId, Intent.newBuilder().setTakeDown(io.dicemesh.protocol.TakeDown.newBuilder()
                    .setBetId(d.betId())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.Transfer tr) {
            intents.queueIntent(requestId, Intent.newBuilder().setTransfer(io.dicemesh.protocol.Transfer.newBuilder()
                    .setTo(tr.to().byteString()).setAmount(tr.amount())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.Leave) {
            intents.requestLeave(requestId, nowMs, out);
        } else if (request instanceof ClientRequest.Roll) {
            diceDesk.requestRoll(requestId, nowMs, out);
        } else if (request instanceof ClientRequest.ShowTable) {
            out.reply(requestId, new ClientResult.TableInfo(summary(nowMs), t.state.toProto()));
        } else {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST, "not a table command"));
        }
        afterInput(nowMs, out);
    }

    private static Intent betIntent(ClientRequest.PlaceBet p) {
        return Intent.newBuilder().setPlaceBet(io.dicemesh.protocol.PlaceBet.newBuilder()
                .setType(GameProtos.wire(p.kind())).setAmount(p.amount()).setNumber(p.number())
                .setOnBet(p.onBet())).build();
    }

    private void afterInput(long nowMs, Out out) {
        if (t.haltedBecause == null) {
            intents.releaseHeldLeaves(nowMs, out);
        } else if (!t.own.heldLeaves.isEmpty()) {
            intents.failHeldLeaves("table " + t.state.id() + " is halted: " + t.haltedBecause, out);
        }
        trackWork(nowMs);
        if (t.haltedBecause == null) {
            proposer.maybePropose(nowMs, out);
            if (t.isSeated() && t.slot.isIdle() && hasWork()) {
                t.startSlot(nowMs);
            }
            if (t.isSeated() && t.slot.isOpen() && !t.slot.deadlineArmed()) {
                t.slot.armDeadline(nowMs, t.viewTimeoutMs(t.slot.view())); // after a restart
            }
        }
        long wake = nextWakeMs();
        if (wake >= 0 && (wake != lastWakeMs || lastWakeMs <= nowMs)) {
            lastWakeMs = wake;
            out.timer(timerKey, Math.max(wake, nowMs + 1)); // never a timer in the past: it would spin
        }
    }

    /** Work starts when this node first has something uncommitted; each commit restarts the clock. */
    private void trackWork(long nowMs) {
        lastNowMs = nowMs;
        boolean working = inFlight() || (t.isSeated() && (t.state.awaitingReveals() || t.dice.wanted()));
        if (!working && !(t.busySinceMs >= 0 && !t.gone(nowMs).isEmpty())) {
            t.busySinceMs = -1; // a table with someone gone stays busy until the Evict tx commits
            t.heartbeat.disarm();
        } else if (t.busySinceMs < 0) {
            t.busySinceMs = nowMs;
        }
        if (t.busySinceMs >= 0 && !t.heartbeat.armed()) {
            t.heartbeat.armAt(nowMs + Math.max(1, t.state.wireRules().getAbsentTimeoutMs() / 3));
        }
        if (!working) {
            workSinceMs = -1;
        } else if (workSinceMs < 0 || workSeq != t.state.seq()) {
            workSinceMs = nowMs;
            viewSinceMs = nowMs;
            previousViewSinceMs = nowMs;
            trackedView = t.slot.view();
        } else if (t.slot.view() != trackedView) {
            previousViewSinceMs = viewSinceMs;
            viewSinceMs = nowMs;
            trackedView = t.slot.view();
        }
        workSeq = t.state.seq();
    }

    /**
     * The table's stall, or null while it commits: it has had work for longer than the first
     * {@link NodeEngine#STALLED_AFTER_VIEWS} views' timeouts (or reached that view), or dice are missing past the
     * dice timeout. Those waited for are the players with missing dice, else those not heard from since the view
     * before the current one began (an answering player sends a Status at every view change).
     */
    Stall stall(long nowMs) {
        if (workSinceMs < 0 || t.haltedBecause != null || !t.isSeated()) {
            return null;
        }
        long viewsMs = 0;
        for (int v = 0; v < NodeEngine.STALLED_AFTER_VIEWS; v++) {
            viewsMs += t.viewTimeoutMs(v);
        }
        List<NodeId> active = t.state.active();
        List<NodeId> missingDice = t.state.awaitingReveals() ? t.dice.missingReveals(active)
                : t.dice.wanted() ? t.dice.missingCommitments(active) : List.of();
        long diceSince = t.state.awaitingReveals() ? t.dice.revealsSinceMs : t.dice.commitmentsSinceMs;
        boolean diceLate = !missingDice.isEmpty() && diceSince >= 0 && nowMs - diceSince >= t.diceTimeoutMs();
        if (!diceLate && nowMs - workSinceMs < viewsMs && t.slot.view() < NodeEngine.STALLED_AFTER_VIEWS) {
            return null;
        }
        String waitingOn;
        List<NodeId> waitingFor = new java.util.ArrayList<>();
        long evictableAt;
        if (diceLate) {
            waitingOn = t.state.awaitingReveals() ? "reveals" : "commitments";
            waitingFor.addAll(missingDice);
            evictableAt = diceSince + t.diceTimeoutMs();
        } else {
            waitingOn = "votes";
            for (NodeId p : active) {
                if (!p.equals(t.node.me) && t.lastHeardMs.getOrDefault(p, Long.MIN_VALUE) <= previousViewSinceMs) {
                    waitingFor.add(p);
                }
            }
            // Silence counts from a player's last message, and not before the work it blocks began.
            long lastHeard = waitingFor.stream().mapToLong(p -> t.lastHeardMs.getOrDefault(p, workSinceMs))
                    .max().orElse(workSinceMs);
            evictableAt = Math.max(lastHeard, workSinceMs) + t.state.wireRules().getAbsentTimeoutMs();
        }
        String cannot = Stall.whyNoEviction(active.size(), waitingFor.size(), t.state.wireRules().getLiarsTolerated());
        return new Stall(workSinceMs, waitingOn, waitingFor, cannot == null ? evictableAt : -1, cannot);
    }

    /** The stall as of the last input this table saw (for gauges and readiness, read between inputs). */
    Stall stall() {
        return stall(lastNowMs);
    }

    /** True when this node holds work the open slot should carry (an eviction that is due counts). */
    private boolean hasWork() {
        List<NodeId> active = t.state.active();
        if (!t.excludedFor(1, lastNowMs).isEmpty()) {
            return true;
        }
        if (t.state.awaitingReveals()) {
            return t.dice.revealsInOrder(active) != null; // intents wait until the roll is done
        }
        return !t.own.pending.isEmpty() || t.pool.hasEligible(t.state)
                || (t.state.mayRoll() && t.dice.commitmentsInOrder(active) != null);
    }

    private long nextWakeMs() {
        long wake = t.slot.earliestWake(-1);
        wake = t.dice.resend.earliest(wake);
        wake = t.own.flush.earliest(wake);
        wake = t.catchUp.retry.earliest(wake);
        wake = t.heartbeat.earliest(wake);
        long gone = t.nextGoneAtMs(lastNowMs);
        if (gone >= 0) {
            wake = wake < 0 ? gone : Math.min(wake, gone);
        }
        long since = t.state.awaitingReveals() ? t.dice.revealsSinceMs : t.dice.commitmentsSinceMs;
        List<NodeId> missing = t.state.awaitingReveals() ? t.dice.missingReveals(t.state.active())
                : t.dice.wanted() ? t.dice.missingCommitments(t.state.active()) : List.of();
        // Only while someone missing is not reported yet: past the dice timeout, this wake would lie in the past.
        if (since >= 0 && !t.dice.reportedWithheld.containsAll(missing)) {
            long at = since + t.diceTimeoutMs();
            wake = wake < 0 ? at : Math.min(wake, at);
        }
        return wake;
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

    List<Evidence> evidence() {
        return t.evidence.recent();
    }

    int currentView() {
        return t.slot.view();
    }

    ByteString lockedTxHash() {
        return t.slot.lock() == null ? null : t.slot.lock().txHash();
    }

    ByteString lockedTx() {
        return t.slot.lock() == null ? null : t.slot.lock().tx();
    }

    /** Why this node halted the table (a certificate for a tx it refuses), or null. */
    String haltedBecause() {
        return t.haltedBecause;
    }

    /** The protocol's internal state in one line, for diagnosing a stalled table. */
    String debugState() {
        return "seq=" + t.state.seq() + " " + t.slot.describe() + " pool=" + t.pool.size() + " eligible="
                + t.pool.hasEligible(t.state) + " ownPending=" + t.own.pending.keySet() + " queue="
                + t.own.queue.size() + " roll=" + t.state.rollNo() + " awaitingReveals=" + t.state.awaitingReveals()
                + " commitments=" + t.dice.commitments.size() + " reveals=" + t.dice.reveals.size() + " mySent="
                + t.dice.myCommitmentSent + "/" + t.dice.myRevealSent + " " + t.dice.resend + " deferred="
                + t.deferred.size() + " lastBatch=" + (t.mySeat() >= 0 ? t.state.lastBatchNo(t.mySeat()) : -1)
                + " liars=" + t.liars().size() + " wake=" + lastWakeMs + (t.haltedBecause == null ? "" : " halted: " + t.haltedBecause);
    }

    /** True while this node has work at the table that has not committed (a slot it joined, or own intents). */
    boolean inFlight() {
        return t.isSeated() && t.haltedBecause == null && (t.slot.isOpen() || !t.own.pending.isEmpty()
                || !t.own.queue.isEmpty() || (t.state.awaitingReveals() && t.dice.myRevealSent));
    }

    /** True when a slot is open with a lock but no certificate yet: the outcome is fixed but not known here. */
    boolean inDoubt() {
        return t.slot.lock() != null && !t.slot.isCommitted();
    }

    /**
     * Bytes this table holds for messages: the open slot, the intent pool, dice, messages kept for later, recent
     * certificates and evidence, and this node's own batches awaiting their slot.
     */
    long heldBytes() {
        return t.slot.heldBytes() + t.pool.heldBytes() + t.dice.heldBytes() + t.deferred.bytes()
                + t.catchUp.heldBytes() + t.evidence.heldBytes() + t.liarProofBytes() + t.own.pendingBytes();
    }

    /** The most {@link #heldBytes} can be at a table of {@code players}: the bounds of its parts added up. */
    static long heldBytesMax(int players) {
        long dice = 2L * players * (io.dicemesh.protocol.WireLimits.SMALL_MESSAGE_BYTES_MAX + 128L);
        return Slot.heldBytesMax(players) + players * IntentPool.BYTES_PER_PLAYER_MAX + dice + Deferred.BYTES_MAX
                + CatchUp.RECENT_BYTES_MAX + io.dicemesh.protocol.WireLimits.FRAME_BYTES_MAX
                + EvidenceLog.RECENT_BYTES_MAX + EvidenceLog.SEEN_MAX * EvidenceLog.SEEN_ENTRY_BYTES
                + (long) players * LiarProofs.PROOF_BYTES_MAX + TableContext.FAILED_PROOFS_MAX * TableContext.FAILED_PROOF_ENTRY_BYTES
                + OwnIntents.PENDING_BYTES_MAX + 2L * (io.dicemesh.protocol.WireLimits.INTENT_BATCH_BYTES_MAX + 128);
    }

    /** Messages kept for later slots or dice rounds (tests). */
    int deferredForTest() {
        return t.deferred.size();
    }

    ClientResult.TableSummary summary(long nowMs) {
        int seat = t.mySeat();
        Stall stall = stall(nowMs);
        String status = t.haltedBecause != null ? "halted"
                : seat >= 0 && t.state.evictedCause(seat) != null ? "evicted" : t.state.closed() ? "closed"
                : !t.isSeated() ? "left" : stall != null ? "stalled" : "active";
        List<ClientResult.Evicted> evicted = new java.util.ArrayList<>();
        ClientResult.Evicted mine = null;
        for (io.dicemesh.protocol.PlayerState p : t.state.toProto().getPlayersList()) {
            if (p.getEvicted() != io.dicemesh.protocol.EvictionCause.EVICTION_CAUSE_UNSPECIFIED) {
                ClientResult.Evicted e = new ClientResult.Evicted(NodeId.of(p.getPlayer()),
                        causeLabel(p.getEvicted()), p.getEvictedSeq(), p.getEvictedPaid(), p.getEvictedBond(),
                        p.getWithdrawn());
                evicted.add(e);
                if (e.player().equals(t.node.me)) {
                    mine = e;
                }
            }
        }
        return new ClientResult.TableSummary(t.state.id(), status, t.state.seats(), t.state.seq(), t.state.rollNo(),
                t.state.game().point(), seat >= 0 ? t.state.game().stack(seat) : 0, t.state.seats().size(), stall,
                evicted, mine);
    }

    /** As shown to people and in metrics: absence, withholding. */
    static String causeLabel(io.dicemesh.protocol.EvictionCause cause) {
        return switch (cause) {
            case EVICTION_ABSENCE -> "absence";
            case EVICTION_WITHHOLDING -> "withholding";
            default -> "unknown";
        };
    }
}
