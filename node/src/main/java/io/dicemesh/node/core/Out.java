package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects the effects of handling one input, in order. */
final class Out {
    private final List<Effect> effects = new ArrayList<>();

    void persist(WriteBatch batch, boolean sync) {
        if (!batch.isEmpty()) {
            effects.add(new Effect.Persist(batch, sync));
        }
    }

    void send(NodeId to, Envelope envelope) {
        effects.add(new Effect.Send(to, envelope));
    }

    /** Sends to every node in {@code to} but {@code except} (this node). */
    void sendAll(Collection<NodeId> to, NodeId except, Envelope envelope) {
        for (NodeId peer : to) {
            if (!peer.equals(except)) {
                effects.add(new Effect.Send(peer, envelope));
            }
        }
    }

    void timer(String key, long atMs) {
        effects.add(new Effect.SetTimer(key, atMs));
    }

    void reply(long requestId, ClientResult result) {
        effects.add(new Effect.Reply(requestId, result));
    }

    void emit(Event event) {
        effects.add(new Effect.Emit(event));
    }

    List<Effect> drain() {
        List<Effect> copy = List.copyOf(effects);
        effects.clear();
        return copy;
    }
}
