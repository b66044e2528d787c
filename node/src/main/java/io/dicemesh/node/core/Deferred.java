package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Messages a table keeps for a slot or dice round it has not reached yet. Only seated players' messages get here
 * (the gate checks the sender first); the store is bounded in bytes and each sender gets an equal share of it, so
 * one player cannot crowd out the others. Handed back in arrival order when the table moves on.
 */
final class Deferred {
    /** Bytes kept for later at one table, all senders together. */
    static final long BYTES_MAX = 2L << 20;
    /** Messages kept for later from one sender. */
    static final int ENTRIES_PER_SENDER_MAX = 64;

    /** A message kept, and the channel peer it came from. */
    record Kept(Verified message, NodeId from) {
    }

    private final List<Kept> held = new ArrayList<>();
    /** The signed statements held (signer and body), so a replayed copy takes no room. */
    private final Set<List<ByteString>> statements = new HashSet<>();
    private final Map<NodeId, Long> bytesBySender = new HashMap<>();
    private final Map<NodeId, Integer> countBySender = new HashMap<>();
    private long bytes;

    /**
     * Keeps {@code v} if its sender's share ({@link #BYTES_MAX} / {@code senders}) has room; false otherwise. A
     * statement already held is kept once (true).
     */
    boolean keep(Verified v, NodeId from, int senders) {
        List<ByteString> statement = statement(v);
        if (statements.contains(statement)) {
            if (from.equals(v.sender())) {
                preferSignersCopy(statement, from);
            }
            return true;
        }
        long size = Envelopes.heldBytesParsed(v.envelope());
        long share = BYTES_MAX / Math.max(1, senders);
        long used = bytesBySender.getOrDefault(v.sender(), 0L);
        int count = countBySender.getOrDefault(v.sender(), 0);
        if (used + size > share || count >= ENTRIES_PER_SENDER_MAX) {
            return false;
        }
        held.add(new Kept(v, from));
        statements.add(statement);
        bytesBySender.put(v.sender(), used + size);
        countBySender.put(v.sender(), count + 1);
        bytes += size;
        return true;
    }

    /**
     * The signer's own copy of a statement first relayed by someone else: it is handed back as the signer's, so
     * that what the node does for a sender (help, queries) goes to the signer, not to whoever relayed it first.
     */
    private void preferSignersCopy(List<ByteString> statement, NodeId signer) {
        for (int i = 0; i < held.size(); i++) {
            Kept k = held.get(i);
            if (!k.from().equals(signer) && statement(k.message()).equals(statement)) {
                held.set(i, new Kept(k.message(), signer));
                return;
            }
        }
    }

    /** What a message says and who signed it: copies relayed or replayed by anyone are the same statement. */
    private static List<ByteString> statement(Verified v) {
        return List.of(v.envelope().getSender(), v.envelope().getBody());
    }

    /** Everything kept, in arrival order; the store is empty afterwards. */
    List<Kept> drain() {
        List<Kept> out = new ArrayList<>(held);
        held.clear();
        statements.clear();
        bytesBySender.clear();
        countBySender.clear();
        bytes = 0;
        return out;
    }

    int size() {
        return held.size();
    }

    long bytes() {
        return bytes;
    }
}
