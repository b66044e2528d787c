package io.dicemesh.node.core;

import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signed intent batches of the table's players that are not yet committed, as a coordinator includes them: in
 * arrival order, each player's batches only in batch-number order with no gap. Bounded per player.
 */
final class IntentPool {
    /** Most batches kept per player beyond its last applied one. */
    static final int AHEAD_MAX = 64;

    private record Key(int seat, long batchNo) {
    }

    /** Arrival order of every batch held. */
    private final Map<Key, Envelope> byArrival = new LinkedHashMap<>();
    private final Map<Integer, TreeMap<Long, Envelope>> bySeat = new TreeMap<>();

    /** Adds a verified batch; false when it is stale, too far ahead, or already held. */
    boolean add(int seat, long batchNo, long lastApplied, Envelope batch) {
        if (batchNo <= lastApplied || batchNo > lastApplied + AHEAD_MAX) {
            return false;
        }
        Key key = new Key(seat, batchNo);
        if (byArrival.containsKey(key)) {
            return false;
        }
        byArrival.put(key, batch);
        bySeat.computeIfAbsent(seat, s -> new TreeMap<>()).put(batchNo, batch);
        return true;
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
     * {@code batchesMax} batches and {@code bytesMax} serialized bytes.
     */
    List<Envelope> take(TableModel state, int batchesMax, long bytesMax) {
        Map<Integer, Long> next = new TreeMap<>();
        List<Envelope> out = new ArrayList<>();
        List<Key> waiting = new ArrayList<>(byArrival.keySet());
        long bytes = 0;
        boolean progress = true;
        while (progress && out.size() < batchesMax) {
            progress = false;
            for (Iterator<Key> it = waiting.iterator(); it.hasNext() && out.size() < batchesMax; ) {
                Key k = it.next();
                if (!state.game().isActive(k.seat())) {
                    it.remove();
                    continue;
                }
                long expected = next.computeIfAbsent(k.seat(), s -> state.lastBatchNo(s) + 1);
                if (k.batchNo() != expected) {
                    continue;
                }
                Envelope batch = byArrival.get(k);
                long size = batch.getSerializedSize() + 8L;
                if (bytes + size > bytesMax) {
                    return out;
                }
                bytes += size;
                out.add(batch);
                next.put(k.seat(), expected + 1);
                it.remove();
                progress = true;
            }
        }
        return out;
    }

    /** Forgets batches that are applied, or whose player left. */
    void prune(TableModel state) {
        byArrival.keySet().removeIf(k -> k.batchNo() <= state.lastBatchNo(k.seat()) || !state.game().isActive(k.seat()));
        for (Map.Entry<Integer, TreeMap<Long, Envelope>> e : bySeat.entrySet()) {
            int seat = e.getKey();
            if (!state.game().isActive(seat)) {
                e.getValue().clear();
            } else {
                e.getValue().headMap(state.lastBatchNo(seat), true).clear();
            }
        }
    }

    int size() {
        return byArrival.size();
    }
}
