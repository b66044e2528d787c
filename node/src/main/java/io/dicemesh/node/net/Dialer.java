package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to dial and when, without sockets: the join addresses and the wanted peers, each redialed through the
 * {@link Reconnector} while it is not connected. A wanted peer is dialed at the address of its newest signed record
 * in the {@link PeerTable}; a join address is dialed as given until the node behind it is connected. The actual
 * connecting is the {@link Connector}'s job, which reports back through {@link #dialFailed}, {@link #onBound} and
 * {@link #onClosedUnbound}. Thread-safe.
 */
final class Dialer {
    private static final Logger log = LoggerFactory.getLogger(Dialer.class);

    /** Something kept dialed until connected: a wanted peer, or a join address. */
    sealed interface Target permits PeerTarget, JoinTarget {
    }

    record PeerTarget(NodeId id) implements Target {
    }

    record JoinTarget(InetSocketAddress addr) implements Target {
    }

    /** Opens a connection for a target; its outcome comes back through the Dialer's callbacks. */
    interface Connector {
        void connect(Target target, InetSocketAddress addr);
    }

    private final TransportConfig config;
    private final Links<?> links;
    private final PeerTable peers;
    private final Connector connector;
    private final Reconnector<Target> reconnector;
    private final Set<InetSocketAddress> joins = ConcurrentHashMap.newKeySet();
    private final Map<InetSocketAddress, NodeId> joinedVia = new ConcurrentHashMap<>();

    Dialer(TransportConfig config, Links<?> links, PeerTable peers, Connector connector, Random random) {
        this.config = config;
        this.links = links;
        this.peers = peers;
        this.connector = connector;
        // A dial gets the connect timeout plus the handshake timeout before it is presumed lost.
        this.reconnector = new Reconnector<>(config.reconnectBaseMs(), config.reconnectMaxMs(),
                2 * config.handshakeTimeoutMs(), config.connectionsMax() + TransportConfig.JOIN_ADDRESSES_MAX, random);
    }

    /**
     * Adds a join address, due at once.
     *
     * @throws IllegalStateException when {@link TransportConfig#JOIN_ADDRESSES_MAX} are joined already
     */
    synchronized void addJoin(InetSocketAddress addr, long nowMs) {
        if (!joins.contains(addr) && joins.size() >= TransportConfig.JOIN_ADDRESSES_MAX) {
            throw new IllegalStateException("already " + TransportConfig.JOIN_ADDRESSES_MAX + " join addresses");
        }
        joins.add(addr);
        reconnector.want(new JoinTarget(addr), nowMs);
    }

    /** Replaces the wanted peers (at most {@link TransportConfig#connectionsMax}, checked by the caller). */
    synchronized void setWanted(Set<NodeId> wantedPeers, long nowMs) {
        peers.setWanted(wantedPeers);
        Set<NodeId> wanted = peers.wanted();
        reconnector.retain(t -> t instanceof JoinTarget || wanted.contains(((PeerTarget) t).id()));
        for (NodeId id : wanted) {
            reconnector.want(new PeerTarget(id), nowMs);
        }
    }

    /** Dials every target that is due, if {@code room} says the outbound budget has room. */
    void tick(long nowMs, boolean room) {
        for (Target target : reconnector.poll(nowMs, this::isConnected, t -> room && isDialable(t))) {
            InetSocketAddress addr = addressOf(target);
            if (addr == null) {
                reconnector.dialFailed(target, nowMs);
            } else {
                log.debug("dialing {} at {}", target, LogSafe.text(addr));
                connector.connect(target, addr);
            }
        }
    }

    void dialFailed(Target target, long nowMs) {
        reconnector.dialFailed(target, nowMs);
    }

    /** A dial completed its handshake with {@code peer} (whether or not its channel won the pairing rule). */
    void onBound(Target target, NodeId peer, long nowMs) {
        if (target instanceof JoinTarget join) {
            joinedVia.put(join.addr(), peer);
        }
        reconnector.connected(target, nowMs);
    }

    /**
     * A dial's channel closed before its handshake completed.
     *
     * @param claimed the id in the peer's verified Hello, if one arrived
     */
    void onClosedUnbound(Target target, DisconnectCause cause, NodeId claimed, long nowMs) {
        if (cause == DisconnectCause.SELF_CONNECTION && target instanceof JoinTarget join) {
            log.info("join address {} is this node itself; not dialing it again", HostPort.text(join.addr()));
            synchronized (this) {
                reconnector.forget(target);
                joins.remove(join.addr());
            }
        } else if (target instanceof JoinTarget join && claimed != null && links.isConnected(claimed)) {
            // The other side closed this dial as the loser of a simultaneous-dial race (its signed Hello named a
            // peer that is connected over the winning channel): the join address is satisfied, not failed.
            joinedVia.put(join.addr(), claimed);
            reconnector.connected(target, nowMs);
        } else {
            reconnector.dialFailed(target, nowMs);
        }
    }

    private boolean isConnected(Target target) {
        if (target instanceof PeerTarget p) {
            return links.isConnected(p.id());
        }
        NodeId via = joinedVia.get(((JoinTarget) target).addr());
        return via != null && links.isConnected(via);
    }

    private boolean isDialable(Target target) {
        if (target instanceof PeerTarget p) {
            return peers.addressOf(p.id()) != null;
        }
        // A join address whose node is also wanted is redialed by id (at its newest address) instead.
        NodeId via = joinedVia.get(((JoinTarget) target).addr());
        return via == null || !peers.wanted().contains(via);
    }

    private InetSocketAddress addressOf(Target target) {
        if (target instanceof JoinTarget join) {
            return join.addr();
        }
        String text = peers.addressOf(((PeerTarget) target).id());
        if (text == null) {
            return null;
        }
        try {
            return HostPort.parseLiteral(text).literalAddress(); // never a name: no lookup on an event loop
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
