package io.dicemesh.node.core;

import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signed intent batches of the table's players that are not yet committed, as a coordinator includes them: in
 * arrival order, each player's batches only in batch-number order with no gap. Bounded per player in count and
 * bytes, so no player can crowd out the others; and a batch that does not fit a tx's remaining room is passed
 * over, never blocking the batches of the others behind it.
 */
final class IntentPool {
    /** Most batches kept per player beyond its last applied one. */
    static final int AHEAD_MAX = 64;
    /** Bytes of batches kept per player: room for several of the largest batches a player may sign. */
    static final long BYTES_PER_PLAYER_MAX = 1L << 20;

    /** What {@link #add} did with a batch. */
    enum Added {
        ADDED, ALREADY_HELD, STALE, NO_ROOM
    }

    private record Key(int seat, long batchNo) {
    }

    /** Arrival order of every batch held. */
    private final Map<Key, Envelope> byArrival = new LinkedHashMap<>();
    private final Map<Integer, TreeMap<Long, Envelope>> bySeat = new TreeMap<>();
    private final Map<Integer, Long> bytesBySeat = new HashMap<>();

    /** Adds a verified batch of the player at {@code seat}, unless stale, too far ahead, held, or over its share. */
    Added add(int seat, long batchNo, long lastApplied, Envelope batch) {
        if (batchNo <= lastApplied || batchNo > lastApplied + AHEAD_MAX) {
            return Added.STALE;
        }
        Key key = new Key(seat, batchNo);
        if (byArrival.containsKey(key)) {
            return Added.ALREADY_HELD;
        }
        long size = Envelopes.heldBytes(batch);
        long used = bytesBySeat.getOrDefault(seat, 0L);
        if (used + size > BYTES_PER_PLAYER_MAX) {
            return Added.NO_ROOM;
        }
        byArrival.put(key, batch);
        bySeat.computeIfAbsent(seat, s -> new TreeMap<>()).put(batchNo, batch);
        bytesBySeat.put(seat, used + size);
        return Added.ADDED;
    }

    /** True when some player's next batch is held: a coordinator has work. */
    boolean hasEligible(TableModel state) {
        for (Map.Entry<Integer, TreeMap<Long, Envelope>> e : bySeat.entrySet()) {
            int seat = e.getKey();
            if (state.game().isActive(seat) && e.getValue().containsKey(state.lastBatchNo(seat) + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Batches for the next tx: arrival order, each player's next batch numbers in sequence, at most
     * {@code batchesMax} batches and {@code bytesMax} serialized bytes. A batch that does not fit is left for a
     * later tx (with its player's later batches, which must follow it); the others' batches still go in.
     */
    List<Envelope> take(TableModel state, int batchesMax, long bytesMax) {
        Map<Integer, Long> next = new TreeMap<>();
        List<Integer> passedOver = new ArrayList<>();
        List<Envelope> out = new ArrayList<>();
        List<Key> waiting = new ArrayList<>(byArrival.keySet());
        long bytes = 0;
        boolean progress = true;
        while (progress && out.size() < batchesMax) {
            progress = false;
            for (Iterator<Key> it = waiting.iterator(); it.hasNext() && out.size() < batchesMax; ) {
                Key k = it.next();
                if (!state.game().isActive(k.seat()) || passedOver.contains(k.seat())) {
                    it.remove();
                    continue;
                }
                long expected = next.computeIfAbsent(k.seat(), s -> state.lastBatchNo(s) + 1);
                if (k.batchNo() != expected) {
                    continue;
                }
                Envelope batch = byArrival.get(k);
                long size = batch.getSerializedSize() + 8L;
                it.remove();
                if (bytes + size > bytesMax) {
                    passedOver.add(k.seat());
                    continue;
                }
                bytes += size;
                out.add(batch);
                next.put(k.seat(), expected + 1);
                progress = true;
            }
        }
        return out;
    }

    /** Forgets batches that are applied, or whose player left. */
    void prune(TableModel state) {
        for (Iterator<Map.Entry<Key, Envelope>> it = byArrival.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Envelope> e = it.next();
            Key k = e.getKey();
            if (k.batchNo() <= state.lastBatchNo(k.seat()) || !state.game().isActive(k.seat())) {
                it.remove();
                bySeat.get(k.seat()).remove(k.batchNo());
                bytesBySeat.merge(k.seat(), -Envelopes.heldBytes(e.getValue()), Long::sum);
            }
        }
    }

    int size() {
        return byArrival.size();
    }

    long heldBytes() {
        long bytes = 0;
        for (long b : bytesBySeat.values()) {
            bytes += b;
        }
        return bytes;
    }
}
