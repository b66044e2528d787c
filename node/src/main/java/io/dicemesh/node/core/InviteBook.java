package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables this node holds an invite for and that have not started yet (seq 0 in progress), and accepts that
 * arrived before their invite. Any key that completes a handshake can send invites, so the book is bounded: at
 * most {@link #PENDING_TABLES_MAX} invites, at most {@link NodeEngineLimits#PENDING_INVITES_PER_CREATOR_MAX} of one
 * creator that this node has not accepted, and a new invite may push out only the oldest invite this node has
 * not accepted, never one it created or accepted. Accepts waiting for their invite are bounded per sender and in
 * all. Only the players of accepted invites are peers this node dials.
 */
final class InviteBook {
    /** Invites held at once. */
    static final int PENDING_TABLES_MAX = 128;
    /** Accepts held for tables whose invite has not arrived yet, and per sender. */
    static final int ORPHAN_ACCEPTS_MAX = 64;
    static final int ORPHAN_ACCEPTS_PER_SENDER_MAX = 4;

    /** What became of an invite offered to the book. */
    enum Outcome {
        ADMITTED, CREATOR_HAS_TOO_MANY, BOOK_FULL
    }

    /** The outcome, and the table pushed out to make room (its ledger record must go too), if any. */
    record Admission(Outcome outcome, TableId evicted) {
    }

    private record OrphanKey(TableId table, NodeId sender) {
    }

    private final NodeId me;
    private final LinkedHashMap<TableId, PendingTable> pending = new LinkedHashMap<>();
    private final LinkedHashMap<OrphanKey, Verified> orphans = new LinkedHashMap<>();

    InviteBook(NodeId me) {
        this.me = me;
    }

    PendingTable get(TableId id) {
        return pending.get(id);
    }

    boolean contains(TableId id) {
        return pending.containsKey(id);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    Collection<PendingTable> tables() {
        return pending.values();
    }

    void remove(TableId id) {
        pending.remove(id);
    }

    /** A table this node creates itself: always held (it is accepted by its creator at once). */
    void addOwn(PendingTable table) {
        pending.put(table.id, table);
    }

    /** Re-installs an invite from the ledger after a restart, under the same bounds as one that arrives. */
    Admission restore(PendingTable table) {
        return admit(table);
    }

    /** Offers a new invite from someone else: held within the bounds above, or refused. */
    Admission admit(PendingTable table) {
        if (!accepted(table)) {
            int ofCreator = 0;
            for (PendingTable p : pending.values()) {
                ofCreator += p.creator().equals(table.creator()) && !accepted(p) ? 1 : 0;
            }
            if (ofCreator >= NodeEngineLimits.PENDING_INVITES_PER_CREATOR_MAX) {
                return new Admission(Outcome.CREATOR_HAS_TOO_MANY, null);
            }
        }
        TableId evicted = null;
        if (pending.size() >= PENDING_TABLES_MAX) {
            for (Iterator<PendingTable> it = pending.values().iterator(); it.hasNext(); ) {
                PendingTable oldest = it.next();
                if (!accepted(oldest)) {
                    it.remove();
                    evicted = oldest.id;
                    break;
                }
            }
            if (evicted == null) {
                return new Admission(Outcome.BOOK_FULL, null);
            }
        }
        pending.put(table.id, table);
        adoptOrphans(table);
        return new Admission(Outcome.ADMITTED, evicted);
    }

    /** True when this node accepted (or created) the table: it is the node's own and never pushed out. */
    boolean accepted(PendingTable table) {
        return table.accepts.containsKey(me);
    }

    /** Keeps an accept whose invite has not arrived, within the bounds; the oldest is forgotten when full. */
    void holdOrphan(Verified accept, TableId table) {
        OrphanKey key = new OrphanKey(table, accept.sender());
        if (orphans.containsKey(key)) {
            return;
        }
        int ofSender = 0;
        for (OrphanKey k : orphans.keySet()) {
            ofSender += k.sender().equals(accept.sender()) ? 1 : 0;
        }
        if (ofSender >= ORPHAN_ACCEPTS_PER_SENDER_MAX) {
            return;
        }
        if (orphans.size() >= ORPHAN_ACCEPTS_MAX) {
            orphans.remove(orphans.keySet().iterator().next());
        }
        orphans.put(key, accept);
    }

    private void adoptOrphans(PendingTable table) {
        List<OrphanKey> adopted = new ArrayList<>();
        for (var e : orphans.entrySet()) {
            if (e.getKey().table().equals(table.id)) {
                adopted.add(e.getKey());
                if (table.players.contains(e.getKey().sender())) {
                    table.accepts.putIfAbsent(e.getKey().sender(), e.getValue().envelope());
                }
            }
        }
        adopted.forEach(orphans::remove);
    }

    /** The players of every invite this node accepted: the peers it keeps connections to for them. */
    Set<NodeId> acceptedPlayers() {
        Set<NodeId> out = new TreeSet<>();
        for (PendingTable p : pending.values()) {
            if (accepted(p)) {
                out.addAll(p.players);
            }
        }
        return out;
    }

    /** The most {@link #heldBytes} can be: every invite and accept at the largest size its kind allows. */
    static long heldBytesMax() {
        long invite = WireLimits.GENESIS_BYTES_MAX + WireLimits.SMALL_MESSAGE_BYTES_MAX + 128L
                + 2L * WireLimits.GENESIS_BYTES_MAX;
        long accepts = WireLimits.PLAYERS_PER_TABLE_MAX * (WireLimits.SMALL_MESSAGE_BYTES_MAX + 128L);
        return PENDING_TABLES_MAX * (invite + accepts) + ORPHAN_ACCEPTS_MAX * (2L * WireLimits.SMALL_MESSAGE_BYTES_MAX
                + 128);
    }

    /** Bytes held for invites and accepts. */
    long heldBytes() {
        long bytes = 0;
        for (PendingTable p : pending.values()) {
            bytes += Envelopes.heldBytes(p.invite) + 2L * p.genesis.getSerializedSize();
            for (Envelope a : p.accepts.values()) {
                bytes += Envelopes.heldBytes(a);
            }
        }
        for (Verified v : orphans.values()) {
            bytes += Envelopes.heldBytesParsed(v.envelope());
        }
        return bytes;
    }
}
