package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which channel each peer is bound to, and the one-connection-per-pair rule, without sockets. When a second channel
 * to the same peer completes its handshake (and TLS has proven it is that peer), the old one stays if it is
 * established and live (bound for longer than the pairing race lasts and heard from lately: see
 * {@link Link#establishedAndLive}); a live channel is never replaced without evidence it is dead, and the caller
 * probes it ({@link Outcome#KEPT_LIVE}). Otherwise both sides keep the same one: the channel opened by the lower
 * {@link NodeId} wins; when both were opened by the same node (it redialed, e.g. after a restart), the newer one
 * wins. Binding and unbinding are serialized and report peer up/down to the listener in order, under the lock, so
 * the listener must not block. Lookups ({@link #get}) take no lock.
 *
 * @param <L> a connection
 */
final class Links<L extends Links.Link> {

    /** A connection as far as the pairing rule cares. */
    interface Link {
        /** True when this node dialed the connection, false when the peer did. */
        boolean openedBySelf();

        /**
         * True when the channel was bound longer ago than a pairing race lasts and has received a frame within the
         * last two heartbeat intervals (a live peer sends at least a Ping per interval): then a newer channel of
         * the same peer does not replace it. Both ends see the same channel carry traffic, so they agree.
         */
        default boolean establishedAndLive() {
            return false;
        }
    }

    /** Told when a peer gains its first bound channel or loses its last. */
    interface Listener {
        void peerUp(NodeId peer);

        void peerDown(NodeId peer);
    }

    /** The outcome of {@link #bind}. */
    record Bind<L>(Outcome outcome, L loser) {
    }

    enum Outcome {
        /** The peer had no channel; this one is bound and the peer is up. */
        BOUND,
        /** The peer had a channel that loses to this one; the caller closes {@code loser}. */
        REPLACED,
        /** The peer's existing channel wins; the caller closes this one ({@code loser}). */
        LOST,
        /**
         * The peer's existing channel is established and live, so it stays; the caller closes this one
         * ({@code loser}) and probes the old one, which is closed if it does not answer.
         */
        KEPT_LIVE
    }

    private final NodeId self;
    private final Listener listener;
    private final ConcurrentHashMap<NodeId, L> bound = new ConcurrentHashMap<>();

    Links(NodeId self, Listener listener) {
        this.self = self;
        this.listener = listener;
    }

    L get(NodeId peer) {
        return bound.get(peer);
    }

    boolean isConnected(NodeId peer) {
        return bound.containsKey(peer);
    }

    Set<NodeId> peers() {
        return Set.copyOf(bound.keySet());
    }

    Iterable<L> links() {
        return bound.values();
    }

    /** Binds a connection whose handshake proved it is with {@code peer}. */
    synchronized Bind<L> bind(L link, NodeId peer) {
        L old = bound.get(peer);
        if (old == null) {
            bound.put(peer, link);
            listener.peerUp(peer);
            return new Bind<>(Outcome.BOUND, null);
        }
        if (old == link) {
            throw new IllegalStateException("channel to " + peer.shortHex() + " bound twice");
        }
        if (old.establishedAndLive()) {
            return new Bind<>(Outcome.KEPT_LIVE, link);
        }
        if (newWins(self, peer, old.openedBySelf(), link.openedBySelf())) {
            bound.put(peer, link);
            return new Bind<>(Outcome.REPLACED, old);
        }
        return new Bind<>(Outcome.LOST, link);
    }

    /** Unbinds a closed connection; the peer goes down only if this was its bound channel. */
    synchronized void unbind(L link, NodeId peer) {
        if (bound.remove(peer, link)) {
            listener.peerDown(peer);
        }
    }

    /**
     * The pairing rule. A channel's opener is this node when {@code openedBySelf}, the peer otherwise; the channel
     * opened by the lower id wins, and between two channels of the same opener the newer one wins.
     */
    static boolean newWins(NodeId self, NodeId peer, boolean oldOpenedBySelf, boolean newOpenedBySelf) {
        if (oldOpenedBySelf == newOpenedBySelf) {
            return true;
        }
        boolean selfIsLower = self.compareTo(peer) < 0;
        return newOpenedBySelf == selfIsLower;
    }
}
