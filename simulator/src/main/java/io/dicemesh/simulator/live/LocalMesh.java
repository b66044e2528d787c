package io.dicemesh.simulator.live;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.daemon.DataDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real dicemesh daemons on loopback, one JVM process each, with their data dirs (RocksDB ledger, key, api.json)
 * in a temp dir: started, killed with SIGKILL, restarted, and always cleaned up (also on failure and on JVM
 * exit). The nodes run the {@code dicemesh run} command from the same classpath as this process.
 */
public final class LocalMesh implements AutoCloseable {
    /** How long a node may take to bring its admin API up. */
    public static final long START_TIMEOUT_MS = 60_000;

    /** One node process and where to reach it. */
    public static final class Node {
        final int index;
        final Path dataDir;
        final int meshPort;
        final int apiPort;
        final NodeId id;
        final List<String> joins;
        Process process;
        int starts;

        Node(int index, Path dataDir, int meshPort, int apiPort, NodeId id, List<String> joins) {
            this.index = index;
            this.dataDir = dataDir;
            this.meshPort = meshPort;
            this.apiPort = apiPort;
            this.id = id;
            this.joins = joins;
        }

        public int index() {
            return index;
        }

        public Path dataDir() {
            return dataDir;
        }

        public NodeId id() {
            return id;
        }

        public int apiPort() {
            return apiPort;
        }

        public int meshPort() {
            return meshPort;
        }

        public boolean alive() {
            return process != null && process.isAlive();
        }

        public long pid() {
            return process == null ? -1 : process.pid();
        }

        public Path log() {
            return dataDir.resolve("node.log");
        }
    }

    private final Path root;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread cleanup = new Thread(this::killAll, "local-mesh-cleanup");
    private final List<String> extraArgs;

    /** Creates and initializes {@code count} data dirs; nodes 1.. join node 0 (and each other by gossip). */
    public LocalMesh(int count, List<String> extraArgs) throws IOException {
        this.root = Files.createTempDirectory("dicemesh-live-");
        this.extraArgs = List.copyOf(extraArgs);
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(new int[] {freePort(), freePort()});
        }
        for (int i = 0; i < count; i++) {
            Path dir = root.resolve("node" + i);
            DataDir dataDir = new DataDir(dir);
            NodeId id;
            try {
                id = dataDir.initialize(new SecureRandom()).identity().nodeId();
            } catch (io.dicemesh.crypto.KeyFileException e) {
                throw new IOException(e.getMessage(), e);
            }
            List<String> joins = new ArrayList<>();
            for (int j = 0; j < Math.min(i, 2); j++) {
                joins.add("127.0.0.1:" + ports.get(j)[0]);
            }
            nodes.add(new Node(i, dir, ports.get(i)[0], ports.get(i)[1], id, joins));
        }
    }

    public Path root() {
        return root;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    /** Starts every node and waits until each has written its api.json. */
    public void startAll() throws IOException, InterruptedException {
        for (Node n : nodes) {
            start(n);
        }
        for (Node n : nodes) {
            awaitApi(n);
        }
    }

    /** Starts (or restarts) a node process; returns at once. */
    public void start(Node n) throws IOException {
        if (n.alive()) {
            return;
        }
        Files.deleteIfExists(n.dataDir.resolve("api.json"));
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC"));
        String opts = System.getenv("DICEMESH_NODE_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.dicemesh.node.cli.Main", "run",
                "--data-dir", n.dataDir.toString(), "--listen", "127.0.0.1:" + n.meshPort,
                "--api-port", Integer.toString(n.apiPort), "--auto-accept-invites"));
        for (String j : n.joins) {
            cmd.add("--join");
            cmd.add(j);
        }
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log().toFile()));
        n.process = pb.start();
        n.starts++;
    }

    /** Waits until the node's api.json exists (its admin API is up), or fails with the end of its log. */
    public void awaitApi(Node n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000;
        Path apiJson = n.dataDir.resolve("api.json");
        while (!Files.exists(apiJson)) {
            if (!n.alive()) {
                throw new IOException("node" + n.index + " exited during start: " + tail(n.log(), 5));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("node" + n.index + " did not start within " + START_TIMEOUT_MS / 1000 + " s: "
                        + tail(n.log(), 5));
            }
            Thread.sleep(50);
        }
    }

    /** kill -9: the process gets no chance to flush or close anything. */
    public void kill(Node n) throws InterruptedException {
        if (n.process != null) {
            n.process.destroyForcibly();
            n.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: the node shuts down gracefully (finishing in-flight slots). */
    public boolean terminate(Node n, long timeoutMs) throws InterruptedException {
        if (n.process == null) {
            return true;
        }
        n.process.destroy();
        return n.process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void killAll() {
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
        for (Node n : nodes) {
            if (n.process != null) {
                try {
                    n.process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Kills every node and removes the temp dir (unless asked to keep it for a look). */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook does the work
        }
        if (!Boolean.getBoolean("dicemesh.live.keep")) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + root, e);
            }
        }
    }

    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
