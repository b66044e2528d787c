package io.dicemesh.node.daemon;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.KeyFileException;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.SignatureScheme;
import io.dicemesh.crypto.Verified;
import io.dicemesh.node.api.NodeService;
import io.dicemesh.node.core.ApplyResult;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.core.Position;
import io.dicemesh.node.core.Stall;
import io.dicemesh.protocol.TableState;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.ledger.LedgerException;
import io.dicemesh.node.ledger.LedgerFormat;
import io.dicemesh.node.ledger.LedgerFormatException;
import io.dicemesh.node.ledger.RocksKvStore;
import io.dicemesh.node.net.InboundHandler;
import io.dicemesh.node.net.LogSafe;
import io.dicemesh.node.net.NettyTransport;
import io.dicemesh.node.net.TransportConfig;
import io.dicemesh.protocol.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: its key, its RocksDB ledger, the engine on its own thread, the Netty mesh, and the metrics.
 * {@link #start} brings them up in order and {@link #close} takes them down gracefully (in-flight slots first).
 * The admin API runs on top of this through {@link NodeService}.
 */
public final class NodeDaemon implements NodeService, AutoCloseable {
    /** How often connections to table peers and the table gauges are refreshed. */
    static final long HOUSEKEEPING_INTERVAL_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);
    private static final Logger TABLES = LoggerFactory.getLogger("io.dicemesh.tables");
    private static final Logger SLOTS = LoggerFactory.getLogger("io.dicemesh.slots");

    /** Lifecycle with its legal transitions; anything else is a bug. */
    enum State {
        NEW, RUNNING, STOPPING, STOPPED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case NEW -> next == RUNNING || next == STOPPED;
                case RUNNING -> next == STOPPING;
                case STOPPING -> next == STOPPED;
                case STOPPED -> false;
            };
        }
    }

    private final DataDir dataDir;
    private final DaemonConfig config;
    private final Identity identity;
    /** Shared by the transport's threads and the engines: a signature found valid once is not checked again. */
    private final EnvelopeVerifier verifier = EnvelopeVerifier.remembering(SignatureScheme.ed25519());
    /** Audits check every signature of the ledger from its bytes on disk, remembered or not. */
    private final EnvelopeVerifier auditVerifier = new EnvelopeVerifier();
    private final RocksKvStore store;
    private final EngineLoop loop;
    private final NettyTransport transport;
    private final DaemonMetrics metrics;
    private final ScheduledExecutorService housekeeping;
    private final Deque<Event> recentEvents = new ArrayDeque<>();
    private volatile State state = State.NEW;
    private volatile List<String> notReady = List.of("starting");
    private volatile boolean warnedTooManyPeers;

    /**
     * What the daemon actually sends for each envelope its engine sends: for tests that make an in-JVM daemon lie
     * (the scenario suite's byzantine player). Nothing an operator runs can set one: the CLI starts every daemon
     * with {@link #SENDS_AS_IS}.
     */
    @FunctionalInterface
    public interface SendRewrite {
        List<Envelope> rewrite(NodeId to, Envelope envelope);
    }

    public static final SendRewrite SENDS_AS_IS = (to, envelope) -> List.of(envelope);

    private NodeDaemon(DataDir dataDir, DaemonConfig config, Identity identity, RocksKvStore store,
            SendRewrite rewrite) {
        this.dataDir = dataDir;
        this.config = config;
        this.identity = identity;
        this.store = store;
        EngineConfig engineConfig = EngineConfig.defaults().withAutoAcceptInvites(config.autoAcceptInvites());
        SecureRandom random = new SecureRandom();
        NodeEngine engine = NodeEngine.restore(identity, engineConfig, verifier, store, random::nextBytes);
        EngineLoop[] loopRef = new EngineLoop[1];
        DaemonMetrics[] metricsRef = new DaemonMetrics[1];
        this.transport = new NettyTransport(identity, transportConfig(config), verifier, new InboundHandler() {
            @Override
            public void onMessage(NodeId from, Verified message) {
                metricsRef[0].messageIn(message.kind());
                loopRef[0].deliver(from, message);
            }

            @Override
            public void onPeerUp(NodeId peer) {
                loopRef[0].peerConnected(peer);
            }
        });
        this.metrics = new DaemonMetrics(transport::stats, () -> transport.connectedPeers().size(),
                () -> loopRef[0].inboxSize());
        metricsRef[0] = metrics;
        metrics.watch(verifier.memo());
        this.loop = new EngineLoop(engine, store, new EngineLoop.Outbound() {
            @Override
            public void send(NodeId to, Envelope envelope) {
                if (rewrite == SENDS_AS_IS) {
                    transport.send(to, envelope);
                    return;
                }
                for (Envelope e : rewrite.rewrite(to, envelope)) {
                    transport.send(to, e);
                }
            }

            @Override
            public void onEvent(Event event) {
                NodeDaemon.this.onEvent(event);
            }

            @Override
            public void onWrite(int batches, boolean synced, long nanos) {
                metrics.onWrite(synced, nanos);
            }
        }, EngineLoop.Clock.monotonic());
        loopRef[0] = loop;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    private static TransportConfig transportConfig(DaemonConfig c) {
        TransportConfig d = TransportConfig.defaults(c.listen(), c.join());
        return new TransportConfig(c.listen(), c.advertise(), c.join(), d.handshakeTimeoutMs(),
                d.heartbeatIntervalMs(), d.idleTimeoutMs(), d.reconnectBaseMs(), d.reconnectMaxMs(),
                d.outboundQueueBytesMax(), d.connectionsMax(), d.peerGossipIntervalMs(), c.dialFrom());
    }

    /**
     * Opens the data dir's key and ledger, restores the engine, binds the mesh port and starts everything.
     * Throws {@link DaemonException} with one clear line on anything an operator must fix.
     */
    public static NodeDaemon start(DataDir dataDir, DaemonConfig config) throws DaemonException {
        return start(dataDir, config, SENDS_AS_IS);
    }

    /** {@link #start(DataDir, DaemonConfig)} with what it sends rewritten: for tests only (see {@link SendRewrite}). */
    public static NodeDaemon start(DataDir dataDir, DaemonConfig config, SendRewrite rewrite) throws DaemonException {
        Identity identity;
        try {
            identity = dataDir.loadIdentity();
        } catch (KeyFileException e) {
            throw new DaemonException(e.getMessage());
        }
        RocksKvStore store;
        try {
            store = RocksKvStore.open(dataDir.ledgerDir());
        } catch (LedgerException e) {
            throw new DaemonException(e.getMessage());
        }
        try {
            LedgerFormat.checkOrInitialize(store);
            NodeDaemon daemon = new NodeDaemon(dataDir, config, identity, store, rewrite);
            daemon.startComponents();
            return daemon;
        } catch (LedgerFormatException e) {
            store.close();
            throw new DaemonException("cannot open the ledger at " + dataDir.ledgerDir() + ": " + e.getMessage());
        } catch (IOException e) {
            store.close();
            throw new DaemonException(e.getMessage());
        } catch (RuntimeException e) {
            store.close();
            throw new DaemonException("cannot start: " + e.getMessage());
        }
    }

    private void startComponents() throws IOException {
        transport.start();
        loop.start();
        move(State.RUNNING);
        housekeeping.scheduleWithFixedDelay(this::housekeeping, 0, HOUSEKEEPING_INTERVAL_MS, TimeUnit.MILLISECONDS);
        LOG.info("node {} listening on {} (mesh), ledger {}", identity.nodeId().shortHex(),
                transport.advertisedAddr(), dataDir.ledgerDir());
    }

    private synchronized void move(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("node cannot go from " + state + " to " + next);
        }
        state = next;
    }

    /** Keeps connections to every table peer and refreshes the table gauges and readiness. */
    private void housekeeping() {
        try {
            record View(Set<NodeId> peers, int tables, Map<TableId, Stall> stalled, int inDoubt, long heldBytes,
                    List<TableId> halted) {
            }
            View v = loop.read(e -> new View(e.tablePeers(), e.tableIds().size(), e.stalls(), e.slotsInDoubt(),
                    e.heldBytes(), e.haltedTables())).get(5, TimeUnit.SECONDS);
            transport.wantPeers(peersToDial(v.peers()));
            metrics.tableGauges(v.tables(), v.stalled().size(), v.inDoubt(), v.heldBytes());
            List<String> reasons = new ArrayList<>();
            Set<NodeId> connected = transport.connectedPeers();
            for (NodeId p : v.peers()) {
                if (!connected.contains(p)) {
                    reasons.add("peer " + p.shortHex() + " not connected");
                }
            }
            for (Map.Entry<TableId, Stall> s : v.stalled().entrySet()) {
                Stall st = s.getValue();
                reasons.add("table " + s.getKey().shortHex() + " stalled, waiting for " + st.waitingOn()
                        + (st.evictableAtMs() >= 0 ? "; may evict " + st.waitingFor().size() + " player(s) from "
                                + java.time.Instant.ofEpochMilli(st.evictableAtMs())
                                : "; cannot evict: " + st.cannotEvict()));
            }
            for (TableId t : v.halted()) {
                reasons.add("table " + t.shortHex() + " halted: its players certified a tx this node refuses");
            }
            if (!loop.isRunning()) {
                reasons.add("engine stopped");
            }
            notReady = List.copyOf(reasons);
        } catch (Exception e) {
            notReady = List.of("engine not answering: " + e.getMessage());
        }
    }

    /**
     * The table peers to keep connected, at most as many as the transport allows (a node seated at very many
     * tables keeps the first ones, players of started tables before those of invites, and says so), so that
     * dialing never stops.
     */
    private Set<NodeId> peersToDial(Set<NodeId> wanted) {
        int max = transport.config().connectionsMax();
        if (wanted.size() <= max) {
            return wanted;
        }
        if (!warnedTooManyPeers) {
            warnedTooManyPeers = true;
            LOG.warn("this node shares tables with {} peers; it keeps connections to {} of them", wanted.size(), max);
        }
        Set<NodeId> out = new java.util.LinkedHashSet<>();
        for (NodeId p : wanted) { // in the engine's order: players of started tables first
            if (out.size() == max) {
                break;
            }
            out.add(p);
        }
        return out;
    }

    private void onEvent(Event event) {
        metrics.onEvent(event);
        synchronized (recentEvents) {
            recentEvents.addLast(event);
            while (recentEvents.size() > 256) {
                recentEvents.removeFirst();
            }
        }
        if (event instanceof Event.SlotCommitted c) {
            if (SLOTS.isDebugEnabled()) {
                SLOTS.debug("table {} seq {} committed {} ({} intents{}) in {} ms", c.table(), c.seq(),
                        io.dicemesh.node.core.Hex.shortOf(c.txHash()), c.result().intents().size(),
                        c.result().hasRoll() ? ", roll " + c.result().roll().result().die1() + "+"
                                + c.result().roll().result().die2() : "", c.committedMs() - c.startedMs());
            }
        } else if (event instanceof Event.Voted v) {
            SLOTS.debug("table {} seq {} view {}: voted", v.table(), v.seq(), v.view());
        } else if (event instanceof Event.Proposed p) {
            SLOTS.debug("table {} seq {} view {}: proposed", p.table(), p.seq(), p.view());
        } else if (event instanceof Event.TableStarted t) {
            TABLES.info("table {} started with {} players", t.table(), t.players().size());
        } else if (event instanceof Event.InviteReceived i) {
            TABLES.info("invited to table {} by {}{}", i.table(), i.creator(),
                    config.autoAcceptInvites() ? "" : " (run 'dicemesh table join " + i.table().hex() + "')");
        } else if (event instanceof Event.ViewChanged v) {
            TABLES.info("table {} seq {}: view {} ({})", v.table(), v.seq(), v.view(), v.cause());
        } else if (event instanceof Event.Unsendable u) {
            LOG.warn("a message for {} signed by {} is {} bytes, over the frame limit: not sent", u.to().shortHex(),
                    u.signer() == null ? "?" : u.signer().shortHex(), u.bytes());
        } else if (event instanceof Event.TableHalted h) {
            TABLES.error("table {} halted at seq {}: {}", h.table(), h.seq(), LogSafe.text(h.reason()));
        } else if (event instanceof Event.EvidenceRecorded e) {
            TABLES.warn("table {}: evidence {} against {}: {}", TableId.of(e.evidence().getTableId().toByteArray()),
                    e.evidence().getKind(), NodeId.of(e.evidence().getCulprit()).shortHex(),
                    LogSafe.text(e.evidence().getDetail()));
        } else if (event instanceof Event.Dropped d) {
            LOG.debug("dropped {} from {}: {}", d.kind(), d.from(), LogSafe.text(d.reason()));
            if (d.blamed() != null) {
                transport.reportJunk(d.blamed());
            }
        } else if (event instanceof Event.NackReceived n) {
            SLOTS.debug("table {} seq {}: nack from {}: {}", n.table(), n.seq(), n.from(), LogSafe.text(n.reason()));
        }
    }

    // ------------------------------------------------------------------ NodeService

    @Override
    public NodeId id() {
        return identity.nodeId();
    }

    @Override
    public CompletableFuture<ClientResult> submit(ClientRequest request) {
        if (state != State.RUNNING) {
            return CompletableFuture.completedFuture(new ClientResult.Failed(ClientResult.Code.BUSY,
                    "the node is shutting down"));
        }
        return loop.submit(request);
    }

    @Override
    public LedgerReplay.Report audit(TableId table) {
        return new LedgerReplay(store, auditVerifier).replay(table, slot -> { });
    }

    @Override
    public List<HistoryEntry> history(TableId table, int limit) {
        Deque<HistoryEntry> last = new ArrayDeque<>();
        LedgerReplay.Report report = new LedgerReplay(store, auditVerifier).replay(table, slot -> {
            last.addLast(new HistoryEntry(slot.seq(), slot.txHash(), HistoryLines.of(slot.result())));
            if (last.size() > limit) {
                last.removeFirst();
            }
        });
        if (!report.ok() && report.slotsChecked() == 0 && report.lastSeq() == 0 && report.state() == null) {
            throw new IllegalArgumentException(report.problems().get(0));
        }
        return List.copyOf(last);
    }

    @Override
    public Path backup(Path outDir) throws IOException {
        Path parent = outDir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
            refuseSharedAncestors(parent);
        }
        // created new, owner-only, in one step: an existing directory or a link planted at that name fails here
        if (Files.getFileStore(parent == null ? outDir.getRoot() : parent).supportsFileAttributeView("posix")) {
            Files.createDirectory(outDir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(outDir);
        }
        Object created = fileKey(outDir);
        store.checkpoint(outDir.resolve("ledger"));
        // the key itself (read through any link the operator keeps it behind), never a link to it
        Files.copy(dataDir.keyFile(), outDir.resolve(Identity.KEY_FILE_NAME));
        if (created == null || !created.equals(fileKey(outDir))) {
            throw new IOException(outDir + " was replaced while the backup was written; backup refused");
        }
        io.dicemesh.node.ledger.OwnerOnly.tree(outDir); // a backup holds the key and votes
        return outDir;
    }

    /** The identity of the directory at {@code dir} itself (a link there is not followed), or null. */
    private static Object fileKey(Path dir) throws IOException {
        var attrs = Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        return attrs.isDirectory() ? attrs.fileKey() : null;
    }

    /**
     * A backup holds the node's key and votes: no other user may be able to swap the directory it goes to while it
     * is written. So every ancestor must be owned by this user or root and be writable by nobody else, unless its
     * sticky bit stops others renaming what they do not own (as /tmp's does), the way ssh's StrictModes checks.
     */
    private void refuseSharedAncestors(Path dir) throws IOException {
        if (!Files.getFileStore(dir).supportsFileAttributeView("unix")) {
            return;
        }
        int me = (Integer) Files.getAttribute(dataDir.root(), "unix:uid");
        for (Path p = dir.toRealPath(); p != null; p = p.getParent()) {
            int uid = (Integer) Files.getAttribute(p, "unix:uid");
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            boolean othersMayWrite = (mode & 0022) != 0 && (mode & 01000) == 0;
            if ((uid != me && uid != 0) || othersMayWrite) {
                throw new IOException("a backup under " + p + " could be redirected by another user (it is "
                        + (uid != me && uid != 0 ? "owned by uid " + uid : "writable by others") + "); choose a"
                        + " directory only you can write");
            }
        }
    }

    @Override
    public Position proof(TableId table, Path out) throws IOException {
        TableState state;
        try {
            state = loop.read(e -> e.tableState(table).orElse(null)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the engine did not answer: " + e.getMessage(), e);
        }
        if (state == null) {
            throw new IllegalArgumentException("unknown table " + table);
        }
        Position position = Position.of(state, identity.nodeId());
        PositionProof.write(out, table, state, position, store);
        return position;
    }

    @Override
    public Peers peers() {
        return new Peers(List.copyOf(transport.connectedPeers()), transport.knownAddresses());
    }

    @Override
    public boolean healthy() {
        return state == State.RUNNING && loop.isRunning();
    }

    @Override
    public List<String> notReadyReasons() {
        return state == State.RUNNING ? notReady : List.of("node is " + state.name().toLowerCase());
    }

    @Override
    public String metricsText() {
        return metrics.scrape();
    }

    public DaemonMetrics metrics() {
        return metrics;
    }

    public int meshPort() {
        return transport.boundPort();
    }

    public DataDir dataDir() {
        return dataDir;
    }

    /** Reads engine state on the engine thread (for tools and tests). */
    public <T> CompletableFuture<T> read(java.util.function.Function<NodeEngine, T> read) {
        return loop.read(read);
    }

    /**
     * Graceful shutdown: stop taking commands, let in-flight slots finish (bounded by the config), stop the
     * engine, then the mesh, then close the ledger (RocksDB syncs its log on close).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state != State.RUNNING) {
                if (state == State.NEW) {
                    move(State.STOPPED);
                }
                return;
            }
            move(State.STOPPING);
        }
        long deadline = System.nanoTime() + config.shutdownWaitMs() * 1_000_000;
        try {
            while (System.nanoTime() < deadline && loop.isRunning()) {
                int inFlight = loop.read(NodeEngine::tablesInFlight).get(2, TimeUnit.SECONDS);
                if (inFlight == 0) {
                    break;
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            LOG.warn("shutdown could not wait for in-flight slots: {}", e.toString());
        }
        housekeeping.shutdownNow();
        try {
            loop.stop(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        store.close();
        move(State.STOPPED);
        LOG.info("node {} stopped", identity.nodeId().shortHex());
    }

    /** Why a daemon could not start: one line an operator can act on. */
    public static final class DaemonException extends Exception {
        public DaemonException(String message) {
            super(message);
        }
    }

    /** Turns one slot's result into lines for {@code dicemesh history}. */
    static final class HistoryLines {
        private HistoryLines() {
        }

        static List<String> of(ApplyResult r) {
            List<String> lines = new ArrayList<>();
            for (ApplyResult.IntentOutcome o : r.intents()) {
                lines.add(o.player().shortHex() + " " + o.kind().name().toLowerCase().replace('_', '-')
                        + (o.accepted() ? " accepted" + (o.betId() > 0 ? " (bet " + o.betId() + ")" : "")
                                : " rejected: " + o.rejection().label()));
            }
            if (r.commitmentsRecorded()) {
                lines.add("dice committed for the next roll");
            }
            if (r.hasRoll()) {
                var roll = r.roll().result();
                lines.add("roll " + r.roll().rollNo() + ": " + roll.die1() + "+" + roll.die2() + " = "
                        + (roll.die1() + roll.die2()) + (roll.pointAfter() == 0 ? "" : ", point " + roll.pointAfter()));
                for (var b : roll.outcomes()) {
                    lines.add("  bet " + b.betId() + " " + b.outcome().label()
                            + (b.winnings() > 0 ? " +" + b.winnings() : ""));
                }
            }
            return lines;
        }
    }
}
