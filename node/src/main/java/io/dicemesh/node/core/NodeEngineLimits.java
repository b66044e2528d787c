package io.dicemesh.node.core;

/** Limits of the node-wide part of the core (invites, rate limits). Each name ends in its unit. */
final class NodeEngineLimits {
    /** Invites of one creator held at once while this node has not accepted them. */
    static final int PENDING_INVITES_PER_CREATOR_MAX = 4;
    /** Peers whose last request time a rate limit remembers; the least recently seen is forgotten beyond. */
    static final int RATE_LIMITED_PEERS_MAX = 1024;

    private NodeEngineLimits() {
    }
}
