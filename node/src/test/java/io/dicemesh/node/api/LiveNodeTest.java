package io.dicemesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.crypto.Identity;
import io.dicemesh.node.daemon.DaemonConfig;
import io.dicemesh.node.daemon.DataDir;
import io.dicemesh.node.daemon.NodeDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real single-node daemon behind the admin API: a one-player table played, audited, backed up and restored. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveNodeTest {
    /** Rolls at most before the test gives up on a pass bet resolving (each roll resolves it with p >= 1/3). */
    private static final int ROLLS_MAX = 200;

    @TempDir
    Path tmp;

    private static DaemonConfig config(Path dir) {
        return DaemonConfig.load(dir, new DaemonConfig.Overrides("127.0.0.1:0", null, 0, List.of(), false));
    }

    @Test
    void aOnePlayerTableBetsRollsAuditsAndRestoresFromABackup() throws Exception {
        Path dir = tmp.resolve("node");
        new DataDir(dir).initialize(new SecureRandom());
        String token = AdminServer.newToken(new SecureRandom());
        Path backup = tmp.resolve("backup");
        long seqAtBackup;
        long stackAtBackup;
        String table;
        try (NodeDaemon daemon = NodeDaemon.start(new DataDir(dir), config(dir));
                AdminServer server = AdminServer.start(daemon, 0, token, AdminServer.Limits.defaults())) {
            ApiClient api = ApiClient.at(server.port(), token);
            String me = api.id().get("id").getAsString();
            table = api.createTable(List.of(me), 1000, 10_000, null).get("table").getAsString();
            assertEquals("active", api.table(table).get("status").getAsString());

            JsonObject bet = api.placeBet(table, "pass", 10, 0, 0);
            long betId = bet.get("bet_id").getAsLong();
            assertEquals(990, stack(api, table));
            JsonObject settled = null;
            for (int rolls = 0; settled == null && rolls < ROLLS_MAX; rolls++) {
                JsonObject roll = api.roll(table);
                assertEquals(2, roll.getAsJsonArray("dice").size());
                for (JsonElement o : roll.getAsJsonArray("outcomes")) {
                    if (o.getAsJsonObject().get("bet_id").getAsLong() == betId) {
                        settled = o.getAsJsonObject();
                        assertEquals(me, settled.get("player").getAsString());
                    }
                }
            }
            assertNotNull(settled, "the pass bet did not resolve in " + ROLLS_MAX + " rolls");
            String outcome = settled.get("outcome").getAsString();
            assertTrue(outcome.equals("win") || outcome.equals("lose"), outcome);
            assertEquals(outcome.equals("win") ? 1010 : 990, stack(api, table));

            JsonObject shown = api.table(table);
            long seq = shown.get("seq").getAsLong();
            JsonObject history = api.history(table, 1000);
            assertEquals(seq, history.getAsJsonArray("entries").size(), "every slot from seq 1");
            JsonObject first = history.getAsJsonArray("entries").get(0).getAsJsonObject();
            assertEquals(1, first.get("seq").getAsLong());
            assertTrue(first.getAsJsonArray("lines").toString().contains("place-bet accepted (bet " + betId + ")"),
                    first.toString());
            assertTrue(history.toString().contains("bet " + betId + " " + outcome), history.toString());

            JsonObject audit = api.audit(table);
            assertTrue(audit.get("ok").getAsBoolean(), audit.toString());
            assertEquals(seq, audit.get("slots_checked").getAsLong());
            assertEquals(seq, audit.get("last_seq").getAsLong());
            assertEquals(200, Http.send(server.port(), "GET", "/ready", null, null).status());
            assertTrue(api.metrics().contains("dicemesh_slots_committed_total " + seq + ".0"), api.metrics());

            ApiException unknown = assertThrows(ApiException.class, () -> api.audit("ab".repeat(32)));
            assertEquals("unknown-table", unknown.code());

            Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
            Path planted = Files.createSymbolicLink(tmp.resolve("planted"), elsewhere);
            ApiException linked = assertThrows(ApiException.class, () -> api.backup(planted));
            assertEquals(400, linked.status(), linked.getMessage());
            try (var written = Files.list(elsewhere)) {
                assertEquals(0, written.count(), "a backup went through a planted link");
            }
            assertEquals(backup.toString(), api.backup(backup).get("backup").getAsString());
            assertTrue(Files.exists(backup.resolve("node.key")));
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(backup)));
            try (var all = Files.walk(backup)) {
                for (Path f : (Iterable<Path>) all::iterator) {
                    assertEquals(Files.isDirectory(f) ? "rwx------" : "rw-------", java.nio.file.attribute
                            .PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
                }
            }
            seqAtBackup = seq;
            stackAtBackup = stack(api, table);
            api.roll(table);
            assertTrue(api.table(table).get("seq").getAsLong() > seqAtBackup, "the original moves on");
        }

        // A second node from the backup (its own ports) starts, holds the table as it was, and audits clean.
        try (NodeDaemon restored = NodeDaemon.start(new DataDir(backup), config(backup));
                AdminServer server = AdminServer.start(restored, 0, token, AdminServer.Limits.defaults())) {
            ApiClient api = ApiClient.at(server.port(), token);
            JsonObject shown = api.table(table);
            assertEquals(seqAtBackup, shown.get("seq").getAsLong());
            assertEquals(stackAtBackup, stack(api, table));
            JsonObject audit = api.audit(table);
            assertTrue(audit.get("ok").getAsBoolean(), audit.toString());
            assertEquals(seqAtBackup, audit.get("slots_checked").getAsLong());
            api.placeBet(table, "field", 5, 0, 0);
            assertTrue(api.audit(table).get("ok").getAsBoolean(), "the restored node goes on playing");
        }
    }

    private static long stack(ApiClient api, String table) throws ApiException {
        for (JsonElement b : api.balance().getAsJsonArray("balances")) {
            if (b.getAsJsonObject().get("table").getAsString().equals(table)) {
                return b.getAsJsonObject().get("stack").getAsLong();
            }
        }
        throw new AssertionError("no balance for table " + table);
    }

    /**
     * A node whose key is kept behind a link (in a secrets dir) backs up the key itself: a copy of the link would
     * leave a backup without its key, and a restored node without its seats (a review found this).
     */
    @Test
    void aBackupOfAKeyKeptBehindALinkHoldsTheKeyItself() throws Exception {
        Path dir = tmp.resolve("linked-key-node");
        Identity id = new DataDir(dir).initialize(new SecureRandom()).identity();
        Path secrets = Files.createDirectory(tmp.resolve("secrets"));
        Files.move(dir.resolve("node.key"), secrets.resolve("node.key"));
        Files.createSymbolicLink(dir.resolve("node.key"), java.nio.file.Paths.get("../secrets/node.key"));
        String token = AdminServer.newToken(new SecureRandom());
        Path backup = tmp.resolve("linked-key-backup");
        try (NodeDaemon daemon = NodeDaemon.start(new DataDir(dir), config(dir));
                AdminServer server = AdminServer.start(daemon, 0, token, AdminServer.Limits.defaults())) {
            ApiClient.at(server.port(), token).backup(backup);
        }
        Path key = backup.resolve("node.key");
        assertTrue(!Files.isSymbolicLink(key) && Files.isRegularFile(key), "the backup holds a link, not the key");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)));
        assertEquals(id.nodeId(), Identity.load(key).nodeId());
    }

    /** A backup under a directory other users may write to could be swapped while written: refused. */
    @Test
    void aBackupUnderADirectoryOthersMayWriteIsRefused() throws Exception {
        Path dir = tmp.resolve("shared-parent-node");
        new DataDir(dir).initialize(new SecureRandom());
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        String token = AdminServer.newToken(new SecureRandom());
        try (NodeDaemon daemon = NodeDaemon.start(new DataDir(dir), config(dir));
                AdminServer server = AdminServer.start(daemon, 0, token, AdminServer.Limits.defaults())) {
            ApiException e = assertThrows(ApiException.class,
                    () -> ApiClient.at(server.port(), token).backup(shared.resolve("bk")));
            assertTrue(e.getMessage().contains("writable by others"), e.getMessage());
        }
        assertTrue(!Files.exists(shared.resolve("bk")), "nothing was written there");
    }
}
