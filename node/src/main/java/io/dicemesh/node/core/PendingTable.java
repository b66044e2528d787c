package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.GenesisRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A table whose genesis this node holds but not every player has accepted yet (seq 0 in progress). */
final class PendingTable {
    final TableId id;
    final Envelope invite;
    final Genesis genesis;
    final List<NodeId> players;
    final Map<NodeId, Envelope> accepts = new LinkedHashMap<>();
    long lastResendMs = -1;

    PendingTable(TableId id, Envelope invite, Genesis genesis) {
        this.id = id;
        this.invite = invite;
        this.genesis = genesis;
        List<NodeId> p = new ArrayList<>();
        genesis.getSeatsList().forEach(s -> p.add(NodeId.of(s.getPlayer())));
        this.players = List.copyOf(p);
    }

    NodeId creator() {
        return NodeId.of(genesis.getCreator());
    }

    boolean complete() {
        return accepts.keySet().containsAll(players);
    }

    /** The record of seq 0: the invite and every accept in player order (whatever is held so far). */
    GenesisRecord record() {
        GenesisRecord.Builder r = GenesisRecord.newBuilder().setInvite(invite);
        for (NodeId p : players) {
            Envelope a = accepts.get(p);
            if (a != null) {
                r.addAccepts(a);
            }
        }
        return r.build();
    }
}
