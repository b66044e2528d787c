package io.dicemesh.node.core;

import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This node's own side of a table: its client's intents waiting to be signed as a batch, its signed batches not
 * yet committed, and the client requests waiting for a result. Intent ids are batch_no * 4096 + index, unique per
 * (table, player) without any stored counter.
 */
final class OwnIntents {
    record Queued(long requestId, Intent intentWithoutId) {
    }

    final List<Queued> queue = new ArrayList<>();
    /** When the queued intents are signed as one batch. */
    final Timer flush = new Timer("intent-flush");
    /** Signed batches not yet applied, by batch number. */
    final TreeMap<Long, Envelope> pending = new TreeMap<>();
    /** Client request waiting for each intent's result. */
    final Map<Long, Long> waiters = new HashMap<>();
    /**
     * The requests that wait for several intents at once ({@link ClientRequest.PlaceBets}), with the outcomes
     * gathered so far: each is answered once, when its last intent's outcome is in.
     */
    final Map<Long, Group> groups = new HashMap<>();

    /** A request's outcomes as they come in, and how many it waits for. */
    static final class Group {
        final int size;
        final List<ApplyResult.IntentOutcome> outcomes = new ArrayList<>();

        Group(int size) {
            this.size = size;
        }
    }
    /** Client requests waiting for a roll, by roll number. */
    final TreeMap<Long, List<Long>> rollWaiters = new TreeMap<>();
    /** Leave requests held until the roll under way commits (DESIGN 5b: leave during a roll), oldest first. */
    final List<Long> heldLeaves = new ArrayList<>();
    /** Leave requests held at most; a further one is answered busy. */
    static final int HELD_LEAVES_MAX = 16;
    /**
     * Intents of this node's clients queued or signed and waiting for their slot, at most; a request that would
     * go past it is answered busy. With {@link #PENDING_BYTES_MAX} it bounds what a table that cannot commit keeps
     * for its own clients, and what each resend of the pending batches costs.
     */
    static final int INTENTS_IN_FLIGHT_MAX = 2 * io.dicemesh.protocol.WireLimits.INTENTS_PER_BATCH_MAX;
    /**
     * Bytes of signed, uncommitted own batches past which no new one is signed: a peer's intent pool keeps no more
     * of one player's ({@link IntentPool#BYTES_PER_PLAYER_MAX}), so more would only be resent for nothing.
     */
    static final long PENDING_BYTES_MAX = IntentPool.BYTES_PER_PLAYER_MAX;

    /** Bytes the signed, uncommitted own batches hold (as the pool counts them). */
    long pendingBytes() {
        long bytes = 0;
        for (Envelope e : pending.values()) {
            bytes += Envelopes.heldBytes(e);
        }
        return bytes;
    }
    /**
     * This node is on its way out (a Leave held, queued, or signed and not yet applied, also across a restart: the
     * signed batches are in the ledger): it asks for no roll and joins none, so its Leave never meets one.
     */
    boolean leaving() {
        if (!heldLeaves.isEmpty()) {
            return true;
        }
        for (Queued q : queue) {
            if (q.intentWithoutId().hasLeave()) {
                return true;
            }
        }
        for (Envelope b : pending.values()) {
            try {
                for (io.dicemesh.protocol.Intent i : io.dicemesh.protocol.Body.parseFrom(b.getBody()).getIntentBatch()
                        .getIntentsList()) {
                    if (i.hasLeave()) {
                        return true;
                    }
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("an own batch does not parse", e);
            }
        }
        return false;
    }

    static long intentId(long batchNo, int index) {
        return batchNo * io.dicemesh.protocol.WireLimits.INTENTS_PER_BATCH_MAX + index;
    }

    long nextBatchNo(long lastApplied) {
        long lastPending = pending.isEmpty() ? 0 : pending.lastKey();
        return Math.max(lastApplied, lastPending) + 1;
    }

    void addRollWaiter(long rollNo, long requestId) {
        rollWaiters.computeIfAbsent(rollNo, r -> new ArrayList<>()).add(requestId);
    }
}
