package io.dicemesh.node.net;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.PeerList;
import io.dicemesh.protocol.Ping;
import io.dicemesh.protocol.Pong;
import io.dicemesh.protocol.WireLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh transport over Netty TCP (DESIGN section 4). It accepts and dials connections, runs TLS 1.3 on each
 * with the node's {@link NodeCertificate} (so a channel is bound to the node whose key signed its transcript), keeps one bound connection per peer, gossips signed peer records, sends heartbeats, closes
 * silent channels, redials wanted peers with backoff and jitter, and bounds every peer's outbound queue by bytes.
 * Only envelopes that passed the {@link EnvelopeVerifier}, of non-mesh kinds, reach the {@link InboundHandler}; a
 * peer that sends anything invalid is disconnected, logged once at WARN and counted.
 *
 * <p>{@link #send} and every query are thread-safe and never block. {@link #close} waits (bounded) for the event
 * loops and must not be called from an {@link InboundHandler} callback.
 */
public final class NettyTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    /** Most event-loop threads per transport. */
    static final int EVENT_LOOP_THREADS_MAX = 4;
    /** How long {@link #close} waits for channels and then event loops to finish. */
    static final long CLOSE_TIMEOUT_MS = 5_000;
    /** Bounds of the maintenance period (reconnects, gossip): half the reconnect base, clamped to these. */
    static final long TICK_MS_MIN = 10;
    static final long TICK_MS_MAX = 250;
    static final int ACCEPT_BACKLOG = 128;

    /** The transport's life; {@link #canMoveTo} is the table of legal moves. */
    enum Lifecycle {
        NEW, RUNNING, CLOSED;

        boolean canMoveTo(Lifecycle next) {
            return switch (this) {
                case NEW -> next == RUNNING || next == CLOSED;
                case RUNNING -> next == CLOSED;
                case CLOSED -> false;
            };
        }
    }

    private final Identity identity;
    private final TransportConfig config;
    private final EnvelopeVerifier verifier;
    private final InboundHandler handler;
    private final TransportCounters counters = new TransportCounters();
    private final TrafficCounter traffic = new TrafficCounter(counters);
    private final SecureRandom secureRandom = new SecureRandom();
    private final Links<PeerChannel> links;
    private final PeerTable peerTable;
    private final PeerGossip gossip;
    private final Dialer dialer;
    private final ConnectionBudget<PeerChannel> budget;
    /** Lines strangers can cause, here and in PeerChannel: rate-limited together. */
    private final LogLimit logLimit = new LogLimit();
    private final JunkBudget junk = new JunkBudget();
    private final Set<PeerChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openCount = new AtomicInteger();

    /** Serializes start and close; guards lifecycle and the fields set by start. */
    private final Object lifecycleLock = new Object();
    private Lifecycle lifecycle = Lifecycle.NEW;
    private volatile boolean running;
    private volatile boolean closed;
    private volatile EventLoopGroup group;
    /**
     * Runs inbound TLS handshakes' expensive steps (key agreement, signing, checking the peer's certificate) off
     * the event loops, so a burst of strangers' handshakes does not hold up the frames of established channels that
     * share a loop with them. One thread: inbound handshakes take at most one core, however many arrive.
     */
    private volatile DefaultEventExecutor handshakeWork;
    /** Delegated tasks one handshake may have queued at once (its queue holds this times the handshaking budget). */
    static final int HANDSHAKE_TASKS_PER_HANDSHAKE = 2;
    private Channel server;
    private EventLoop maintenance;
    private ScheduledFuture<?> tickTask;
    private Bootstrap bootstrap;
    private volatile int boundPort = -1;
    private volatile String advertisedAddr;
    private volatile Envelope ownRecord;
    private volatile MeshTls tls;
    private long nextGossipAtMs;

    public NettyTransport(Identity identity, TransportConfig config, EnvelopeVerifier verifier,
            InboundHandler handler) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.config = Objects.requireNonNull(config, "config");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.links = new Links<>(identity.nodeId(), new PeerEvents());
        this.peerTable = new PeerTable(identity.nodeId(), PeerTable.KNOWN_PEERS_MAX, links::isConnected);
        this.gossip = new PeerGossip(identity, verifier, peerTable, System::currentTimeMillis);
        this.dialer = new Dialer(config, links, peerTable, this::connect, new Random(secureRandom.nextLong()));
        this.budget = new ConnectionBudget<>(ConnectionBudget.Limits.of(config.connectionsMax()),
                id -> peerTable.wanted().contains(id));
    }

    /**
     * Binds the listen address and starts dialing the join addresses.
     *
     * @throws IOException naming the address when it cannot be bound, e.g. "cannot listen on 127.0.0.1:7000:
     *                     address in use"
     */
    public void start() throws IOException {
        synchronized (lifecycleLock) {
            move(Lifecycle.RUNNING);
            int threads = Math.min(EVENT_LOOP_THREADS_MAX, Runtime.getRuntime().availableProcessors());
            group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("dicemesh-net-"
                    + identity.nodeId().shortHex()), NioIoHandler.newFactory());
            handshakeWork = new DefaultEventExecutor(null, new DefaultThreadFactory("dicemesh-tls-"
                    + identity.nodeId().shortHex()), HANDSHAKE_TASKS_PER_HANDSHAKE
                    * ConnectionBudget.Limits.of(config.connectionsMax()).handshakingMax(),
                    io.netty.util.concurrent.RejectedExecutionHandlers.reject());
            WriteBufferWaterMark waterMark = new WriteBufferWaterMark(config.outboundQueueBytesMax() / 2,
                    config.outboundQueueBytesMax());
            checkDialFrom();
            server = bindServer(waterMark);
            InetSocketAddress local = (InetSocketAddress) server.localAddress();
            boundPort = local.getPort();
            advertisedAddr = config.advertisedAddr() != null ? config.advertisedAddr() : deriveAdvertised(local);
            ownRecord = gossip.ownRecord(advertisedAddr);
            tls = new MeshTls(NodeCertificate.create(identity, advertisedAddr, secureRandom), verifier, secureRandom);
            bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            config.handshakeTimeoutMs()));
            long nowMs = nowMs();
            for (InetSocketAddress addr : config.join()) {
                dialer.addJoin(addr, nowMs);
            }
            nextGossipAtMs = nowMs + config.peerGossipIntervalMs();
            maintenance = group.next();
            running = true;
            long tickMs = Math.max(TICK_MS_MIN, Math.min(TICK_MS_MAX, config.reconnectBaseMs() / 2));
            tickTask = maintenance.scheduleWithFixedDelay(this::tick, 0, tickMs, TimeUnit.MILLISECONDS);
            log.info("node {} listening on {}, advertising {}", identity.nodeId().shortHex(), HostPort.text(local),
                    advertisedAddr);
        }
    }

    /** A dial-from address must be one of this host's: else every dial would fail, unseen, at its local bind. */
    private void checkDialFrom() throws IOException {
        InetAddress from = config.dialFrom();
        if (from == null) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, from)) {
            probe.getLocalPort();
        } catch (IOException e) {
            closeAfterFailedStart();
            throw new IOException("cannot dial from " + from.getHostAddress() + ": not an address of this host ("
                    + describe(e) + ")", e);
        }
    }

    /** A start that failed leaves this transport closed, its event loops and TLS thread shut down. */
    private void closeAfterFailedStart() {
        move(Lifecycle.CLOSED);
        closed = true;
        group.shutdownGracefully(0, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_MS);
        handshakeWork.shutdownGracefully(0, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Binds the listen address; on failure shuts the event loops down, closes this transport and says why. */
    private Channel bindServer(WriteBufferWaterMark waterMark) throws IOException {
        ChannelFuture bind = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(pipeline(false, null))
                .bind(config.listen()).awaitUninterruptibly();
        if (bind.isSuccess()) {
            return bind.channel();
        }
        closeAfterFailedStart();
        throw new IOException("cannot listen on " + HostPort.text(config.listen()) + ": " + describe(bind.cause()),
                bind.cause());
    }

    /** The port actually bound (useful with port 0). */
    public int boundPort() {
        int port = boundPort;
        if (port < 0) {
            throw new IllegalStateException("transport not started");
        }
        return port;
    }

    /** The {@code host:port} this node advertises in its Hello and PeerRecord (known once started). */
    public String advertisedAddr() {
        return advertisedAddr;
    }

    /**
     * Sends an envelope to a peer if connected; never blocks; returns false (and counts a drop) if not connected,
     * if the envelope is over the frame limit, or if the peer's outbound queue would exceed its byte bound.
     * Thread-safe. A true result means queued, not delivered.
     */
    public boolean send(NodeId to, Envelope envelope) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(envelope, "envelope");
        DropCause drop;
        if (!running) {
            drop = DropCause.NOT_RUNNING;
        } else {
            PeerChannel link = links.get(to);
            drop = link == null ? DropCause.NOT_CONNECTED : link.trySend(envelope);
        }
        if (drop == null) {
            return true;
        }
        counters.drop(drop);
        return false;
    }

    /**
     * Peers this node should stay connected to (replacing the previous set): it dials each by its gossiped address
     * and redials with exponential backoff and jitter while disconnected. This node's own id is ignored.
     *
     * @throws IllegalArgumentException if more than {@link TransportConfig#connectionsMax} peers are named
     */
    public void wantPeers(Set<NodeId> peers) {
        Objects.requireNonNull(peers, "peers");
        if (peers.size() > config.connectionsMax()) {
            throw new IllegalArgumentException("wanting " + peers.size() + " peers, but connectionsMax is "
                    + config.connectionsMax());
        }
        dialer.setWanted(peers, nowMs());
        kickMaintenance();
    }

    /**
     * Adds a join address at run time: dialed now and redialed with backoff while the node behind it is not
     * connected, like the configured ones.
     *
     * @throws IllegalStateException when {@link TransportConfig#JOIN_ADDRESSES_MAX} addresses are joined already
     */
    public void join(InetSocketAddress addr) {
        Objects.requireNonNull(addr, "addr");
        dialer.addJoin(addr, nowMs());
        kickMaintenance();
    }

    public Set<NodeId> connectedPeers() {
        return links.peers();
    }

    /** Each known peer's address, from its newest signed PeerRecord. */
    public Map<NodeId, String> knownAddresses() {
        return peerTable.addresses();
    }

    public TransportStats stats() {
        return counters.snapshot();
    }

    public NodeId nodeId() {
        return identity.nodeId();
    }

    /** Graceful: closes every channel, then shuts the event loops down, waiting a bounded time. Idempotent. */
    @Override
    public void close() {
        EventLoopGroup loops = group;
        if (loops != null) {
            for (EventExecutor loop : loops) {
                if (loop.inEventLoop()) {
                    throw new IllegalStateException("close() called on the transport's own event loop (from an "
                            + "InboundHandler callback?); it would wait for itself");
                }
            }
        }
        synchronized (lifecycleLock) {
            if (lifecycle == Lifecycle.CLOSED) {
                return;
            }
            boolean wasRunning = lifecycle == Lifecycle.RUNNING;
            move(Lifecycle.CLOSED);
            running = false;
            closed = true;
            if (wasRunning) {
                shutDown();
            }
        }
    }

    private void shutDown() {
        tickTask.cancel(false);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MS);
        server.close().awaitUninterruptibly(CLOSE_TIMEOUT_MS);
        List<ChannelFuture> closing = new ArrayList<>();
        for (PeerChannel c : open) {
            c.closeWith(DisconnectCause.SHUTDOWN);
            closing.add(c.closeFuture());
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
        }
        handshakeWork.shutdownGracefully(0, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_TIMEOUT_MS);
        if (!group.shutdownGracefully(0, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(2 * CLOSE_TIMEOUT_MS)) {
            log.warn("node {}: event loops still running {} ms after close", identity.nodeId().shortHex(),
                    2 * CLOSE_TIMEOUT_MS);
        }
        log.info("node {} closed", identity.nodeId().shortHex());
    }

    // ---- for PeerChannel and tests (package-private) ----

    public TransportConfig config() {
        return config;
    }

    TransportCounters counters() {
        return counters;
    }

    EnvelopeVerifier verifier() {
        return verifier;
    }

    boolean closing() {
        return closed;
    }

    /** The channel bound to a peer, or null. */
    PeerChannel boundChannel(NodeId peer) {
        return links.get(peer);
    }

    /** Open channels, bound or handshaking. */
    int openChannels() {
        return openCount.get();
    }

    /** Admits a newly opened channel into its budget, or says why not. */
    DisconnectCause admit(PeerChannel channel) {
        if (closed) {
            return DisconnectCause.SHUTDOWN;
        }
        ConnectionBudget.Admission<PeerChannel> admission = budget.admit(channel, System.nanoTime(),
                !channel.openedBySelf() && wantedHosts.contains(channel.remoteAddress()));
        if (!admission.ok()) {
            counters.limited(admission.refusal().contains("a second") ? Limited.NEW_CONNECTION_RATE
                    : channel.openedBySelf() ? Limited.OUTBOUND_DIAL : Limited.HANDSHAKING_CONNECTION, 1);
            logLimit.debug(log, "refusing {}: {}", channel.who(), admission.refusal());
            return DisconnectCause.CONNECTIONS_FULL;
        }
        if (admission.evicted() != null) {
            counters.limited(Limited.HANDSHAKING_CONNECTION, 1);
            if (admission.evicted().closeWith(DisconnectCause.CONNECTIONS_FULL)) {
                logLimit.debug(log, "closing {}: the oldest handshake of its busy prefix, to make room",
                        admission.evicted().who());
            }
        }
        openCount.incrementAndGet();
        open.add(channel);
        return null;
    }

    /**
     * Frames verified per second on all channels of peers this node shares no table with (each channel has its own
     * share too): strangers together get about a sixth of a core.
     */
    static final int STRANGER_VERIFIES_PER_SECOND_ALL = 2_000;
    private final TokenBucket strangerVerifies = new TokenBucket(STRANGER_VERIFIES_PER_SECOND_ALL,
            STRANGER_VERIFIES_PER_SECOND_ALL);

    /** Takes one unit of the budget all strangers share. Any event loop. */
    boolean strangerVerifyAllowed() {
        synchronized (strangerVerifies) {
            return strangerVerifies.tryTake(System.nanoTime());
        }
    }

    LogLimit logLimit() {
        return logLimit;
    }

    /**
     * Any thread: {@code peer} signed and sent this node a malformed table message no honest node sends (the core's
     * {@code Event.Dropped#blamed}). A table peer that keeps doing so is verified at a stranger's rate for a while
     * ({@link JunkBudget}); a stranger already is.
     */
    public void reportJunk(NodeId peer) {
        if (isWanted(peer) && junk.report(peer, System.nanoTime())) {
            counters.limited(Limited.SUSPECT_PEER, 1);
            logLimit.warn(log, "table peer {} sent more malformed table messages than any honest node would (over {}"
                    + " a second): its frames are verified at a stranger's rate for the next {} s", peer.shortHex(),
                    JunkBudget.JUNK_PER_SECOND, JunkBudget.SUSPECT_MS / 1000);
        }
    }

    /** Whether a table peer's frames are verified at a stranger's rate (it sent too much junk lately). */
    boolean isSuspect(NodeId peer) {
        return junk.isSuspect(peer, System.nanoTime());
    }

    /** Whether this node shares a table with {@code peer} (it named it in {@link #wantPeers}). */
    boolean isWanted(NodeId peer) {
        return peerTable.wanted().contains(peer);
    }

    /** The TLS setup, or null in the instant before {@link #start} made it. */
    MeshTls tls() {
        return tls;
    }

    /** A channel's handshake proved its peer: bind it (or drop it as a duplicate) and greet with a PeerList. */
    void onBound(PeerChannel channel) {
        NodeId peer = channel.peer();
        if (channel.target() != null) {
            dialer.onBound(channel.target(), peer, nowMs());
        }
        // A peer that keeps a live channel will not keep this one: it evicts nobody to make room for it.
        ConnectionBudget.Bind<PeerChannel> room = budget.bind(channel, !links.isConnected(peer));
        if (!room.admitted()) {
            counters.limited(Limited.INBOUND_CHANNEL, 1);
            if (channel.closeWith(DisconnectCause.CONNECTIONS_FULL)) {
                log.debug("closing {}: {}", channel.who(), room.refusal());
            }
            return;
        }
        if (room.evicted() != null) {
            counters.limited(Limited.EVICTED_FOR_WANTED, 1);
            if (room.evicted().closeWith(DisconnectCause.EVICTED_FOR_WANTED)) {
                log.info("closing {} to make room for {}, a peer this node shares a table with",
                        room.evicted().who(), channel.who());
            }
        }
        Links.Bind<PeerChannel> bind = links.bind(channel, peer);
        switch (bind.outcome()) {
            case BOUND -> {
                log.info("{} up ({}, listens on '{}')", channel.who(), channel.openedBySelf() ? "dialed" : "accepted",
                        LogSafe.text(channel.peerListenAddr()));
                sendPeerList(channel);
            }
            case REPLACED -> {
                log.debug("peer {}: new channel {} replaces the old one", peer.shortHex(), channel.who());
                bind.loser().closeWith(DisconnectCause.DUPLICATE_CONNECTION);
                sendPeerList(channel);
            }
            case LOST -> {
                log.debug("peer {}: closing duplicate channel {}", peer.shortHex(), channel.who());
                channel.closeWith(DisconnectCause.DUPLICATE_CONNECTION);
            }
            case KEPT_LIVE -> {
                // A live channel is never replaced on a newer one's say-so: keep it, and make it prove it is alive.
                log.debug("peer {}: keeping its live channel, closing the newer {} and probing the old", peer
                        .shortHex(), channel.who());
                channel.closeWith(DisconnectCause.DUPLICATE_CONNECTION);
                PeerChannel kept = links.get(peer);
                if (kept != null) {
                    kept.probe();
                }
            }
        }
    }

    /** A channel closed: release its slot, unbind it, and tell the reconnector how its dial ended. */
    void onClosed(PeerChannel channel, DisconnectCause cause, boolean admitted) {
        if (admitted && open.remove(channel)) {
            openCount.decrementAndGet();
            budget.release(channel);
        }
        NodeId peer = channel.peer();
        if (peer != null) {
            links.unbind(channel, peer);
        }
        if (channel.target() != null && peer == null) {
            dialer.onClosedUnbound(channel.target(), cause, channel.claimedPeer(), nowMs());
        }
    }

    void deliver(NodeId from, Verified message) {
        try {
            handler.onMessage(from, message);
        } catch (RuntimeException e) {
            log.error("inbound handler failed on {} from {}", LogSafe.text(message), from.shortHex(), e);
        }
    }

    void onPeerList(PeerChannel channel, PeerList list, PeerGossip.VerifyBudget budget) {
        PeerGossip.Outcome outcome = gossip.accept(list, budget);
        if (outcome.skipped() > 0) {
            counters.limited(Limited.PEER_RECORD, outcome.skipped());
        }
        if (outcome.overLimit()) {
            channel.misbehaved(DisconnectCause.PROTOCOL_VIOLATION, "PeerList of " + list.getPeersCount()
                    + " records, the limit is " + WireLimits.PEERS_PER_LIST_MAX);
        } else if (outcome.rejection() != null) {
            channel.reject(outcome.rejection().reason(), "relayed peer record: " + outcome.rejection().detail());
        } else if (outcome.learned() > 0) {
            log.debug("learned {} peer address(es) from {}", outcome.learned(), channel.who());
            kickMaintenance();
        }
    }

    void sendPing(PeerChannel channel) {
        sendPing(channel, nextPingNonce());
    }

    /** @return true when the Ping was queued */
    boolean sendPing(PeerChannel channel, long nonce) {
        return channel.trySend(Signatures.seal(identity, Body.newBuilder().setPing(Ping.newBuilder()
                .setNonce(nonce).setSentAtMs(System.currentTimeMillis())).build())) == null;
    }

    /** A random nonzero Ping nonce (zero means "no probe outstanding" to a channel). */
    long nextPingNonce() {
        long nonce;
        do {
            nonce = ThreadLocalRandom.current().nextLong();
        } while (nonce == 0);
        return nonce;
    }

    /** Closes, as a self-connection too, the channel of this node at the other end of that one's connection. */
    void closeOtherEndOfSelfConnection(PeerChannel oneEnd) {
        for (PeerChannel c : open) {
            if (c.peer() == null && c.isOtherEndOf(oneEnd)) { // the true other end can never be bound
                c.closeWith(DisconnectCause.SELF_CONNECTION);
            }
        }
    }

    void sendPong(PeerChannel channel, Ping ping) {
        channel.trySend(Signatures.seal(identity, Body.newBuilder().setPong(Pong.newBuilder()
                .setNonce(ping.getNonce())).build()));
    }

    // ---- internals ----

    private ChannelInitializer<SocketChannel> pipeline(boolean openedBySelf, Dialer.Target target) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                MeshTls meshTls = tls;
                if (meshTls == null) { // accepted in the instant before start() made the certificate
                    ch.close();
                    return;
                }
                // Strangers' handshakes (inbound) run their expensive steps on the TLS thread; this node's own
                // few dials keep them on their loop, so a dial's side finishes in step with the other end.
                SslHandler tlsHandler = openedBySelf ? new SslHandler(meshTls.newEngine(true))
                        : new SslHandler(meshTls.newEngine(false), false, task -> handshakeWork.execute(() -> {
                            if (ch.isActive()) { // a channel closed meanwhile (timed out, evicted) costs nothing
                                task.run();
                            }
                        }));
                tlsHandler.setHandshakeTimeoutMillis(0); // PeerChannel's own timer counts the handshake timeout
                ch.pipeline()
                        .addLast("traffic", traffic)
                        .addLast("idle", new IdleStateHandler(config.idleTimeoutMs(), config.heartbeatIntervalMs(),
                                0, TimeUnit.MILLISECONDS))
                        .addLast("tls", tlsHandler)
                        .addLast("frames", FrameCodec.newDecoder())
                        .addLast("peer", new PeerChannel(NettyTransport.this, ch, openedBySelf, target));
            }
        };
    }

    /** Periodic work on the maintenance loop: dial what is due, gossip when due. */
    /** The IPs wanted peers advertise, refreshed each tick: connections from them skip the accept-time limits. */
    private volatile Set<InetAddress> wantedHosts = Set.of();

    private void refreshWantedHosts() {
        Map<NodeId, String> known = peerTable.addresses();
        Set<InetAddress> hosts = new java.util.HashSet<>();
        for (NodeId p : peerTable.wanted()) {
            String addr = known.get(p);
            if (addr != null) {
                try {
                    hosts.add(HostPort.parseLiteral(addr).literalAddress().getAddress());
                } catch (IllegalArgumentException e) {
                    // not a literal: never stored, as records carry literals only
                }
            }
        }
        wantedHosts = Set.copyOf(hosts);
    }

    private void tick() {
        if (!running) {
            return;
        }
        try {
            long nowMs = nowMs();
            refreshWantedHosts();
            junk.retain(peerTable.wanted());
            dialer.tick(nowMs, budget.outboundRoom());
            if (nowMs >= nextGossipAtMs) {
                nextGossipAtMs = nowMs + config.peerGossipIntervalMs();
                gossipToAll();
            }
        } catch (RuntimeException e) {
            // Keep the periodic task alive: an exception would cancel every later tick.
            log.error("transport maintenance failed", e);
        }
    }

    /** Runs maintenance soon (after wantPeers, join, or new addresses), on its own loop. */
    private void kickMaintenance() {
        if (!running) {
            return;
        }
        try {
            maintenance.execute(this::tick);
        } catch (RejectedExecutionException e) {
            log.debug("maintenance not scheduled: closing");
        }
    }

    /** Opens a connection for the dialer (on the maintenance loop); a failed connect goes back to it. */
    private void connect(Dialer.Target target, InetSocketAddress addr) {
        InetAddress from = config.dialFrom();
        boolean sameFamily = from != null && addr.getAddress() != null
                && (from instanceof java.net.Inet4Address) == (addr.getAddress() instanceof java.net.Inet4Address);
        Bootstrap dial = bootstrap.clone().handler(pipeline(true, target));
        (sameFamily ? dial.connect(addr, new InetSocketAddress(from, 0)) // dial-from applies to its own family
                : dial.connect(addr))
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        log.debug("dial {} at {} failed: {}", target, LogSafe.text(addr), LogSafe.text(f.cause()));
                        dialer.dialFailed(target, nowMs());
                    }
                });
    }

    private void gossipToAll() {
        ownRecord = gossip.ownRecord(advertisedAddr);
        Envelope list = Signatures.seal(identity, gossip.peerList(ownRecord));
        for (PeerChannel c : links.links()) {
            c.trySend(list);
        }
    }

    private void sendPeerList(PeerChannel channel) {
        Envelope own = ownRecord;
        if (own != null) {
            channel.trySend(Signatures.seal(identity, gossip.peerList(own)));
        }
    }

    private void move(Lifecycle next) {
        if (!lifecycle.canMoveTo(next)) {
            throw new IllegalStateException("transport is " + lifecycle.name().toLowerCase(Locale.ROOT)
                    + "; cannot become " + next.name().toLowerCase(Locale.ROOT));
        }
        lifecycle = next;
    }

    private static String deriveAdvertised(InetSocketAddress local) {
        InetAddress host = local.getAddress();
        if (host.isAnyLocalAddress()) {
            host = InetAddress.getLoopbackAddress();
            log.warn("listening on a wildcard address: advertising {}; set advertisedAddr so that other machines "
                    + "can dial this node", HostPort.text(new InetSocketAddress(host, local.getPort())));
        }
        return HostPort.of(new InetSocketAddress(host, local.getPort())).toString();
    }

    private static String describe(Throwable cause) {
        if (cause instanceof BindException && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT)
                .contains("in use")) {
            return "address in use";
        }
        return cause == null ? "unknown error" : String.valueOf(cause.getMessage());
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** Peer up/down from {@link Links}, in order, to the handler. */
    private final class PeerEvents implements Links.Listener {
        @Override
        public void peerUp(NodeId peer) {
            try {
                handler.onPeerUp(peer);
            } catch (RuntimeException e) {
                log.error("inbound handler failed on peer {} up", peer.shortHex(), e);
            }
        }

        @Override
        public void peerDown(NodeId peer) {
            log.info("peer {} down", peer.shortHex());
            try {
                handler.onPeerDown(peer);
            } catch (RuntimeException e) {
                log.error("inbound handler failed on peer {} down", peer.shortHex(), e);
            }
        }
    }
}
