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
    /**
     * A connection closed before its handshake: its source prefix's share of handshakes was full, or it was the
     * oldest handshake of the busiest prefix when the handshaking budget was full.
     */
    HANDSHAKING_CONNECTION,
    /** A connection refused: its source prefix, or all sources together, opened too many a second. */
    NEW_CONNECTION_RATE,
    /** One of this node's own dials not made: the outbound budget was full. */
    OUTBOUND_DIAL,
    /** A bound inbound channel closed: the inbound budget, or its address's share of it, was full. */
    INBOUND_CHANNEL,
    /** A bound channel of a peer this node does not need closed to make room for one it does. */
    EVICTED_FOR_WANTED,
    /**
     * A table peer made suspect: it sent more table messages its table could never use than {@link JunkBudget}
     * allows, so for a while its frames are verified at a stranger's rate.
     */
    SUSPECT_PEER;

    /** Name as used in logs and metric labels, e.g. {@code peer-record}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
