package io.dicemesh.node.net;

import java.util.Locale;

/** Work a peer asked for that a rate limit or budget left undone; counted in {@link TransportStats#limited()}. */
public enum Limited {
    /**
     * A channel paused: a peer that shares no table with this node sent frames faster than its budget of signature
     * checks; it is read again as the budget refills.
     */
    FRAME,
    /** A Ping not answered: the channel's budget of signed Pongs was spent. */
    PING,
    /** A gossiped peer record not verified: the channel's budget of signature checks was spent. */
    PEER_RECORD,
    /** A connection closed before its handshake: the handshaking budget, or its address's share of it, was full. */
    HANDSHAKING_CONNECTION,
    /** A bound inbound channel closed: the inbound budget, or its address's share of it, was full. */
    INBOUND_CHANNEL,
    /** A bound channel of a peer this node does not need closed to make room for one it does. */
    EVICTED_FOR_WANTED;

    /** Name as used in logs and metric labels, e.g. {@code peer-record}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
