package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;

/**
 * What drives the core: a verified message, a link that came up, the passing of time, or a client's command. Time
 * comes in, never read.
 */
public sealed interface Input {
    long nowMs();

    /** A message whose envelope signature was verified; {@code from} is the peer whose channel delivered it. */
    record MessageIn(long nowMs, NodeId from, Verified message) implements Input {
    }

    /** Time passed: the driver delivers one when a timer the core asked for is due (or earlier; extra ticks are harmless). */
    record Tick(long nowMs) implements Input {
    }

    /**
     * A link to {@code peer} came up (a new connection, a reconnect, a healed partition). What this node sent while
     * the peer was unreachable is lost, so the core repeats to it what it needs for every open slot they share.
     */
    record PeerConnected(long nowMs, NodeId peer) implements Input {
    }

    /** A local client's request; answered by a {@link Effect.Reply} with the same request id. */
    record Command(long nowMs, long requestId, ClientRequest request) implements Input {
    }
}
