package io.dicemesh.node.core;

/** Limits of the node-wide part of the core (invites, rate limits). Each name ends in its unit. */
final class NodeEngineLimits {
    /** Invites of one creator held at once while this node has not accepted them. */
    static final int PENDING_INVITES_PER_CREATOR_MAX = 4;
    /** Tables a node holds at once (started, or pending with its accept); past this it creates and joins none. */
    static final int TABLES_MAX = 128;
    /**
     * Tables of one creator a node with auto-accept on joins by itself; more invites of that creator wait for a
     * {@code table join}, so a stranger cannot seat an auto-accepting node at any number of tables.
     */
    static final int AUTO_ACCEPTS_PER_CREATOR_MAX = 4;
    /**
     * Tables created by others that a node with auto-accept on sits at before it stops joining by itself, however
     * many creator keys invite it; the room up to {@link #TABLES_MAX} stays for tables its operator creates or
     * joins with {@code table join}.
     */
    static final int AUTO_ACCEPTED_TABLES_MAX = 16;
    /** Peers whose last request time a rate limit remembers; the least recently seen is forgotten beyond. */
    static final int RATE_LIMITED_PEERS_MAX = 1024;

    private NodeEngineLimits() {
    }
}
