package io.dicemesh.simulator.scenario;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.daemon.DaemonConfig;
import io.dicemesh.node.daemon.DataDir;
import io.dicemesh.node.daemon.NodeDaemon;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.net.DelayProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The scenarios' mesh as in-JVM daemons: each node a {@link NodeDaemon} with its own RocksDB ledger, TLS mesh
 * transport and engine thread, on its own loopback address (127.0.0.20 + i, dialing from it too), behind a
 * {@link DelayProxy} on 127.0.0.40 + i that it advertises. Every connection to a node crosses that node's proxy,
 * which knows the dialing node by its source address, so cutting a link is two proxies dropping each other's
 * source. A crash closes the daemon without waiting for slots in flight (not a kill -9: what it wrote is synced;
 * the live suite's chaos kills processes); a restart opens the same data dir on the same port. Real time: waits
 * poll.
 */
final class DaemonScenarioMesh implements ScenarioMesh {
    private static final long POLL_MS = 20;
    private static final long READ_TIMEOUT_MS = 5_000;

    private final Path root;
    private final List<Node> nodes = new ArrayList<>();

    private static final class Node {
        final int index;
        final DataDir dataDir;
        final Identity identity;
        final InetAddress address;
        final int port;
        final DelayProxy proxy;
        final DaemonConfig config;
        final NodeDaemon.SendRewrite rewrite;
        volatile NodeDaemon daemon;

        Node(int index, DataDir dataDir, Identity identity, InetAddress address, int port, DelayProxy proxy,
                DaemonConfig config, NodeDaemon.SendRewrite rewrite) {
            this.index = index;
            this.dataDir = dataDir;
            this.identity = identity;
            this.address = address;
            this.port = port;
            this.proxy = proxy;
            this.config = config;
            this.rewrite = rewrite;
        }
    }

    DaemonScenarioMesh(int count, Set<Integer> liars) throws Exception {
        root = Files.createTempDirectory("dicemesh-scenario-");
        try {
            InetSocketAddress first = null;
            for (int i = 0; i < count; i++) {
                InetAddress address = loopback(20 + i);
                int port = freePort(address);
                DelayProxy proxy = DelayProxy.start(new InetSocketAddress(loopback(40 + i), 0),
                        new InetSocketAddress(address, port), new DelayProxy.Profile(0, 0, 0, 0), i);
                DataDir dataDir = new DataDir(root.resolve("node" + i));
                Identity identity = dataDir.initialize(new SecureRandom()).identity();
                InetSocketAddress advertised = proxy.address();
                DaemonConfig config = new DaemonConfig(new InetSocketAddress(address, port),
                        advertised.getAddress().getHostAddress() + ":" + advertised.getPort(), 0,
                        first == null ? List.of() : List.of(first), true, 0, address);
                Liar liar = liars.contains(i) ? new Liar(identity) : null;
                NodeDaemon.SendRewrite rewrite = liar == null ? NodeDaemon.SENDS_AS_IS
                        : (to, envelope) -> liar.rewrite(envelope);
                Node n = new Node(i, dataDir, identity, address, port, proxy, config, rewrite);
                nodes.add(n);
                n.daemon = NodeDaemon.start(dataDir, config, rewrite);
                if (first == null) {
                    first = advertised;
                }
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private static InetAddress loopback(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }

    @Override
    public int size() {
        return nodes.size();
    }

    @Override
    public NodeId id(int node) {
        return nodes.get(node).identity.nodeId();
    }

    @Override
    public Identity identity(int node) {
        return nodes.get(node).identity;
    }

    @Override
    public CompletableFuture<ClientResult> submit(int node, ClientRequest request) {
        NodeDaemon d = nodes.get(node).daemon;
        if (d == null) {
            return CompletableFuture.completedFuture(new ClientResult.Failed(ClientResult.Code.BUSY,
                    "node " + node + " is down"));
        }
        return d.submit(request);
    }

    @Override
    public boolean await(BooleanSupplier done, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private <T> Optional<T> read(int node, Function<NodeEngine, T> read) {
        NodeDaemon d = nodes.get(node).daemon;
        if (d == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(d.read(read).get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty(); // stopping, or too busy to answer: as if unknown for this poll
        }
    }

    @Override
    public Optional<TableState> state(int node, TableId table) {
        return read(node, e -> e.tableState(table).orElse(null));
    }

    @Override
    public List<TableId> tables(int node) {
        return read(node, NodeEngine::tableIds).orElse(List.of());
    }

    @Override
    public LedgerReplay.Report audit(int node, TableId table) {
        NodeDaemon d = nodes.get(node).daemon;
        if (d == null) {
            throw new IllegalStateException("node " + node + " is down: its ledger is closed");
        }
        return d.audit(table);
    }

    @Override
    public void crash(int node) {
        Node n = nodes.get(node);
        NodeDaemon d = n.daemon;
        n.daemon = null;
        if (d != null) {
            d.close();
        }
    }

    @Override
    public void restart(int node) {
        Node n = nodes.get(node);
        if (n.daemon != null) {
            return;
        }
        try {
            n.daemon = NodeDaemon.start(n.dataDir, n.config, n.rewrite);
        } catch (NodeDaemon.DaemonException e) {
            throw new IllegalStateException("node " + node + " did not restart: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isUp(int node) {
        return nodes.get(node).daemon != null;
    }

    @Override
    public void cut(int a, int b) {
        nodes.get(a).proxy.cut(nodes.get(b).address);
        nodes.get(b).proxy.cut(nodes.get(a).address);
    }

    @Override
    public void healAll() {
        for (Node n : nodes) {
            for (Node other : nodes) {
                n.proxy.restore(other.address);
            }
        }
    }

    @Override
    public List<String> violations() {
        return List.of(); // no step-by-step checkers here: the scenarios' own end checks and the audits count
    }

    @Override
    public String toString() {
        return nodes.size() + " daemons over Netty on loopback";
    }

    @Override
    public void close() throws IOException {
        for (Node n : nodes) {
            NodeDaemon d = n.daemon;
            n.daemon = null;
            if (d != null) {
                d.close();
            }
            n.proxy.close();
        }
        if (Files.exists(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
