package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.DiceNonces;
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
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.Nack;
import io.dicemesh.protocol.NackReason;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One table at one node: the rotating-coordinator atomic commit (DESIGN section 5), the gossip of intents and
 * dice, and this node's client requests for the table. Single-threaded and deterministic; all effects go to the
 * {@link Out} it is handed. The commit rules live here together because they share one slot's state: splitting
 * them would scatter R1-R3 over several classes.
 */
final class TableEngine {
    /** Messages for slots beyond the next one kept until their slot opens. */
    static final int FUTURE_MAX = 4 * WireLimits.PLAYERS_PER_TABLE_MAX;
    /** Longest view timeout, however many views a slot has gone through. */
    static final long VIEW_TIMEOUT_MAX_MS = 60_000;
    /** Doublings of the view timeout before it stays at its maximum. */
    static final int VIEW_BACKOFF_DOUBLINGS_MAX = 6;

    private final EngineContext ctx;
    private final TableModel state;
    private final TxValidator validator;
    private final IntentPool pool = new IntentPool();
    private final OwnIntents own = new OwnIntents();
    private final EvidenceLog evidence;
    private final CatchUp catchUp;
    private final List<Verified> future = new ArrayList<>();
    private final String timerKey;
    private DiceRound dice;
    private Slot slot;
    private long lastWakeMs = -1;

    TableEngine(EngineContext ctx, TableModel state) {
        this.ctx = ctx;
        this.state = state;
        this.validator = new TxValidator(ctx::verify);
        this.evidence = new EvidenceLog(state.id());
        this.catchUp = new CatchUp(state.id(), ctx.ledger, ctx.config.recentCertificatesMax());
        this.timerKey = "table/" + state.id().hex();
        this.dice = new DiceRound(state.rollNo());
        this.slot = new Slot(state.seq() + 1, state.active().size());
    }

    // ------------------------------------------------------------------ restore and start

    /** Re-installs what this node persisted about its open slot and its own batches (after a restart). */
    void restore(Envelope lockRecordPrepare, Envelope lockVote, Envelope status, List<Envelope> ownBatches) {
        if (lockRecordPrepare != null && lockVote != null) {
            Verified prepare = (Verified) ctx.verify(lockRecordPrepare);
            Prepare p = prepare.body().getPrepare();
            Proposal prop = ((Verified) ctx.verify(p.getProposal())).body().getProposal();
            if (prop.getSeq() == slot.seq) {
                slot.lock = new Lock(prop.getSeq(), prop.getView(), prop.getTxHash(), p.getTx(), lockRecordPrepare,
                        p.getProposal(), lockVote);
                slot.votedViews.add(prop.getView());
                slot.view = Math.max(slot.view, prop.getView());
                slot.proposals.put(prop.getView(), p.getProposal());
                slot.rememberTx(prop.getTxHash(), p.getTx(), lockRecordPrepare);
                if (prepare.sender().equals(ctx.me)) {
                    slot.proposedViews.add(prop.getView());
                }
                slot.recordVote(myIndex(), prop.getTxHash(), lockVote);
                slot.sawTraffic = true;
            }
        }
        if (status != null) {
            Verified v = (Verified) ctx.verify(status);
            Status s = v.body().getStatus();
            if (s.getSeq() == slot.seq) {
                slot.view = Math.max(slot.view, s.getView());
                slot.myStatus = status;
                slot.recordStatus(myIndex(), s.getView(), status);
                slot.sawTraffic = true;
            }
        }
        for (Envelope b : ownBatches) {
            IntentBatch batch = ((Verified) ctx.verify(b)).body().getIntentBatch();
            if (batch.getBatchNo() > state.lastBatchNo(mySeat())) {
                own.pending.put(batch.getBatchNo(), b);
                pool.add(mySeat(), batch.getBatchNo(), state.lastBatchNo(mySeat()), b);
            }
        }
    }

    void restoreEvidence(List<io.dicemesh.protocol.Evidence> stored) {
        evidence.restore(stored);
    }

    /** After creation or restart: repeat what peers may have missed and ask them for slots this node lacks. */
    void start(long nowMs, Out out) {
        if (!isSeated()) {
            return;
        }
        if (slot.lock != null) {
            out.sendAll(state.active(), ctx.me, slot.lock.vote());
        }
        if (slot.myStatus != null) {
            out.sendAll(state.active(), ctx.me, slot.myStatus);
        }
        for (Envelope b : own.pending.values()) {
            out.sendAll(state.active(), ctx.me, b);
        }
        if (state.awaitingReveals()) {
            sendMyReveal(nowMs, out);
        }
        for (NodeId peer : state.active()) {
            if (!peer.equals(ctx.me)) {
                query(peer, nowMs, out);
            }
        }
        afterInput(nowMs, out);
    }

    // ------------------------------------------------------------------ inputs

    void onMessage(Verified v, NodeId from, long nowMs, Out out) {
        ctx.remember(v);
        switch (v.kind()) {
            case INTENT_BATCH -> onIntentBatch(v, out);
            case DICE_COMMITMENT -> onCommitment(v, nowMs, out);
            case DICE_REVEAL -> onReveal(v, out);
            case PREPARE -> onPrepare(v, nowMs, out);
            case VOTE -> onVote(v, nowMs, out);
            case STATUS -> onStatus(v, nowMs, out);
            case NACK -> onNack(v, out);
            case CERTIFICATE_QUERY -> onCertificateQuery(v, nowMs, out);
            case CERTIFICATE_REPLY -> onCertificateReply(v, nowMs, out);
            default -> drop(out, v, "not a table message");
        }
        afterInput(nowMs, out);
    }

    void onTick(long nowMs, Out out) {
        if (isSeated() && !slot.committed && slot.nudgeAtMs >= 0 && nowMs >= slot.nudgeAtMs) {
            slot.nudgeAtMs = -1;
            nudge(out);
        }
        if (isSeated() && !slot.committed && slot.deadlineMs >= 0 && nowMs >= slot.deadlineMs) {
            moveToView(slot.view + 1, nowMs, "timeout", out);
        }
        if (isSeated() && dice.resendAtMs >= 0 && nowMs >= dice.resendAtMs) {
            resendMyDice(nowMs, out);
        }
        if (own.flushAtMs >= 0 && nowMs >= own.flushAtMs) {
            flushOwn(nowMs, out);
        }
        reportWithheldDice(nowMs, out);
        afterInput(nowMs, out);
    }

