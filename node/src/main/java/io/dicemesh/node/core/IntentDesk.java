package io.dicemesh.node.core;

import io.dicemesh.crypto.Verified;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.WireLimits;
import java.util.List;
import java.util.Map;

/** This node's client side of a table: queueing, signing and gossiping its intents, and answering its clients. */
final class IntentDesk {
    private final TableContext t;

    IntentDesk(TableContext t) {
        this.t = t;
    }

    void queueIntent(long requestId, Intent intent, long nowMs, Out out) {
        queueIntents(requestId, List.of(intent), false, nowMs, out);
    }

    /**
     * Queues intents for this node's next batch. With {@code together} they are one request's (a batch of bets):
     * they go in one batch, so they commit in one slot, and the request is answered once, with all outcomes.
     */
    void queueIntents(long requestId, List<Intent> intents, boolean together, long nowMs, Out out) {
        if (!t.isSeated()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.NOT_SEATED,
                    "this node is not seated at table " + t.state.id()));
            return;
        }
        // a request's intents never straddle two batches: when they do not fit beside the queued ones, those are
        // signed first, so this request may add two batches
        boolean flushFirst = !t.own.queue.isEmpty()
                && t.own.queue.size() + intents.size() > WireLimits.INTENTS_PER_BATCH_MAX;
        String busy = null;
        if (t.own.pending.size() + (flushFirst ? 2 : 1) > t.node.config.ownBatchesMax()) {
            busy = t.own.pending.size() + " intent batches of this node await their slot";
        } else if (t.own.pendingBytes() >= OwnIntents.PENDING_BYTES_MAX) {
            busy = t.own.pendingBytes() / 1024 + " KiB of this node's intent batches await their slot";
        } else if (t.own.waiters.size() + t.own.queue.size() + intents.size() > OwnIntents.INTENTS_IN_FLIGHT_MAX) {
            busy = (t.own.waiters.size() + t.own.queue.size()) + " intents of this node await their slot";
        }
        if (busy != null) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.BUSY, busy + " at table " + t.state.id()
                    + "; try again"));
            return;
        }
        if (flushFirst) {
            flushOwn(nowMs, out);
        }
        if (together) {
            t.own.groups.put(requestId, new OwnIntents.Group(intents.size()));
        }
        for (Intent intent : intents) {
            t.own.queue.add(new OwnIntents.Queued(requestId, intent));
        }
        if (t.own.queue.size() >= WireLimits.INTENTS_PER_BATCH_MAX || t.node.config.intentBatchDelayMs() <= 0) {
            flushOwn(nowMs, out);
        } else if (!t.own.flush.armed()) {
            t.own.flush.armAt(nowMs + t.node.config.intentBatchDelayMs());
        }
    }

    /**
     * {@code table leave}: at once between rolls; during a roll (its commitments sent or its reveals awaited) it is
     * held and takes effect once the roll commits, and meanwhile this node joins no new roll.
     */
    void requestLeave(long requestId, long nowMs, Out out) {
        if (!t.isSeated()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.NOT_SEATED,
                    "this node is not seated at table " + t.state.id()));
            return;
        }
        if (rollUnderWay()) {
            if (t.own.heldLeaves.size() >= OwnIntents.HELD_LEAVES_MAX) {
                out.reply(requestId, new ClientResult.Failed(ClientResult.Code.BUSY, t.own.heldLeaves.size()
                        + " leave requests already wait for the roll at table " + t.state.id()));
                return;
            }
            t.own.heldLeaves.add(requestId);
            return;
        }
        queueIntent(requestId, leaveIntent(), nowMs, out);
    }

    /** Once no roll is under way, the held leave requests go out (the first applies; any later one is refused). */
    void releaseHeldLeaves(long nowMs, Out out) {
        if (t.own.heldLeaves.isEmpty() || rollUnderWay() || !t.isSeated()) {
            return;
        }
        List<Long> held = new java.util.ArrayList<>(t.own.heldLeaves);
        t.own.heldLeaves.clear();
        for (long id : held) {
            queueIntent(id, leaveIntent(), nowMs, out);
        }
    }

    private boolean rollUnderWay() {
        return t.state.mayRoll() && (t.state.awaitingReveals() || t.dice.myCommitmentSent);
    }

    /** Answers every request waiting for a roll that will not happen. */
    void failRollWaiters(String why, Out out) {
        for (List<Long> ids : t.own.rollWaiters.values()) {
            for (long id : ids) {
                out.reply(id, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST, why));
            }
        }
        t.own.rollWaiters.clear();
    }

    /** The table halted: the leave requests held for a roll are answered, as every other command is. */
    void failHeldLeaves(String why, Out out) {
        for (long id : t.own.heldLeaves) {
            out.reply(id, new ClientResult.Failed(ClientResult.Code.CLOSED, why));
        }
        t.own.heldLeaves.clear();
    }

    private static Intent leaveIntent() {
        return Intent.newBuilder().setLeave(io.dicemesh.protocol.Leave.getDefaultInstance()).build();
    }

    /** Signs the queued intents as one batch, makes it durable, then gossips it to every player. */
    void flushOwn(long nowMs, Out out) {
        t.own.flush.disarm();
        if (t.own.queue.isEmpty() || !t.isSeated()) {
            return;
        }
        int seat = t.mySeat();
        long batchNo = t.own.nextBatchNo(t.state.lastBatchNo(seat));
        IntentBatch.Builder batch = IntentBatch.newBuilder().setTableId(t.state.id().bytes())
                .setPlayer(t.node.me.byteString()).setBatchNo(batchNo);
        for (int i = 0; i < t.own.queue.size(); i++) {
            OwnIntents.Queued q = t.own.queue.get(i);
            long intentId = OwnIntents.intentId(batchNo, i);
            batch.addIntents(q.intentWithoutId().toBuilder().setIntentId(intentId));
            t.own.waiters.put(intentId, q.requestId());
        }
        t.own.queue.clear();
        Envelope env = t.node.sign(Body.newBuilder().setIntentBatch(batch).build());
        Safety.check(env.getSerializedSize() <= WireLimits.INTENT_BATCH_BYTES_MAX, "own messages fit their limits",
                () -> "own batch of " + env.getSerializedSize() + " bytes");
        out.persist(WriteBatch.builder().put(Column.PREPARED,
                LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.OWN_BATCH, batchNo), env.toByteArray())
                .build(), true);
        t.own.pending.put(batchNo, env);
        t.pool.add(seat, batchNo, t.state.lastBatchNo(seat), env);
        out.sendAll(t.state.active(), t.node.me, env);
    }

    /** A seated player's batch for the pool (the gate checked signer, seat, size and number). */
    void onIntentBatch(Verified v, Out out) {
        IntentBatch b = v.body().getIntentBatch();
        int seat = t.state.seatOf(v.sender());
        IntentPool.Added added = t.pool.add(seat, b.getBatchNo(), t.state.lastBatchNo(seat), v.envelope());
        if (added == IntentPool.Added.NO_ROOM) {
            t.drop(out, v, "intent batch " + b.getBatchNo() + ": its player's share of the pool is full");
        }
    }

    /** Puts this node's own pending batches back in the pool where their share had no room before. */
    void refillPool() {
        int seat = t.mySeat();
        if (seat < 0 || !t.isSeated()) {
            return;
        }
        for (Map.Entry<Long, Envelope> b : t.own.pending.entrySet()) {
            t.pool.add(seat, b.getKey(), t.state.lastBatchNo(seat), b.getValue());
        }
    }

    void replyToClients(ApplyResult result, Out out) {
        for (ApplyResult.IntentOutcome o : result.intents()) {
            if (o.player().equals(t.node.me)) {
                if (t.own.pending.containsKey(o.batchNo())) {
                    // refused whole and still pending (a coordinator put it before an earlier batch of ours): it
                    // applies later, and only then is its request answered
                    continue;
                }
                Long requestId = t.own.waiters.remove(o.intentId());
                OwnIntents.Group group = requestId == null ? null : t.own.groups.get(requestId);
                if (group != null) {
                    group.outcomes.add(o); // a batch's outcomes come in its intents' order
                    if (group.outcomes.size() == group.size) {
                        t.own.groups.remove(requestId);
                        out.reply(requestId, new ClientResult.IntentsDone(t.state.id(), result.seq(),
                                group.outcomes));
                    }
                } else if (requestId != null) {
                    out.reply(requestId, new ClientResult.IntentDone(t.state.id(), result.seq(), o));
                }
            }
        }
        if (result.hasRoll()) {
            Map<Long, List<Long>> done = t.own.rollWaiters.headMap(result.roll().rollNo(), true);
            for (List<Long> ids : done.values()) {
                for (long id : ids) {
                    out.reply(id, new ClientResult.Rolled(t.state.id(), result.seq(), result.roll()));
                }
            }
            done.clear();
        }
    }

    /**
     * This node left the table: every request still waiting is answered, and its batches that can no longer
     * apply (signed after its Leave) are forgotten, in memory and in the ledger.
     */
    void failWaiters(Out out) {
        ClientResult left = new ClientResult.Failed(ClientResult.Code.NOT_SEATED, "left table " + t.state.id());
        for (List<Long> ids : t.own.rollWaiters.values()) {
            for (long id : ids) {
                out.reply(id, left);
            }
        }
        t.own.rollWaiters.clear();
        java.util.Set<Long> waiting = new java.util.LinkedHashSet<>(t.own.waiters.values()); // a batch's once
        for (OwnIntents.Queued q : t.own.queue) {
            waiting.add(q.requestId());
        }
        for (long id : waiting) {
            out.reply(id, left);
        }
        t.own.waiters.clear();
        t.own.groups.clear();
        t.own.queue.clear();
        for (long id : t.own.heldLeaves) {
            out.reply(id, left);
        }
        t.own.heldLeaves.clear();
        t.own.flush.disarm();
        WriteBatch.Builder forget = WriteBatch.builder();
        for (long b : t.own.pending.keySet()) {
            forget.delete(Column.PREPARED, LedgerLayout.preparedKey(t.state.id().bytes(), LedgerLayout.OWN_BATCH, b));
        }
        t.own.pending.clear();
        out.persist(forget.build(), false);
    }
}
