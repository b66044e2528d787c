package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
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

    /**
     * Sends one envelope, unless it is over the frame limit: then no peer could take it, and the core says so
     * with an {@link Event.Unsendable} (counted and logged by the driver) instead of a Send that would vanish.
     */
    void send(NodeId to, Envelope envelope) {
        int bytes = envelope.getSerializedSize();
        if (bytes > WireLimits.FRAME_BYTES_MAX) {
            effects.add(new Effect.Emit(new Event.Unsendable(to, NodeId.isWellFormed(envelope.getSender())
                    ? NodeId.of(envelope.getSender()) : null, bytes)));
            return;
        }
        effects.add(new Effect.Send(to, envelope));
    }

    /** Sends to every node in {@code to} but {@code except} (this node). */
    void sendAll(Collection<NodeId> to, NodeId except, Envelope envelope) {
        for (NodeId peer : to) {
            if (!peer.equals(except)) {
                send(peer, envelope);
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
