package io.dicemesh.simulator.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dicemesh.node.daemon.DataDir;
import io.dicemesh.simulator.live.LocalMesh;
import io.dicemesh.simulator.net.DelayProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Five daemons on five "hosts": each in its own network namespace with its own address (198.18.0.0/15, no route
 * out), joined through real addresses over veth pairs and a bridge, not loopback. In front of each node a
 * {@link DelayProxy} makes the links a WAN (20 ms +- 5 ms each way, 1% of writes held back 200 ms), and each node
 * advertises its proxy's address. Bots on four nodes bet and roll; one node's link goes down for longer than
 * many view timeouts and comes back; then every table copy must be at one seq and pass its audit. Prints the commit
 * latency the bettors saw under this WAN profile. Needs root and {@code ip netns}; where they are missing it says so
 * and is skipped (CI here runs as root).
 */
@Tag("netns")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiHostNetnsTest {
    static final int NODES = 5;
    static final int MESH_PORT = 7600;
    static final int API_PORT = 7700;
    static final long PLAY_SECONDS = 30;
    static final long PARTITION_AT_MS = 8_000;
    static final long PARTITION_MS = 5_000;

    private final String tag = Integer.toString(new SecureRandom().nextInt(900) + 100);
    private final String bridge = "dmbr" + tag;
    private final List<Process> processes = new ArrayList<>();
    private final List<DelayProxy> proxies = new ArrayList<>();
    private Path root;

    private String ns(int i) {
        return "dm" + tag + "n" + i;
    }

    private String veth(int i) {
        return "dm" + tag + "v" + i;
    }

    private static String nodeAddr(int i) {
        return "198.18.0." + i;
    }

    private static String proxyAddr(int i) {
        return "198.18.1." + i;
    }

    @Test
    void fiveHostsPlayOverAWanPartitionOneAndConverge() throws Exception {
        String why = namespacesUnavailable();
        Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
        root = Files.createTempDirectory("dicemesh-netns-");
        try {
            setUpNetwork();
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= NODES; i++) {
                ids.add(new DataDir(dataDir(i)).initialize(new SecureRandom()).identity().nodeId().hex());
            }
            for (int i = 1; i <= NODES; i++) {
                proxies.add(DelayProxy.start(new InetSocketAddress(InetAddress.getByName(proxyAddr(i)), MESH_PORT),
                        new InetSocketAddress(InetAddress.getByName(nodeAddr(i)), MESH_PORT), DelayProxy.Profile.wan(),
                        i));
                startDaemon(i);
            }
            for (int i = 1; i <= NODES; i++) {
                awaitApi(i);
            }
            JsonObject created = json(cli(1, "table", "create", "--players", String.join(",", ids), "--stack",
                    "100000", "--bank", "10000000", "--json"));
            String table = created.get("table").getAsString();
            for (int i = 1; i <= NODES; i++) {
                int node = i;
                awaitTrue("table active at node" + i, 90_000, () -> "active".equals(status(node, table)));
            }

            List<Process> bots = new ArrayList<>();
            for (int i = 1; i <= NODES - 1; i++) {
                bots.add(inNamespace(i, List.of(java(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                        NetnsBot.class.getName(), dataDir(i).toString(), table, Long.toString(PLAY_SECONDS),
                        Integer.toString(i)), root.resolve("bot" + i + ".log"), false));
            }
            Thread.sleep(PARTITION_AT_MS);
            sh("ip", "link", "set", veth(NODES), "down");
            System.out.printf("netns: node%d's link down for %d ms%n", NODES, PARTITION_MS);
            Thread.sleep(PARTITION_MS);
            sh("ip", "link", "set", veth(NODES), "up");
            System.out.printf("netns: node%d's link up again%n", NODES);

            List<Double> p50s = new ArrayList<>();
            List<Double> p99s = new ArrayList<>();
            long bets = 0;
            for (int i = 0; i < bots.size(); i++) {
                Process bot = bots.get(i);
                assertTrue(bot.waitFor(PLAY_SECONDS + 60, TimeUnit.SECONDS), "bot " + (i + 1) + " did not finish");
                List<String> lines = Files.readAllLines(root.resolve("bot" + (i + 1) + ".log"));
                JsonObject r = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
                bets += r.get("bets").getAsLong();
                p50s.add(r.get("p50_ms").getAsDouble());
                p99s.add(r.get("p99_ms").getAsDouble());
                System.out.println("netns: bot on node" + (i + 1) + ": " + r);
            }
            assertTrue(bets > 0, "bets committed over the WAN");

            awaitTrue("every copy at one seq", 120_000, () -> {
                long first = seq(1, table);
                for (int i = 2; i <= NODES; i++) {
                    if (seq(i, table) != first) {
                        return false;
                    }
                }
                return first > 0;
            });
            for (int i = 1; i <= NODES; i++) {
                Cli audit = cli(i, "audit", table);
                assertEquals(0, audit.code, "audit at node" + i + ": " + audit.out + audit.err);
                assertTrue(audit.out.contains("OK"), audit.out);
            }
            p50s.sort(Comparator.naturalOrder());
            System.out.printf(Locale.ROOT, "netns: WAN profile 20 +- 5 ms each way, 1%% of writes held 200 ms "
                    + "(a round trip through the dialed node's proxy is about 40 ms): %d bets, commit p50 %.1f ms (median of the "
                    + "bots' p50s %s), p99 %.1f ms (worst bot); %d held writes; seq %d on all %d nodes%n", bets,
                    p50s.get(p50s.size() / 2), p50s, p99s.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    proxies.stream().mapToLong(DelayProxy::held).sum(), seq(1, table), NODES);
        } finally {
            tearDown();
        }
    }

    /** Null when namespaces can be made here, else why not. */
    private static String namespacesUnavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "'ip netns' does not work here";
            }
        } catch (IOException | InterruptedException e) {
            return "no 'ip' command: " + e.getMessage();
        }
        return null;
    }

    private void setUpNetwork() throws Exception {
        sh("ip", "link", "add", bridge, "type", "bridge");
        sh("ip", "link", "set", bridge, "up");
        for (int i = 1; i <= NODES; i++) {
            sh("ip", "addr", "add", proxyAddr(i) + "/16", "dev", bridge); // node i's proxy, in this namespace
            sh("ip", "netns", "add", ns(i));
            sh("ip", "link", "add", veth(i), "type", "veth", "peer", "name", "eth0", "netns", ns(i));
            sh("ip", "link", "set", veth(i), "master", bridge, "up");
            sh("ip", "netns", "exec", ns(i), "ip", "addr", "add", nodeAddr(i) + "/16", "dev", "eth0");
            sh("ip", "netns", "exec", ns(i), "ip", "link", "set", "eth0", "up");
            sh("ip", "netns", "exec", ns(i), "ip", "link", "set", "lo", "up");
            // No default route: 198.18.0.0/16 on eth0 is all a namespace can reach.
        }
    }

    private void tearDown() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (DelayProxy proxy : proxies) {
            proxy.close();
        }
        for (int i = 1; i <= NODES; i++) {
            shQuiet("ip", "netns", "del", ns(i));
            shQuiet("ip", "link", "del", veth(i));
        }
        shQuiet("ip", "link", "del", bridge);
        if (root != null && !Boolean.getBoolean("dicemesh.netns.keep")) {
            try (Stream<Path> all = Files.walk(root)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir left behind
            }
        } else if (root != null) {
            System.out.println("netns: kept " + root);
        }
    }

    private Path dataDir(int i) {
        return root.resolve("node" + i);
    }

    private void startDaemon(int i) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "io.dicemesh.node.cli.Main", "run",
                "--data-dir", dataDir(i).toString(), "--listen", nodeAddr(i) + ":" + MESH_PORT,
                "--advertise", proxyAddr(i) + ":" + MESH_PORT, "--api-port", Integer.toString(API_PORT),
                "--auto-accept-invites"));
        if (i > 1) {
            cmd.addAll(List.of("--join", proxyAddr(1) + ":" + MESH_PORT));
        }
        inNamespace(i, cmd, root.resolve("node" + i + ".log"), true);
    }

    private Process inNamespace(int i, List<String> cmd, Path log, boolean keep) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(i)));
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(p);
        return p;
    }

    private void awaitApi(int i) throws Exception {
        Path apiJson = dataDir(i).resolve("api.json");
        awaitTrue("node" + i + "'s API (log: " + LocalMesh.tail(root.resolve("node" + i + ".log"), 5) + ")",
                LocalMesh.START_TIMEOUT_MS, () -> Files.exists(apiJson));
    }

    record Cli(int code, String out, String err) {
    }

    /** Runs a dicemesh CLI command inside node i's namespace (its admin API listens on that loopback). */
    private Cli cli(int i, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(i), java(), "-cp",
                System.getProperty("java.class.path"), "io.dicemesh.node.cli.Main"));
        cmd.addAll(List.of(args));
        cmd.add("--data-dir");
        cmd.add(dataDir(i).toString());
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the CLI did not finish: " + String.join(" ", args));
        return new Cli(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static JsonObject json(Cli c) {
        assertEquals(0, c.code, c.out + c.err);
        return JsonParser.parseString(c.out.strip()).getAsJsonObject();
    }

    private String status(int i, String table) {
        try {
            Cli c = cli(i, "table", "show", table, "--json");
            return c.code == 0 ? json(c).get("status").getAsString() : "unknown";
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "unknown";
        }
    }

    private long seq(int i, String table) {
        try {
            Cli c = cli(i, "table", "show", table, "--json");
            return c.code == 0 ? json(c).get("seq").getAsLong() : -1;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return -1;
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, long timeoutMs, Check check) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }

    private static void shQuiet(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // best effort
        }
    }
}
