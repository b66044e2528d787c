package io.dicemesh.node.net;

import java.util.Locale;

/** Why a channel closed; counted per cause in {@link TransportStats#disconnects()}. */
public enum DisconnectCause {
    /** A frame failed verification (oversize, garbage, bad signature, wrong version, message before handshake). */
    REJECTED_FRAME,
    /** The peer's Hello or HelloAck was invalid (wrong nonce, id not matching the sender, unexpected id). */
    HANDSHAKE_FAILED,
    /** The peer broke a mesh rule after the handshake (e.g. a PeerList over its limit). */
    PROTOCOL_VIOLATION,
    HANDSHAKE_TIMEOUT,
    IDLE_TIMEOUT,
    /** The channel turned out to connect this node to itself. */
    SELF_CONNECTION,
    /** Another channel to the same peer won the one-connection-per-pair rule. */
    DUPLICATE_CONNECTION,
    /** Refused because {@link TransportConfig#connectionsMax} channels were open. */
    CONNECTIONS_FULL,
    PEER_CLOSED,
    IO_ERROR,
    /** This transport is closing. */
    SHUTDOWN;

    /** Name as used in logs and metric labels, e.g. {@code handshake-timeout}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
