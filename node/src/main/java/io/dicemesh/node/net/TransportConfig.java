package io.dicemesh.node.net;

import io.dicemesh.protocol.WireLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one {@link NettyTransport}. Every duration is in milliseconds and every bound is named with its unit;
 * the constructor refuses settings that cannot work (e.g. an idle timeout shorter than the heartbeat).
 *
 * @param listen               address to accept connections on; port 0 picks a free port
 * @param advertisedAddr       {@code "host:port"} other nodes should dial, put in this node's signed PeerRecord and
 *                             Hello; null derives it from the bound address (loopback when bound to a wildcard)
 * @param join                 addresses to dial at start (and redial with backoff while disconnected), ids unknown
 * @param handshakeTimeoutMs   a channel not bound to a peer id within this time is closed (also the connect timeout)
 * @param heartbeatIntervalMs  a Ping is sent on a bound channel that wrote nothing for this long
 * @param idleTimeoutMs        a channel that received nothing for this long is closed
 * @param reconnectBaseMs      first reconnect delay; doubles per failed attempt, with jitter
 * @param reconnectMaxMs       largest reconnect delay
 * @param outboundQueueBytesMax bytes one peer's outbound queue may hold; a send that would exceed it is dropped
 * @param connectionsMax       the scale of the connection budgets ({@link ConnectionBudget.Limits#of}): half of
 *                             it for this node's dials, half for bound inbound channels, an eighth more for
 *                             handshakes, with per-address shares; also the most peers
 *                             {@link NettyTransport#wantPeers} may name
 * @param peerGossipIntervalMs how often a PeerList goes to every connected peer
 * @param dialFrom             the local IP this node's dials leave from, or null for the one the system picks (on
 *                             a host with several addresses, peers then see the one the node serves; the
 *                             scenario suite gives each in-JVM daemon its own loopback address this way)
 */
public record TransportConfig(InetSocketAddress listen, String advertisedAddr, List<InetSocketAddress> join,
        long handshakeTimeoutMs, long heartbeatIntervalMs, long idleTimeoutMs, long reconnectBaseMs,
        long reconnectMaxMs, int outboundQueueBytesMax, int connectionsMax, long peerGossipIntervalMs,
        InetAddress dialFrom) {

    /** Most join addresses (configured plus added with {@link NettyTransport#join}). */
    public static final int JOIN_ADDRESSES_MAX = 64;

    /** Upper bound of {@link #connectionsMax}. */
    public static final int CONNECTIONS_LIMIT = 4096;

    /** Smallest outbound queue bound: one frame of the largest legal size must fit into an empty queue. */
    public static final int OUTBOUND_QUEUE_BYTES_MIN = WireLimits.FRAME_BYTES_MAX + WireLimits.FRAME_LENGTH_PREFIX_BYTES;

    /** Longest accepted duration setting (one day); longer values are surely a unit mistake. */
    public static final long DURATION_MS_MAX = 86_400_000L;

    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 20_000;
    public static final long DEFAULT_RECONNECT_BASE_MS = 250;
    public static final long DEFAULT_RECONNECT_MAX_MS = 30_000;
    public static final int DEFAULT_OUTBOUND_QUEUE_BYTES_MAX = 4 << 20;
    public static final int DEFAULT_CONNECTIONS_MAX = 256;
    public static final long DEFAULT_PEER_GOSSIP_INTERVAL_MS = 10_000;

    public TransportConfig {
        Objects.requireNonNull(listen, "listen");
        if (advertisedAddr != null) {
            HostPort.parseLiteral(advertisedAddr); // what peers dial: they accept IP literals only
        }
        Objects.requireNonNull(join, "join");
        join = List.copyOf(join);
        if (join.size() > JOIN_ADDRESSES_MAX) {
            throw new IllegalArgumentException("at most " + JOIN_ADDRESSES_MAX + " join addresses, got " + join.size());
        }
        positive("handshakeTimeoutMs", handshakeTimeoutMs);
        positive("heartbeatIntervalMs", heartbeatIntervalMs);
        positive("idleTimeoutMs", idleTimeoutMs);
        positive("reconnectBaseMs", reconnectBaseMs);
        positive("reconnectMaxMs", reconnectMaxMs);
        positive("peerGossipIntervalMs", peerGossipIntervalMs);
        if (idleTimeoutMs <= heartbeatIntervalMs) {
            throw new IllegalArgumentException("idleTimeoutMs (" + idleTimeoutMs
                    + ") must exceed heartbeatIntervalMs (" + heartbeatIntervalMs + "), or live peers time out");
        }
        if (reconnectMaxMs < reconnectBaseMs) {
            throw new IllegalArgumentException("reconnectMaxMs (" + reconnectMaxMs + ") is below reconnectBaseMs ("
                    + reconnectBaseMs + ")");
        }
        if (outboundQueueBytesMax < OUTBOUND_QUEUE_BYTES_MIN) {
            throw new IllegalArgumentException("outboundQueueBytesMax (" + outboundQueueBytesMax
                    + ") must hold one largest frame (" + OUTBOUND_QUEUE_BYTES_MIN + " bytes)");
        }
        if (dialFrom != null && (dialFrom.isAnyLocalAddress() || dialFrom.isMulticastAddress())) {
            throw new IllegalArgumentException("dial-from must be one address of this host, not "
                    + dialFrom.getHostAddress());
        }
        if (connectionsMax < 1 || connectionsMax > CONNECTIONS_LIMIT) {
            throw new IllegalArgumentException("connectionsMax " + connectionsMax + " is not in 1.."
                    + CONNECTIONS_LIMIT);
        }
    }

    /** A config whose dials leave from the address the system picks. */
    public TransportConfig(InetSocketAddress listen, String advertisedAddr, List<InetSocketAddress> join,
            long handshakeTimeoutMs, long heartbeatIntervalMs, long idleTimeoutMs, long reconnectBaseMs,
            long reconnectMaxMs, int outboundQueueBytesMax, int connectionsMax, long peerGossipIntervalMs) {
        this(listen, advertisedAddr, join, handshakeTimeoutMs, heartbeatIntervalMs, idleTimeoutMs, reconnectBaseMs,
                reconnectMaxMs, outboundQueueBytesMax, connectionsMax, peerGossipIntervalMs, null);
    }

    /** This config with dials leaving from {@code from}. */
    public TransportConfig withDialFrom(InetAddress from) {
        return new TransportConfig(listen, advertisedAddr, join, handshakeTimeoutMs, heartbeatIntervalMs,
                idleTimeoutMs, reconnectBaseMs, reconnectMaxMs, outboundQueueBytesMax, connectionsMax,
                peerGossipIntervalMs, from);
    }

    /** The defaults above: 5 s handshake, 5 s heartbeat, 20 s idle, 0.25-30 s reconnect, 4 MiB queue, 256 channels. */
    public static TransportConfig defaults(InetSocketAddress listen, List<InetSocketAddress> join) {
        return new TransportConfig(listen, null, join, DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_HEARTBEAT_INTERVAL_MS,
                DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_RECONNECT_BASE_MS, DEFAULT_RECONNECT_MAX_MS,
                DEFAULT_OUTBOUND_QUEUE_BYTES_MAX, DEFAULT_CONNECTIONS_MAX, DEFAULT_PEER_GOSSIP_INTERVAL_MS);
    }

    private static void positive(String name, long valueMs) {
        if (valueMs <= 0 || valueMs > DURATION_MS_MAX) {
            throw new IllegalArgumentException(name + " " + valueMs + " is not in 1.." + DURATION_MS_MAX);
        }
    }
}
