package io.dicemesh.node.net;

import java.util.Locale;

/** Why a channel closed; counted per cause in {@link TransportStats#disconnects()}. */
public enum DisconnectCause {
    /** A frame failed verification (oversize, garbage, bad signature, wrong version, message before handshake). */
    REJECTED_FRAME,
    /** TLS failed or the peer's certificate proved no acceptable node (forged Hello, another key, unexpected id). */
    HANDSHAKE_FAILED,
    /** The peer broke a mesh rule after the handshake (e.g. a PeerList over its limit). */
    PROTOCOL_VIOLATION,
    HANDSHAKE_TIMEOUT,
    IDLE_TIMEOUT,
    /** The channel turned out to connect this node to itself. */
    SELF_CONNECTION,
    /** Another channel to the same peer won the one-connection-per-pair rule. */
    DUPLICATE_CONNECTION,
    /** A channel kept over a newer one of its peer did not answer the probe that had to prove it alive. */
    UNANSWERED_PROBE,
    /** Refused because its connection budget (handshaking, inbound, outbound, or its address's share) was full. */
    CONNECTIONS_FULL,
    /** Closed to make room for a peer this node shares a table with (the inbound budget was full). */
    EVICTED_FOR_WANTED,
    PEER_CLOSED,
    IO_ERROR,
    /** This transport is closing. */
    SHUTDOWN;

    /** Name as used in logs and metric labels, e.g. {@code handshake-timeout}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