    void onCommand(long requestId, ClientRequest request, long nowMs, Out out) {
        if (request instanceof ClientRequest.PlaceBet p) {
            queueIntent(requestId, Intent.newBuilder().setPlaceBet(io.dicemesh.protocol.PlaceBet.newBuilder()
                    .setType(GameProtos.wire(p.kind())).setAmount(p.amount()).setNumber(p.number())
                    .setOnBet(p.onBet())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.TakeDown d) {
            queueIntent(requestId, Intent.newBuilder().setTakeDown(io.dicemesh.protocol.TakeDown.newBuilder()
                    .setBetId(d.betId())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.Transfer t) {
            queueIntent(requestId, Intent.newBuilder().setTransfer(io.dicemesh.protocol.Transfer.newBuilder()
                    .setTo(t.to().byteString()).setAmount(t.amount())).build(), nowMs, out);
        } else if (request instanceof ClientRequest.Leave) {
            queueIntent(requestId, Intent.newBuilder().setLeave(io.dicemesh.protocol.Leave.getDefaultInstance())
                    .build(), nowMs, out);
        } else if (request instanceof ClientRequest.Roll) {
            requestRoll(requestId, nowMs, out);
        } else if (request instanceof ClientRequest.ShowTable) {
            out.reply(requestId, new ClientResult.TableInfo(summary(), state.toProto()));
        } else {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST, "not a table command"));
        }
        afterInput(nowMs, out);
    }

    // ------------------------------------------------------------------ client intents

    private void queueIntent(long requestId, Intent intent, long nowMs, Out out) {
        if (!isSeated()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.NOT_SEATED,
                    "this node is not seated at table " + state.id()));
            return;
        }
        if (own.pending.size() >= ctx.config.ownBatchesMax()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.BUSY, own.pending.size()
                    + " intent batches of this node await their slot at table " + state.id() + "; try again"));
            return;
        }
        own.queue.add(new OwnIntents.Queued(requestId, intent));
        if (own.queue.size() >= WireLimits.INTENTS_PER_BATCH_MAX || ctx.config.intentBatchDelayMs() <= 0) {
            flushOwn(nowMs, out);
        } else if (own.flushAtMs < 0) {
            own.flushAtMs = nowMs + ctx.config.intentBatchDelayMs();
        }
    }

    /** Signs the queued intents as one batch, makes it durable, then gossips it to every player. */
    private void flushOwn(long nowMs, Out out) {
        own.flushAtMs = -1;
        if (own.queue.isEmpty() || !isSeated()) {
            return;
        }
        int seat = mySeat();
        long batchNo = own.nextBatchNo(state.lastBatchNo(seat));
        IntentBatch.Builder batch = IntentBatch.newBuilder().setTableId(state.id().bytes())
                .setPlayer(ctx.me.byteString()).setBatchNo(batchNo);
        for (int i = 0; i < own.queue.size(); i++) {
            OwnIntents.Queued q = own.queue.get(i);
            long intentId = OwnIntents.intentId(batchNo, i);
            batch.addIntents(q.intentWithoutId().toBuilder().setIntentId(intentId));
            own.waiters.put(intentId, q.requestId());
        }
        own.queue.clear();
        Envelope env = ctx.sign(Body.newBuilder().setIntentBatch(batch).build());
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(state.id().bytes(), LedgerLayout.OWN_BATCH, batchNo), env.toByteArray())
                .build(), true);
        own.pending.put(batchNo, env);
        pool.add(seat, batchNo, state.lastBatchNo(seat), env);
        out.sendAll(state.active(), ctx.me, env);
    }

    private void onIntentBatch(Verified v, Out out) {
        IntentBatch b = v.body().getIntentBatch();
        int seat = state.seatOf(v.sender());
        if (!v.sender().matches(b.getPlayer())) {
            drop(out, v, "intent batch signed for another player");
        } else if (seat < 0 || !state.game().isActive(seat)) {
            drop(out, v, "intent batch from someone not seated");
        } else if (b.getIntentsCount() == 0 || b.getIntentsCount() > WireLimits.INTENTS_PER_BATCH_MAX) {
            drop(out, v, "intent batch with " + b.getIntentsCount() + " intents");
        } else {
            pool.add(seat, b.getBatchNo(), state.lastBatchNo(seat), v.envelope());
        }
    }

    // ------------------------------------------------------------------ dice

    private void requestRoll(long requestId, long nowMs, Out out) {
        if (!isSeated()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.NOT_SEATED,
                    "this node is not seated at table " + state.id()));
            return;
        }
        own.addRollWaiter(state.rollNo(), requestId);
        if (!state.awaitingReveals() && !dice.myCommitmentSent) {
            sendMyCommitment(nowMs, out);
        }
    }

    /** Commits to this node's nonce for the current roll (after signing any queued intents, which go first). */
    private void sendMyCommitment(long nowMs, Out out) {
        flushOwn(nowMs, out);
        byte[] nonce = DiceNonces.derive(ctx.identity, state.id().toByteArray(), state.rollNo());
        byte[] commitment = Dice.commitment(state.id().toByteArray(), state.rollNo(), ctx.me.bytes(), nonce);
        long afterBatch = own.pending.isEmpty() ? state.lastBatchNo(mySeat()) : own.pending.lastKey();
        Envelope env = ctx.sign(Body.newBuilder().setDiceCommitment(DiceCommitment.newBuilder()
                .setTableId(state.id().bytes()).setRollNo(state.rollNo())
                .setCommitment(ByteString.copyFrom(commitment)).setAfterBatchNo(afterBatch)).build());
        dice.commitments.put(ctx.me, env);
        dice.myCommitmentSent = true;
        dice.resendAtMs = nowMs + viewTimeoutMs(0);
        if (dice.commitmentsSinceMs < 0) {
            dice.commitmentsSinceMs = nowMs;
        }
        out.sendAll(state.active(), ctx.me, env);
    }

    private void sendMyReveal(long nowMs, Out out) {
        byte[] nonce = DiceNonces.derive(ctx.identity, state.id().toByteArray(), state.rollNo());
        Envelope env = ctx.sign(Body.newBuilder().setDiceReveal(DiceReveal.newBuilder()
                .setTableId(state.id().bytes()).setRollNo(state.rollNo()).setNonce(ByteString.copyFrom(nonce)))
                .build());
        dice.reveals.put(ctx.me, env);
        dice.myRevealSent = true;
        dice.resendAtMs = nowMs + viewTimeoutMs(0);
        if (dice.revealsSinceMs < 0) {
            dice.revealsSinceMs = nowMs;
        }
        out.sendAll(state.active(), ctx.me, env);
    }

    private void onCommitment(Verified v, long nowMs, Out out) {
        DiceCommitment c = v.body().getDiceCommitment();
        if (c.getRollNo() == state.rollNo() + 1) {
            defer(v); // the sender already committed this roll: keep it until we have too
            return;
        }
        if (state.awaitingReveals() || c.getRollNo() != state.rollNo()) {
            return; // a late commitment: its round is closed
        }
        if (!state.isActive(v.sender()) || c.getCommitment().size() != Sha256.BYTES) {
            drop(out, v, "commitment from someone not seated, or malformed");
            return;
        }
        dice.commitments.putIfAbsent(v.sender(), v.envelope());
        if (dice.commitmentsSinceMs < 0) {
            dice.commitmentsSinceMs = nowMs;
        }
        if (!dice.myCommitmentSent && isSeated()) {
            sendMyCommitment(nowMs, out); // a roll was asked for: every honest player joins it
        }
    }

    private void onReveal(Verified v, Out out) {
        DiceReveal r = v.body().getDiceReveal();
        if (r.getRollNo() != state.rollNo()) {
            return;
        }
        if (!state.awaitingReveals()) {
            defer(v); // the sender already committed the commitments: keep it until we have too
            return;
        }
        int index = state.active().indexOf(v.sender());
        if (index < 0 || r.getNonce().size() != WireLimits.NONCE_BYTES) {
            drop(out, v, "reveal from someone not seated, or malformed");
            return;
        }
        if (!TxValidator.matchesCommitment(state, index, v.sender(), r)) {
            evidence.record(out, EvidenceKind.EVIDENCE_BAD_DICE, v.sender(), slot.seq, slot.view, state.rollNo(),
                    List.of(state.rollCommitments().get(index), v.envelope()), "reveal does not open its commitment");
            return;
        }
        dice.reveals.putIfAbsent(v.sender(), v.envelope());
    }

    /** Names players whose commitment or reveal is overdue (observed, not proof), once per roll. */
    private void reportWithheldDice(long nowMs, Out out) {
        long limitMs = diceTimeoutMs();
        List<NodeId> missing;
        long since;
        String what;
        if (state.awaitingReveals()) {
            missing = dice.missingReveals(state.active());
            since = dice.revealsSinceMs;
            what = "reveal";
        } else {
            missing = dice.wanted() ? dice.missingCommitments(state.active()) : List.of();
            since = dice.commitmentsSinceMs;
            what = "commitment";
        }
        if (since < 0 || nowMs - since < limitMs) {
            return;
        }
        for (NodeId p : missing) {
            if (dice.reportedWithheld.add(p)) {
                evidence.record(out, EvidenceKind.EVIDENCE_WITHHELD_DICE, p, slot.seq, slot.view, state.rollNo(),
                        List.of(), "no " + what + " for roll " + state.rollNo() + " within " + limitMs + " ms");
            }
        }
    }

    // ------------------------------------------------------------------ the commit protocol

    private void onPrepare(Verified v, long nowMs, Out out) {
        Prepare p = v.body().getPrepare();
        VerifyResult pr = ctx.verify(p.getProposal());
        if (!(pr instanceof Verified pv) || pv.kind() != Body.KindCase.PROPOSAL) {
            drop(out, v, "prepare whose proposal is not signed");
            return;
        }
        Proposal prop = pv.body().getProposal();
        if (!prop.getTableId().equals(state.id().bytes()) || !pv.sender().equals(v.sender())) {
            drop(out, v, "prepare whose proposal is for another table or by another signer");
            return;
        }
        if (!state.isActive(pv.sender())) {
            drop(out, v, "prepare from someone not seated"); // also: a closed table has no coordinator
            return;
        }
        if (prop.getSeq() <= state.seq()) {
            helpBehind(v.sender(), prop.getSeq(), nowMs, out);
            return;
        }
        if (prop.getSeq() > slot.seq) {
            deferFuture(v, nowMs, out);
            return;
        }
        int view = prop.getView();
        if (!slot.acceptsView(view) || prop.getTxHash().size() != Sha256.BYTES) {
            drop(out, v, "prepare for view " + view + " out of range");
            return;
        }
        NodeId coordinator = state.coordinator(slot.seq, view);
        if (!pv.sender().equals(coordinator)) {
            evidence.record(out, EvidenceKind.EVIDENCE_WRONG_COORDINATOR, pv.sender(), slot.seq, view,
                    state.rollNo(), List.of(p.getProposal()), "proposed without being the coordinator");
            return;
        }
        markTraffic(nowMs);
        ByteString hash = prop.getTxHash();
        if (p.getTx().size() > WireLimits.TX_BYTES_MAX
                || !ByteString.copyFrom(Sha256.hash(p.getTx().toByteArray())).equals(hash)) {
            drop(out, v, "prepare whose tx does not match its hash");
            return;
        }
        // Keep the tx even from an equivocating coordinator: a later view may be forced (R3) to propose it.
        slot.rememberTx(hash, p.getTx(), v.envelope());
        Envelope known = slot.proposals.get(view);
        if (known != null && !known.equals(p.getProposal())) {
            evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, coordinator, slot.seq, view,
                    state.rollNo(), List.of(known, p.getProposal()), "two proposals for one slot and view");
            return;
        }
        slot.proposals.put(view, p.getProposal());
        if (view > 0) {
            Locks.Justified j = Locks.check(state, slot.seq, view, p.getJustificationList(), ctx::verify);
            if (!j.valid()) {
                nack(coordinator, view, NackReason.NACK_BAD_JUSTIFICATION, j.problem(), out);
                evidence.record(out, EvidenceKind.EVIDENCE_BAD_JUSTIFICATION, coordinator, slot.seq, view,
                        state.rollNo(), List.of(v.envelope()), j.problem());
                return;
            }
            learnFromJustification(j, nowMs, out);
            if (j.highestLock() != null && !j.highestLock().txHash().equals(hash)
                    && !ctx.config.has(InjectedBug.IGNORE_JUSTIFICATION_LOCKS)) {
                nack(coordinator, view, NackReason.NACK_IGNORES_LOCK, "justification shows a lock on another tx", out);
                evidence.record(out, EvidenceKind.EVIDENCE_IGNORED_LOCK, coordinator, slot.seq, view,
                        state.rollNo(), List.of(v.envelope()), "proposal ignores a lock in its justification");
                return;
            }
        }
        if (view < slot.view) {
            nack(coordinator, view, NackReason.NACK_STALE_VIEW, "this player is in view " + slot.view, out);
            return;
        }
        if (slot.votedViews.contains(view)) {
            if (slot.lock != null) {
                out.send(v.sender(), slot.lock.vote()); // it may have missed our vote
            }
            return;
        }
        if (slot.lock != null && !slot.lock.txHash().equals(hash) && !ctx.config.has(InjectedBug.LOCK_MOVES)) {
            nack(coordinator, view, NackReason.NACK_LOCKED_ON_OTHER_TX, "locked on another tx", out);
            return;
        }
        TxCheck check = validator.check(state, p.getTx());
        if (check instanceof TxCheck.Invalid bad) {
            nack(coordinator, view, bad.reason(), bad.detail(), out);
            if (bad.evidence() == EvidenceKind.EVIDENCE_FORGED_INTENT_BATCH) {
                evidence.record(out, bad.evidence(), coordinator, slot.seq, view, state.rollNo(),
                        List.of(v.envelope()), bad.detail());
            } else if (bad.evidence() != null) {
                evidence.record(out, bad.evidence(), bad.culprit(), slot.seq, view, state.rollNo(),
                        List.of(v.envelope()), bad.detail());
            }
            return;
        }
        if (!isSeated()) {
            return;
        }
        takeLock(view, hash, p.getTx(), v.envelope(), p.getProposal(), out);
        broadcastVote(nowMs, out);
    }

    /** Statuses carried by a valid justification are as good as received: learn their views and locks. */
    private void learnFromJustification(Locks.Justified j, long nowMs, Out out) {
        for (int i = 0; i < j.verified().size(); i++) {
            recordStatus(i, j.verified().get(i), j.statuses().get(i), nowMs, out, false);
        }
    }

    /** Votes YES: the lock is durable (synced) before the vote can leave. */
    private void takeLock(int view, ByteString hash, ByteString tx, Envelope prepare, Envelope proposal, Out out) {
        if (view > slot.view) {
            slot.view = view; // a valid Prepare in a higher view proves every player, us included, moved there
        }
        Envelope vote = ctx.sign(Body.newBuilder().setVote(Vote.newBuilder().setTableId(state.id().bytes())
                .setSeq(slot.seq).setView(view).setTxHash(hash)).build());
        Lock lock = new Lock(slot.seq, view, hash, tx, prepare, proposal, vote);
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(state.id().bytes(), LedgerLayout.LOCK, slot.seq),
                lock.toRecord().toByteArray()).build(), !ctx.config.has(InjectedBug.SKIP_VOTE_SYNC));
        slot.lock = lock;
        slot.votedViews.add(view);
        out.emit(new Event.Voted(state.id(), slot.seq, view, hash));
    }

    private void broadcastVote(long nowMs, Out out) {
        out.sendAll(state.active(), ctx.me, slot.lock.vote());
        slot.recordVote(myIndex(), slot.lock.txHash(), slot.lock.vote());
        checkCertificate(nowMs, out);
    }

    private void onVote(Verified v, long nowMs, Out out) {
        Vote vote = v.body().getVote();
        if (vote.getSeq() <= state.seq() && state.seatOf(v.sender()) >= 0) {
            helpBehind(v.sender(), vote.getSeq(), nowMs, out); // also a player who left: it may lack that very slot
            return;
        }
        int index = state.active().indexOf(v.sender());
        if (!vote.getTableId().equals(state.id().bytes()) || index < 0 || vote.getTxHash().size() != Sha256.BYTES) {
            drop(out, v, "vote from someone not seated, or malformed");
            return;
        }
        if (vote.getSeq() > slot.seq) {
            deferFuture(v, nowMs, out);
            return;
        }
        if (vote.getView() < 0 || vote.getView() >= Integer.MAX_VALUE / 2) {
            drop(out, v, "vote view out of range");
            return;
        }
        markTraffic(nowMs);
        for (Envelope s : slot.statusesOf(index)) {
            checkStaleVote(v.sender(), vote, v.envelope(), s, out);
        }
        Envelope conflict = slot.recordVote(index, vote.getTxHash(), v.envelope());
        if (conflict != null) {
            evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_VOTES, v.sender(), slot.seq, vote.getView(),
                    state.rollNo(), List.of(conflict, v.envelope()), "voted for two txs at one slot");
        }
        if (!slot.txByHash.containsKey(vote.getTxHash()) && slot.lock == null) {
            query(v.sender(), nowMs, out); // its reply carries the Prepare it voted on, which we never got
        }
        checkCertificate(nowMs, out);
    }

    private void checkStaleVote(NodeId player, Vote vote, Envelope voteEnv, Envelope statusEnv, Out out) {
        Status s = ((Verified) ctx.verify(statusEnv)).body().getStatus();
        Locks.ShownLock lock = Locks.shownLock(state, slot.seq, s.getView(), s, ctx::verify);
        if (lock != Locks.INVALID && Locks.contradicts(vote.getView(), vote.getTxHash(), s.getView(), lock)) {
            evidence.record(out, EvidenceKind.EVIDENCE_STALE_VOTE, player, slot.seq, vote.getView(), state.rollNo(),
                    List.of(statusEnv, voteEnv), "voted in view " + vote.getView() + " against its Status of view "
                            + s.getView());
        }
    }

    private void onStatus(Verified v, long nowMs, Out out) {
        Status s = v.body().getStatus();
        int index = state.active().indexOf(v.sender());
        if (!s.getTableId().equals(state.id().bytes()) || index < 0) {
            drop(out, v, "status from someone not seated");
            return;
        }
        if (s.getSeq() <= state.seq()) {
            helpBehind(v.sender(), s.getSeq(), nowMs, out);
            return;
        }
        if (s.getSeq() > slot.seq) {
            deferFuture(v, nowMs, out);
            return;
        }
        if (s.getView() < 1 || !slot.acceptsView(s.getView())) {
            drop(out, v, "status for view " + s.getView() + " out of range");
            return;
        }
        recordStatus(index, v, s, nowMs, out, true);
    }

    /** Records a player's Status; with {@code mayJoin}, a Status of a higher view moves this node there too. */
    private void recordStatus(int index, Verified v, Status s, long nowMs, Out out, boolean mayJoin) {
        Locks.ShownLock lock = Locks.shownLock(state, slot.seq, s.getView(), s, ctx::verify);
        if (lock == Locks.INVALID) {
            drop(out, v, "status with a lock that is not a genuine proposal");
            return;
        }
        markTraffic(nowMs);
        Envelope conflict = slot.recordStatus(index, s.getView(), v.envelope());
        if (conflict != null) {
            evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_STATUSES, v.sender(), slot.seq, s.getView(),
                    state.rollNo(), List.of(conflict, v.envelope()), "two statuses for one slot and view");
            return;
        }
        if (lock != null) {
            Envelope known = slot.proposals.get(lock.view());
            if (known != null && !known.equals(lock.proposal())) {
                evidence.record(out, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, lock.coordinator(), slot.seq,
                        lock.view(), state.rollNo(), List.of(known, lock.proposal()),
                        "two proposals for one slot and view");
            } else {
                slot.proposals.put(lock.view(), lock.proposal());
            }
        }
        for (Map.Entry<ByteString, Envelope[]> e : slot.votesByHash.entrySet()) {
            Envelope vote = e.getValue()[index];
            if (vote != null) {
                checkStaleVote(v.sender(), ((Verified) ctx.verify(vote)).body().getVote(), vote, v.envelope(), out);
            }
        }
        if (mayJoin && s.getView() > slot.view && !slot.committed && isSeated()) {
            moveToView(s.getView(), nowMs, "joined the view change of " + v.sender(), out);
        }
    }

    /** Leaves the current view: a durable Status (with this node's lock) to every player, and work resent. */
    private void moveToView(int view, long nowMs, String cause, Out out) {
        slot.view = view;
        Status.Builder st = Status.newBuilder().setTableId(state.id().bytes()).setSeq(slot.seq).setView(view);
        if (slot.lock != null) {
            st.setLockedProposal(slot.lock.proposal());
        }
        Envelope env = ctx.sign(Body.newBuilder().setStatus(st).build());
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(state.id().bytes(), LedgerLayout.STATUS, slot.seq), env.toByteArray())
                .build(), true);
        slot.myStatus = env;
        slot.recordStatus(myIndex(), view, env);
        out.sendAll(state.active(), ctx.me, env);
        out.emit(new Event.ViewChanged(state.id(), slot.seq, view, cause));
        resendWork(out);
        armDeadline(nowMs);
    }

    private void armDeadline(long nowMs) {
        long timeout = viewTimeoutMs(slot.view);
        slot.deadlineMs = nowMs + timeout;
        slot.nudgeAtMs = nowMs + timeout / 2;
    }

    /**
     * Repeats this node's vote (or its status) to every player: a peer that already committed the slot answers
     * with the certificate, and one that lost the vote gets it again, before anyone has to change view.
     */
    private void nudge(Out out) {
        if (slot.myStatus != null) {
            out.sendAll(state.active(), ctx.me, slot.myStatus); // the coordinator needs every player's
        }
        if (slot.lock != null) {
            out.sendAll(state.active(), ctx.me, slot.lock.vote());
        }
        if (slot.lock == null && slot.myStatus == null) {
            for (Envelope b : own.pending.values()) {
                out.sendAll(state.active(), ctx.me, b);
            }
        }
    }

    /**
     * While a dice round is open, this node repeats its own commitment or reveal, backing off from one view
     * timeout up to the longest, so a lost message delays the roll but never stalls it.
     */
    private void resendMyDice(long nowMs, Out out) {
        Envelope mine = state.awaitingReveals() ? dice.reveals.get(ctx.me) : dice.commitments.get(ctx.me);
        if (mine == null) {
            dice.resendAtMs = -1;
            return;
        }
        out.sendAll(state.active(), ctx.me, mine);
        dice.resendIntervalMs = Math.min(VIEW_TIMEOUT_MAX_MS, Math.max(viewTimeoutMs(0), dice.resendIntervalMs * 2));
        dice.resendAtMs = nowMs + dice.resendIntervalMs;
    }

    /** Repeats this node's uncommitted work (and the dice it holds) so the next coordinator has it. */
    private void resendWork(Out out) {
        for (Envelope b : own.pending.values()) {
            out.sendAll(state.active(), ctx.me, b);
        }
        NodeId next = state.coordinator(slot.seq, slot.view);
        if (next.equals(ctx.me)) {
            return;
        }
        Map<NodeId, Envelope> held = state.awaitingReveals() ? dice.reveals : dice.commitments;
        for (Envelope e : held.values()) {
            out.send(next, e);
        }
    }

    private void checkCertificate(long nowMs, Out out) {
        if (ctx.config.has(InjectedBug.COMMIT_BEFORE_ALL_VOTES) && slot.lock != null && !slot.committed) {
            List<Envelope> some = new ArrayList<>();
            for (Envelope v : slot.votesByHash.get(slot.lock.txHash())) {
                if (v != null) {
                    some.add(v);
                }
            }
            commit(slot.lock.tx(), slot.lock.txHash(), some, nowMs, out);
            return;
        }
        ByteString hash = slot.certifiedHash();
        if (hash == null || slot.committed) {
            return;
        }
        ByteString tx = slot.txByHash.get(hash);
        if (tx == null) {
            Envelope[] votes = slot.votesByHash.get(hash);
            for (Envelope vote : votes) {
                query(NodeId.of(vote.getSender()), nowMs, out);
            }
            return;
        }
        commit(tx, hash, List.of(slot.votesByHash.get(hash)), nowMs, out);
    }

    /** Applies a certified tx: one write of state, log entry and removals; then replies, and the next slot opens. */
    private void commit(ByteString txBytes, ByteString hash, List<Envelope> votes, long nowMs, Out out) {
        TxCheck check = validator.check(state, txBytes);
        if (!(check instanceof TxCheck.Valid valid)) {
            throw new IllegalStateException("table " + state.id() + " holds a certificate for an invalid tx at seq "
                    + slot.seq + ": " + check);
        }
        long seq = slot.seq;
        long startedMs = slot.startedMs < 0 ? nowMs : slot.startedMs;
        List<NodeId> activeBefore = state.active();
        ApplyResult result = TxApplier.apply(state, valid.tx());
        slot.committed = true;
        Certificate cert = Certificate.newBuilder().setTableId(state.id().bytes()).setSeq(seq).setTx(txBytes)
                .addAllVotes(votes).build();
        TableState after = state.toProto();
        WriteBatch.Builder wb = WriteBatch.builder()
                .put(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.STATE, state.id().bytes()),
                        after.toByteArray())
                .put(Column.TXLOG, LedgerLayout.logKey(state.id().bytes(), seq),
                        LogEntry.newBuilder().setCertificate(cert).setTxHash(hash).build().toByteArray())
                .delete(Column.PREPARED, LedgerLayout.preparedKey(state.id().bytes(), LedgerLayout.LOCK, seq))
                .delete(Column.PREPARED, LedgerLayout.preparedKey(state.id().bytes(), LedgerLayout.STATUS, seq));
        int mySeat = mySeat();
        if (mySeat >= 0) {
            for (long b : own.pending.headMap(state.lastBatchNo(mySeat), true).keySet()) {
                wb.delete(Column.PREPARED, LedgerLayout.preparedKey(state.id().bytes(), LedgerLayout.OWN_BATCH, b));
            }
            own.pending.headMap(state.lastBatchNo(mySeat), true).clear();
        }
        out.persist(wb.build(), false);
        catchUp.committed(cert);
        out.emit(new Event.SlotCommitted(state.id(), seq, txBytes, hash, result, after, startedMs, nowMs));
        replyToClients(result, out);
        pool.prune(state);
        if (result.hasRoll()) {
            dice = new DiceRound(state.rollNo());
        } else if (!activeBefore.equals(state.active())) {
            // Someone left between rolls: the round goes on without them (it is keyed by player).
            dice.commitments.keySet().retainAll(state.active());
            dice.reveals.keySet().retainAll(state.active());
        }
        slot = new Slot(state.seq() + 1, state.active().size());
        if (result.commitmentsRecorded()) {
            dice.revealsSinceMs = nowMs;
            if (isSeated()) {
                sendMyReveal(nowMs, out);
            }
        }
        if (!isSeated()) {
            failWaiters(out);
        }
        replayFuture(nowMs, out);
    }

    private void replyToClients(ApplyResult result, Out out) {
        for (ApplyResult.IntentOutcome o : result.intents()) {
            if (o.player().equals(ctx.me)) {
                Long requestId = own.waiters.remove(o.intentId());
                if (requestId != null) {
                    out.reply(requestId, new ClientResult.IntentDone(state.id(), result.seq(), o));
                }
            }
        }
        if (result.hasRoll()) {
            Map<Long, List<Long>> done = own.rollWaiters.headMap(result.roll().rollNo(), true);
            for (List<Long> ids : done.values()) {
                for (long id : ids) {
                    out.reply(id, new ClientResult.Rolled(state.id(), result.seq(), result.roll()));
                }
            }
            done.clear();
        }
    }

    /**
     * This node left the table: every request still waiting is answered, and its batches that can no longer
     * apply (signed after its Leave) are forgotten, in memory and in the ledger.
     */
    private void failWaiters(Out out) {
        ClientResult left = new ClientResult.Failed(ClientResult.Code.NOT_SEATED, "left table " + state.id());
        for (List<Long> ids : own.rollWaiters.values()) {
            for (long id : ids) {
                out.reply(id, left);
            }
        }
        own.rollWaiters.clear();
        for (long id : own.waiters.values()) {
            out.reply(id, left);
        }
        own.waiters.clear();
        for (OwnIntents.Queued q : own.queue) {
            out.reply(q.requestId(), left);
        }
        own.queue.clear();
        own.flushAtMs = -1;
        WriteBatch.Builder forget = WriteBatch.builder();
        for (long b : own.pending.keySet()) {
            forget.delete(Column.PREPARED, LedgerLayout.preparedKey(state.id().bytes(), LedgerLayout.OWN_BATCH, b));
        }
        own.pending.clear();
        out.persist(forget.build(), false);
    }

    /** Proposes the next slot when this node coordinates it and has something to propose. */
    private void maybePropose(long nowMs, Out out) {
        if (!isSeated() || slot.committed) {
            return;
        }
        int view = slot.view;
        if (!state.coordinator(slot.seq, view).equals(ctx.me) || slot.proposedViews.contains(view)
                || slot.votedViews.contains(view)) {
            return;
        }
        ByteString tx;
        List<Envelope> justification = List.of();
        if (view == 0) {
            tx = workTx();
            if (tx == null) {
                return;
            }
        } else {
            justification = slot.justification(view);
            if (justification == null) {
                return;
            }
            Locks.Justified j = Locks.check(state, slot.seq, view, justification, ctx::verify);
            if (!j.valid()) {
                throw new IllegalStateException("statuses this node accepted do not justify view " + view + ": "
                        + j.problem());
            }
            if (j.highestLock() != null && !ctx.config.has(InjectedBug.IGNORE_JUSTIFICATION_LOCKS)) {
                ByteString lockHash = j.highestLock().txHash();
                if (slot.lock != null && !slot.lock.txHash().equals(lockHash)) {
                    return; // our own lock forbids the forced tx: the table is stalled by an equivocation
                }
                tx = slot.txByHash.get(lockHash);
                if (tx == null) {
                    for (int i = 0; i < j.statuses().size(); i++) {
                        query(state.active().get(i), nowMs, out);
                    }
                    return;
                }
            } else {
                tx = workTx();
                if (tx == null && state.awaitingReveals()) {
                    return; // only the roll's reveals can fill this slot, and some are missing
                }
                if (tx == null) {
                    tx = Tx.newBuilder().setTableId(state.id().bytes()).setSeq(slot.seq)
                            .setPrevHash(state.lastHash()).build().toByteString();
                }
            }
        }
        propose(view, tx, justification, nowMs, out);
    }

    private void propose(int view, ByteString tx, List<Envelope> justification, long nowMs, Out out) {
        TxCheck check = validator.check(state, tx);
        if (check instanceof TxCheck.Invalid bad) {
            out.emit(new Event.Dropped(ctx.me, "proposal", "cannot propose an invalid tx: " + bad.detail()));
            slot.proposedViews.add(view);
            return;
        }
        ByteString hash = ((TxCheck.Valid) check).tx().hash();
        Envelope proposal = ctx.sign(Body.newBuilder().setProposal(Proposal.newBuilder()
                .setTableId(state.id().bytes()).setSeq(slot.seq).setView(view).setTxHash(hash)).build());
        Envelope prepare = ctx.sign(Body.newBuilder().setPrepare(Prepare.newBuilder().setProposal(proposal)
                .setTx(tx).addAllJustification(justification)).build());
        slot.proposedViews.add(view);
        slot.proposals.put(view, proposal);
        slot.rememberTx(hash, tx, prepare);
        markTraffic(nowMs);
        takeLock(view, hash, tx, prepare, proposal, out);
        out.emit(new Event.Proposed(state.id(), slot.seq, view, hash));
        out.sendAll(state.active(), ctx.me, prepare);
        broadcastVote(nowMs, out);
    }

    /** The tx of the work this node holds, or null when it holds none. */
    private ByteString workTx() {
        Tx.Builder tx = Tx.newBuilder().setTableId(state.id().bytes()).setSeq(slot.seq).setPrevHash(state.lastHash());
        List<NodeId> active = state.active();
        if (state.awaitingReveals()) {
            List<Envelope> reveals = dice.revealsInOrder(active);
            if (reveals == null) {
                return null;
            }
            return tx.addAllDiceReveals(reveals).build().toByteString();
        }
        List<Envelope> batches = pool.take(state, WireLimits.BATCHES_PER_TX_MAX,
                WireLimits.TX_BYTES_MAX - 64L * 1024);
        tx.addAllIntentBatches(batches);
        List<Envelope> commitments = dice.commitmentsInOrder(active);
        if (commitments != null && commitmentsReady(commitments, batches)) {
            tx.addAllDiceCommitments(commitments);
        }
        if (tx.getIntentBatchesCount() == 0 && tx.getDiceCommitmentsCount() == 0) {
            return null;
        }
        return tx.build().toByteString();
    }

    /** Every commitment's {@code after_batch_no} is met once these batches are applied. */
    private boolean commitmentsReady(List<Envelope> commitments, List<Envelope> batches) {
        List<ParsedTx.SignedBatch> signed = new ArrayList<>(batches.size());
        for (Envelope b : batches) {
            Verified v = (Verified) ctx.verify(b);
            signed.add(new ParsedTx.SignedBatch(state.seatOf(v.sender()), v.body().getIntentBatch()));
        }
        for (Envelope c : commitments) {
            Verified v = (Verified) ctx.verify(c);
            long applied = TxValidator.lastBatchAfter(state, state.seatOf(v.sender()), signed);
            if (v.body().getDiceCommitment().getAfterBatchNo() > applied) {
                return false;
            }
        }
        return true;
    }

    private void onNack(Verified v, Out out) {
        Nack n = v.body().getNack();
        if (!state.isActive(v.sender())) {
            drop(out, v, "nack from someone not seated");
            return;
        }
        out.emit(new Event.NackReceived(state.id(), v.sender(), n.getSeq(), n.getView(),
                n.getReason().name() + ": " + n.getDetail()));
    }

    private void nack(NodeId coordinator, int view, NackReason reason, String detail, Out out) {
        String d = detail.length() > 200 ? detail.substring(0, 200) : detail;
        out.send(coordinator, ctx.sign(Body.newBuilder().setNack(Nack.newBuilder().setTableId(state.id().bytes())
                .setSeq(slot.seq).setView(view).setReason(reason).setDetail(d)).build()));
    }

    // ------------------------------------------------------------------ catch-up and termination

    private void query(NodeId peer, long nowMs, Out out) {
        if (peer.equals(ctx.me) || !catchUp.mayQuery(peer, nowMs, catchUpIntervalMs())) {
            return;
        }
        out.send(peer, ctx.sign(Body.newBuilder().setCertificateQuery(CertificateQuery.newBuilder()
                .setTableId(state.id().bytes()).setFromSeq(state.seq() + 1)
                .setMaxCount(WireLimits.CERTIFICATES_PER_REPLY_MAX)).build()));
    }

    /** A peer spoke about a slot this node already committed: send it the certificates it lacks. */
    private void helpBehind(NodeId peer, long fromSeq, long nowMs, Out out) {
        if (catchUp.mayHelp(peer, nowMs, catchUpIntervalMs())) {
            sendCertificates(peer, fromSeq, WireLimits.CERTIFICATES_PER_REPLY_MAX, out);
        }
    }

    /** Answers players (current or former) only, at most a few times per view timeout each. */
    private void onCertificateQuery(Verified v, long nowMs, Out out) {
        if (state.seatOf(v.sender()) < 0) {
            drop(out, v, "certificate query from someone who never sat at the table");
            return;
        }
        if (!catchUp.mayAnswer(v.sender(), nowMs, catchUpIntervalMs() / 2)) {
            return;
        }
        CertificateQuery q = v.body().getCertificateQuery();
        int count = Math.max(1, Math.min(q.getMaxCount(), WireLimits.CERTIFICATES_PER_REPLY_MAX));
        sendCertificates(v.sender(), q.getFromSeq(), count, out);
    }

    private void sendCertificates(NodeId peer, long fromSeq, int count, Out out) {
        CertificateReply.Builder reply = CertificateReply.newBuilder().setTableId(state.id().bytes())
                .setLastSeq(state.seq()).addAllCertificates(catchUp.certificates(fromSeq, state.seq(), count));
        if (slot.lock != null) {
            reply.setPrepare(slot.lock.prepare());
        } else if (!slot.preparesByTxHash.isEmpty()) {
            reply.setPrepare(slot.preparesByTxHash.values().iterator().next());
        }
        out.send(peer, ctx.sign(Body.newBuilder().setCertificateReply(reply).build()));
    }

    private void onCertificateReply(Verified v, long nowMs, Out out) {
        CertificateReply reply = v.body().getCertificateReply();
        boolean progress = false;
        for (Certificate c : reply.getCertificatesList()) {
            if (c.getSeq() <= state.seq()) {
                continue;
            }
            List<Envelope> votes = CatchUp.checkCertificate(state, c, ctx::verify);
            if (votes == null) {
                drop(out, v, "certificate for seq " + c.getSeq() + " does not prove its slot");
                break;
            }
            commit(c.getTx(), ByteString.copyFrom(Sha256.hash(c.getTx().toByteArray())), votes, nowMs, out);
            progress = true;
        }
        if (reply.hasPrepare()) {
            VerifyResult r = ctx.verify(reply.getPrepare());
            if (r instanceof Verified p && p.kind() == Body.KindCase.PREPARE) {
                onPrepare(p, nowMs, out);
            }
        }
        if (progress) {
            catchUp.forgetQuery(v.sender());
        }
        if (reply.getLastSeq() > state.seq()) {
            query(v.sender(), nowMs, out);
        }
    }

    /** Keeps a message about a later slot, to handle once this node has committed up to it; asks for the gap. */
    private void deferFuture(Verified v, long nowMs, Out out) {
        defer(v);
        query(v.sender(), nowMs, out);
    }

    private void defer(Verified v) {
        if (future.size() < FUTURE_MAX) {
            future.add(v);
        }
    }

    private void replayFuture(long nowMs, Out out) {
        if (future.isEmpty()) {
            return;
        }
        List<Verified> pending = new ArrayList<>(future);
        future.clear();
        for (Verified v : pending) {
            onMessage(v, v.sender(), nowMs, out);
        }
    }

    // ------------------------------------------------------------------ timers and bookkeeping

    private void afterInput(long nowMs, Out out) {
        maybePropose(nowMs, out);
        if (isSeated() && !slot.committed && slot.deadlineMs < 0 && interested()) {
            armDeadline(nowMs);
        }
        long wake = nextWakeMs();
        if (wake >= 0 && (wake != lastWakeMs || lastWakeMs <= nowMs)) {
            lastWakeMs = wake;
            out.timer(timerKey, Math.max(wake, nowMs + 1)); // never a timer in the past: it would spin
        }
    }

    /** True when this node expects the open slot to commit: it has seen the slot start or holds work for it. */
    private boolean interested() {
        if (slot.sawTraffic) {
            return true;
        }
        List<NodeId> active = state.active();
        if (state.awaitingReveals()) {
            return dice.revealsInOrder(active) != null; // intents wait until the roll is done
        }
        return !own.pending.isEmpty() || pool.hasEligible(state) || dice.commitmentsInOrder(active) != null;
    }

    private long nextWakeMs() {
        long wake = -1;
        wake = earliest(wake, slot.committed ? -1 : slot.deadlineMs);
        wake = earliest(wake, slot.committed ? -1 : slot.nudgeAtMs);
        wake = earliest(wake, dice.resendAtMs);
        wake = earliest(wake, own.flushAtMs);
        long since = state.awaitingReveals() ? dice.revealsSinceMs : dice.commitmentsSinceMs;
        List<NodeId> missing = state.awaitingReveals() ? dice.missingReveals(state.active())
                : dice.wanted() ? dice.missingCommitments(state.active()) : List.of();
        // Only while someone missing is not reported yet: past the dice timeout, this wake would lie in the past.
        if (since >= 0 && !dice.reportedWithheld.containsAll(missing)) {
            wake = earliest(wake, since + diceTimeoutMs());
        }
        return wake;
    }

    private static long earliest(long a, long b) {
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }

    private void markTraffic(long nowMs) {
        slot.sawTraffic = true;
        if (slot.startedMs < 0) {
            slot.startedMs = nowMs;
        }
    }

    long viewTimeoutMs(int view) {
        long base = Math.max(1, state.wireRules().getViewTimeoutMs());
        return Math.min(VIEW_TIMEOUT_MAX_MS, base << Math.min(view, VIEW_BACKOFF_DOUBLINGS_MAX));
    }

    private long diceTimeoutMs() {
        return Math.max(1, state.wireRules().getDiceTimeoutMs());
    }

    /** A quarter of a view timeout: a missed Prepare can be fetched, and answered, before the nudge. */
    private long catchUpIntervalMs() {
        return Math.max(1, Math.min(ctx.config.resendIntervalMs(), state.wireRules().getViewTimeoutMs() / 4));
    }

    private void drop(Out out, Verified v, String reason) {
        out.emit(new Event.Dropped(v.sender(), v.kind().name(), reason + " (table " + state.id() + ")"));
    }

    private boolean isSeated() {
        return state.isActive(ctx.me);
    }

    private int mySeat() {
        return state.seatOf(ctx.me);
    }

    private int myIndex() {
        return state.active().indexOf(ctx.me);
    }

    // ------------------------------------------------------------------ reads

    TableId id() {
        return state.id();
    }

    TableModel model() {
        return state;
    }

    TableState snapshot() {
        return state.toProto();
    }

    List<io.dicemesh.protocol.Evidence> evidence() {
        return evidence.recent();
    }

    int currentView() {
        return slot.view;
    }

    ByteString lockedTxHash() {
        return slot.lock == null ? null : slot.lock.txHash();
    }

    /** The protocol's internal state in one line, for diagnosing a stalled table. */
    String debugState() {
        return "seq=" + state.seq() + " slot=" + slot.seq + " view=" + slot.view + " deadline=" + slot.deadlineMs
                + " nudge=" + slot.nudgeAtMs + " traffic=" + slot.sawTraffic + " committed=" + slot.committed
                + " lock=" + (slot.lock == null ? "none" : "v" + slot.lock.view()) + " votes=" + slot.votesByHash.size()
                + " statusViews=" + slot.statuses.keySet() + " pool=" + pool.size() + " eligible="
                + pool.hasEligible(state) + " ownPending=" + own.pending.keySet() + " queue=" + own.queue.size()
                + " roll=" + state.rollNo() + " awaitingReveals=" + state.awaitingReveals() + " commitments="
                + dice.commitments.size() + " reveals=" + dice.reveals.size() + " mySent=" + dice.myCommitmentSent
                + "/" + dice.myRevealSent + " diceResend=" + dice.resendAtMs + " future=" + future.size()
                + " lastBatch=" + (mySeat() >= 0 ? state.lastBatchNo(mySeat()) : -1) + " wake=" + lastWakeMs;
    }

    /** True while this node has work at the table that has not committed (a slot it joined, or own intents). */
    boolean inFlight() {
        return isSeated() && ((slot.sawTraffic && !slot.committed) || !own.pending.isEmpty() || !own.queue.isEmpty()
                || (state.awaitingReveals() && dice.myRevealSent));
    }

    /** True when a slot is open with a lock but no certificate yet: the outcome is fixed but not known here. */
    boolean inDoubt() {
        return slot.lock != null && !slot.committed;
    }

    ClientResult.TableSummary summary() {
        int seat = mySeat();
        String status = state.closed() ? "closed" : isSeated() ? "active" : "left";
        return new ClientResult.TableSummary(state.id(), status, state.seats(), state.seq(), state.rollNo(),
                state.game().point(), seat >= 0 ? state.game().stack(seat) : 0, state.seats().size());
    }
}
