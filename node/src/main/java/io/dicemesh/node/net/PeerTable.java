package io.dicemesh.node.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.protocol.Body;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What this node knows about other nodes: each one's newest signed PeerRecord (its address) and which peers the
 * node wants to stay connected to. Bounded: at most {@link #KNOWN_PEERS_MAX} records; when full, a newer record
 * replaces the oldest one of a peer that is neither wanted nor connected, or is dropped. Thread-safe.
 */
final class PeerTable {
    /** Most peer records kept. */
    static final int KNOWN_PEERS_MAX = 1024;

    /** A peer's newest verified record. */
    record Known(String addr, long seenAtMs, Envelope record) {
    }

    /** What {@link #offer} did. */
    enum Offer {
        /** The record is newer than what was known (or the first) and is kept. */
        LEARNED,
        /** A record at least as new is already kept. */
        STALE,
        /** The table is full of peers that must be kept; the record was dropped. */
        FULL
    }

    private final NodeId self;
    private final int capacity;
    private final Predicate<NodeId> connected;
    private final Map<NodeId, Known> known = new HashMap<>();
    private Set<NodeId> wanted = Set.of();

    /** @param connected tells whether a peer currently has a bound channel (such peers are never evicted) */
    PeerTable(NodeId self, int capacity, Predicate<NodeId> connected) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.self = self;
        this.capacity = capacity;
        this.connected = connected;
    }

    /** Keeps a verified record if it is newer than the one known for that peer (newest seen_at wins). */
    synchronized Offer offer(NodeId peer, String addr, long seenAtMs, Envelope record) {
        if (peer.equals(self)) {
            return Offer.STALE;
        }
        Known old = known.get(peer);
        if (old != null && old.seenAtMs() >= seenAtMs) {
            return Offer.STALE;
        }
        if (old == null && known.size() >= capacity && !evictOne()) {
            return Offer.FULL;
        }
        known.put(peer, new Known(addr, seenAtMs, record));
        return Offer.LEARNED;
    }

    /** True when exactly this envelope is the record kept for its sender (so it needs no second verification). */
    synchronized boolean holds(Envelope record) {
        if (!NodeId.isWellFormed(record.getSender())) {
            return false;
        }
        Known k = known.get(NodeId.of(record.getSender()));
        return k != null && k.record().equals(record);
    }

    /**
     * True when a record at least as new as this one's claimed {@code seen_at} is kept for the node it claims to
     * describe. Read from the unverified body: a record that claims no more than what is known would be ignored
     * even if genuine, so it needs no signature check (a replayed old record costs nothing).
     */
    synchronized boolean hasAtLeastAsNew(Envelope record) {
        if (!NodeId.isWellFormed(record.getSender())) {
            return false;
        }
        Known k = known.get(NodeId.of(record.getSender()));
        if (k == null) {
            return false;
        }
        try {
            Body body = Body.parseFrom(record.getBody());
            return body.hasPeerRecord() && body.getPeerRecord().getSeenAtMs() <= k.seenAtMs();
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    synchronized String addressOf(NodeId peer) {
        Known k = known.get(peer);
        return k == null ? null : k.addr();
    }

    synchronized Map<NodeId, String> addresses() {
        Map<NodeId, String> out = new HashMap<>();
        known.forEach((id, k) -> out.put(id, k.addr()));
        return Map.copyOf(out);
    }

    /** The signed records of the {@code max} peers seen most recently. */
    synchronized List<Envelope> newestRecords(int max) {
        List<Known> all = new ArrayList<>(known.values());
        all.sort(Comparator.comparingLong(Known::seenAtMs).reversed());
        List<Envelope> out = new ArrayList<>(Math.min(max, all.size()));
        for (int i = 0; i < all.size() && i < max; i++) {
            out.add(all.get(i).record());
        }
        return out;
    }

    synchronized void setWanted(Set<NodeId> peers) {
        Set<NodeId> copy = new HashSet<>(peers);
        copy.remove(self);
        wanted = Set.copyOf(copy);
    }

    synchronized Set<NodeId> wanted() {
        return wanted;
    }

    synchronized int size() {
        return known.size();
    }

    private boolean evictOne() {
        NodeId victim = null;
        long oldest = Long.MAX_VALUE;
        for (var e : known.entrySet()) {
            NodeId id = e.getKey();
            if (e.getValue().seenAtMs() < oldest && !wanted.contains(id) && !connected.test(id)) {
                oldest = e.getValue().seenAtMs();
                victim = id;
            }
        }
        if (victim == null) {
            return false;
        }
        known.remove(victim);
        return true;
    }
}
