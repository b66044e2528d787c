package io.dicemesh.simulator.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Ping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * End to end with real processes on loopback: three daemons, each its own JVM with Netty and RocksDB, driven
 * through the dicemesh CLI (also a separate JVM per command). The mesh is shared by the ordered steps below and
 * every process is killed afterwards, also when a step fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ThreeNodeEndToEndTest {
    private LocalMesh mesh;
    private String table;

    record Cli(int code, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out.strip()).getAsJsonObject();
        }
    }

    @BeforeAll
    void startMesh() throws Exception {
        mesh = new LocalMesh(3, List.of());
        mesh.startAll();
    }

    @AfterAll
    void stopMesh() {
        if (mesh != null) {
            mesh.close();
        }
    }

    static Cli cli(Path dataDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.dicemesh.node.cli.Main"));
        cmd.addAll(List.of(args));
        cmd.add("--data-dir");
        cmd.add(dataDir.toString());
        Process p = new ProcessBuilder(cmd).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the CLI did not finish: " + String.join(" ", args));
            return new Cli(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private Cli cli(int node, String... args) throws IOException, InterruptedException {
        return cli(mesh.node(node).dataDir(), args);
    }

    private JsonObject show(int node) throws Exception {
        Cli c = cli(node, "table", "show", table, "--json");
        assertEquals(0, c.code(), c.err());
        return c.json();
    }

    private void awaitSameState(long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            List<String> states = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonObject s = ApiClient.forDataDir(mesh.node(i).dataDir()).table(table);
                s.remove("my_stack");
                states.add(s.get("seq") + " " + s.get("stacks") + " " + s.get("bank") + " " + s.get("felt"));
            }
            if (states.stream().distinct().count() == 1) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the nodes did not converge: " + states);
            Thread.sleep(200);
        }
    }

    @Test
    @Order(1)
    void aTableCreatedThroughTheCliStartsOnAllThreeAndABetAndARollAgreeEverywhere() throws Exception {
        String ids = mesh.node(0).id().hex() + "," + mesh.node(1).id().hex() + "," + mesh.node(2).id().hex();
        Cli create = cli(0, "table", "create", "--players", ids, "--stack", "1000", "--bank", "100000", "--json");
        assertEquals(0, create.code(), create.err());
        table = create.json().get("table").getAsString();
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int i = 0; i < 3; i++) {
            while (!"active".equals(ApiClient.forDataDir(mesh.node(i).dataDir()).table(table).get("status")
                    .getAsString())) {
                assertTrue(System.nanoTime() < deadline, "table did not start on node" + i);
                Thread.sleep(100);
            }
        }
        Cli bet = cli(1, "bet", table, "pass", "10", "--json");
        assertEquals(0, bet.code(), bet.err());
        assertTrue(bet.json().get("bet_id").getAsLong() > 0);
        Cli field = cli(2, "bet", table, "field", "5");
        assertEquals(0, field.code(), field.err());
        assertTrue(field.out().contains("bet"), field.out());
        Cli roll = cli(0, "roll", table, "--json");
        assertEquals(0, roll.code(), roll.err());
        assertEquals(2, roll.json().getAsJsonArray("dice").size());
        awaitSameState(30_000);
        JsonObject a = show(0);
        for (int i = 1; i < 3; i++) {
            JsonObject b = show(i);
            assertEquals(a.get("seq"), b.get("seq"));
            assertEquals(a.get("stacks"), b.get("stacks"), "balances must agree on every node");
        }
        Cli balance = cli(1, "balance", table);
        assertEquals(0, balance.code(), balance.err());
    }

    @Test
    @Order(2)
    void aNodeKilledMidSlotRestartsFromItsDataDirAndAllThreeConvergeWithPassingAudits() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong placed = new AtomicLong();
        Thread player = new Thread(() -> {
            while (!stop.get()) {
                try {
                    ApiClient.forDataDir(mesh.node(0).dataDir()).placeBet(table, "field", 5, 0, 0);
                    placed.incrementAndGet();
                } catch (ApiException e) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
        player.start();
        try {
            while (placed.get() < 5) {
                Thread.sleep(50);
            }
            mesh.kill(mesh.node(2)); // kill -9 while bets are in flight: some slot is mid-commit
            Thread.sleep(500); // a slot node 2 voted for before it died may still commit and answer: let it land
            long before = placed.get();
            Thread.sleep(1_500);
            assertEquals(before, placed.get(), "no slot can commit without every player");
            mesh.start(mesh.node(2));
            mesh.awaitApi(mesh.node(2));
            long restarted = placed.get();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (placed.get() < restarted + 5) {
                assertTrue(System.nanoTime() < deadline, "the table did not resume after the restart");
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            player.join(60_000);
        }
        awaitSameState(60_000);
        for (int i = 0; i < 3; i++) {
            Cli audit = cli(i, "audit", table);
            assertEquals(0, audit.code(), "audit on node" + i + ": " + audit.out() + audit.err());
            assertTrue(audit.out().contains("OK"), audit.out());
        }
    }

    @Test
    @Order(3)
    void forgedSignatureAndOversizeFrameClientsAreDisconnectedWhileTheTableKeepsPlaying() throws Exception {
        int port = mesh.node(0).meshPort();
        try (RawMeshClient forger = new RawMeshClient(port)) {
            Envelope ping = Signatures.seal(forger.identity(), Body.newBuilder()
                    .setPing(Ping.newBuilder().setNonce(1)).build());
            byte[] sig = ping.getSignature().toByteArray();
            sig[0] ^= 1;
            forger.send(ping.toBuilder().setSignature(ByteString.copyFrom(sig)).build());
            assertTrue(forger.disconnected(), "a forged signature must end the connection");
        }
        try (RawMeshClient big = new RawMeshClient(port)) {
            big.sendRaw(new byte[] {0x7f, 0x00, 0x00, 0x00}); // a 2 GiB frame announced
            assertTrue(big.disconnected(), "an oversize frame must end the connection");
        }
        Cli bet = cli(1, "bet", table, "place", "25", "6", "--json");
        assertEquals(0, bet.code(), "the table keeps playing: " + bet.err());
        awaitSameState(30_000);
    }

    @Test
    @Order(4)
    void badCliInputGivesOneClearLineAndChangesNothing() throws Exception {
        JsonObject before = show(0);
        Cli unknownTable = cli(0, "bet", "ab".repeat(32), "pass", "10");
        assertNotEquals(0, unknownTable.code());
        assertEquals(1, unknownTable.err().strip().lines().count(), unknownTable.err());
        Cli badType = cli(0, "bet", table, "lay", "10");
        assertEquals(2, badType.code(), badType.err());
        Cli badAmount = cli(0, "bet", table, "pass", "ten");
        assertEquals(2, badAmount.code(), badAmount.err());
        Cli placeWithoutNumber = cli(0, "bet", table, "place", "10");
        assertEquals(2, placeWithoutNumber.code(), placeWithoutNumber.err());
        Path lonely = mesh.root().resolve("not-running");
        assertEquals(0, cli(lonely, "init").code());
        Cli notRunning = cli(lonely, "balance");
        assertEquals(1, notRunning.code(), notRunning.err());
        assertEquals(1, notRunning.err().strip().lines().count(), notRunning.err());
        assertTrue(notRunning.err().contains("dicemesh run"), notRunning.err());
        JsonObject after = show(0);
        assertEquals(before.get("seq"), after.get("seq"), "bad input changed nothing");
        assertFalse(after.get("stacks").toString().isEmpty());
    }

    @Test
    @Order(5)
    void aNodeRestoredFromABackupStartsAndCatchesUpWithWhatItMissed() throws Exception {
        Path backup = mesh.root().resolve("node2-backup");
        Cli taken = cli(2, "backup", "--out", backup.toString());
        assertEquals(0, taken.code(), taken.err());
        long seqAtBackup = show(2).get("seq").getAsLong();
        for (int i = 0; i < 3; i++) { // node2 votes on these, so its live ledger moves past the backup
            assertEquals(0, cli(0, "bet", table, "field", "5").code());
        }
        assertEquals(0, cli(1, "roll", table).code());
        long seqBeforeRestore = show(0).get("seq").getAsLong();
        assertTrue(seqBeforeRestore > seqAtBackup);

        mesh.kill(mesh.node(2));
        Path ledger = mesh.node(2).dataDir().resolve("ledger");
        deleteTree(ledger);
        copyTree(backup.resolve("ledger"), ledger);
        mesh.start(mesh.node(2));
        mesh.awaitApi(mesh.node(2));
        awaitSameState(60_000); // from certificates its peers send: it cannot replay what it never stored
        assertTrue(show(2).get("seq").getAsLong() >= seqBeforeRestore);
        Cli bet = cli(2, "bet", table, "field", "5");
        assertEquals(0, bet.code(), "the restored node plays on: " + bet.err());
        awaitSameState(30_000);
        for (int i = 0; i < 3; i++) {
            Cli audit = cli(i, "audit", table);
            assertEquals(0, audit.code(), "audit on node" + i + ": " + audit.out() + audit.err());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }
}
