package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;

/**
 * What the core asks its driver to do, in order. Write-ahead rule: the driver makes a Persist durable (when
 * {@code sync}) before it performs any Send that follows it in the same output.
 */
public sealed interface Effect {
    /** Write the batch atomically; with sync, durably before any later Send. */
    record Persist(WriteBatch batch, boolean sync) implements Effect {
    }

    /** Send one envelope to a peer (possibly an envelope signed by someone else, forwarded verbatim). */
    record Send(NodeId to, Envelope envelope) implements Effect {
    }

    /** Deliver a Tick at or after atMs. A later SetTimer with the same key replaces the earlier one. */
    record SetTimer(String key, long atMs) implements Effect {
    }

    /** Answer a client command. */
    record Reply(long requestId, ClientResult result) implements Effect {
    }

    /** Something observers (logs, metrics, simulator checkers) may want to know; changes nothing. */
    record Emit(Event event) implements Effect {
    }
}
