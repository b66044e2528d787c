package io.dicemesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** api.json and what a client says when it cannot use it or the node will not have it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiClientTest {
    @TempDir
    Path dir;

    final FakeNodeService node = new FakeNodeService();
    AdminServer server;

    @BeforeEach
    void start() throws Exception {
        server = AdminServer.start(node, 0, AdminServerTest.TOKEN, AdminServer.Limits.defaults());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void apiFileIsOwnerOnlyFromTheStartAndRoundTrips() throws Exception {
        ApiFile file = new ApiFile(server.port(), AdminServerTest.TOKEN, 4242);
        file.write(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ApiFile.path(dir))));
        assertEquals(file, ApiFile.read(dir));
        assertFalse(Files.exists(dir.resolve(ApiFile.NAME + ".tmp")));
        assertEquals(FakeNodeService.ME.hex(), ApiClient.forDataDir(dir).id().get("id").getAsString());
        assertFalse(file.toString().contains(AdminServerTest.TOKEN), "toString hides the token");
    }

    @Test
    void clientsMadePerCallShareConnectionsSoTheNodesConnectionLimitIsNeverReached() throws Exception {
        new ApiFile(server.port(), AdminServerTest.TOKEN, 1).write(dir);
        int calls = 3 * AdminServer.Limits.defaults().connectionsMax();
        for (int i = 0; i < calls; i++) {
            assertEquals(FakeNodeService.ME.hex(), ApiClient.forDataDir(dir).id().get("id").getAsString(), "call " + i);
        }
    }

    @Test
    void noApiFileMeansNoNodeRunsThere() {
        ApiException e = assertThrows(ApiException.class, () -> ApiClient.forDataDir(dir));
        assertEquals("not-running", e.code());
        assertEquals("no dicemesh node is running with data dir " + dir + " (start one with 'dicemesh run "
                + "--data-dir " + dir + "')", e.getMessage());
    }

    @Test
    void anApiFileOthersCanReadIsRefused() throws Exception {
        new ApiFile(server.port(), AdminServerTest.TOKEN, 1).write(dir);
        Files.setPosixFilePermissions(ApiFile.path(dir), PosixFilePermissions.fromString("rwx------"));
        assertEquals(server.port(), ApiFile.read(dir).port(), "what only the owner can do is fine");
        for (String mode : new String[] {"rw-r--r--", "rw-rw----", "rw----r--", "rw-----w-", "r-------x"}) {
            Files.setPosixFilePermissions(ApiFile.path(dir), PosixFilePermissions.fromString(mode));
            ApiException e = assertThrows(ApiException.class, () -> ApiClient.forDataDir(dir), mode);
            assertEquals("api-file", e.code());
            assertTrue(e.getMessage().contains("is open to other users"), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        }
        assertTrue(node.submitted.isEmpty());
    }

    @Test
    void aWrongTokenIsBlamedOnTheApiFile() throws Exception {
        new ApiFile(server.port(), "f".repeat(64), 1).write(dir);
        ApiException e = assertThrows(ApiException.class, () -> ApiClient.forDataDir(dir).tables());
        assertEquals(401, e.status());
        assertEquals("bad-token", e.code());
        assertEquals("the node rejected the API token in " + ApiFile.path(dir), e.getMessage());
        assertTrue(node.submitted.isEmpty());
    }

    @Test
    void aStaleApiFileWithNothingListeningMeansNoNodeRuns() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            free = s.getLocalPort();
        }
        new ApiFile(free, AdminServerTest.TOKEN, 1).write(dir);
        ApiException e = assertThrows(ApiException.class, () -> ApiClient.forDataDir(dir).balance());
        assertEquals("not-running", e.code());
        assertTrue(e.getMessage().startsWith("no dicemesh node is running with data dir " + dir), e.getMessage());
    }

    @Test
    void aDamagedApiFileSaysSo() throws Exception {
        Files.writeString(ApiFile.path(dir), "{\"port\": \"x\"}");
        Files.setPosixFilePermissions(ApiFile.path(dir), PosixFilePermissions.fromString("rw-------"));
        ApiException e = assertThrows(ApiException.class, () -> ApiClient.forDataDir(dir));
        assertEquals("api-file", e.code());
        assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
    }

    @Test
    void deleteRemovesOnlyItsOwnApiFile() throws Exception {
        ApiFile mine = new ApiFile(1000, "a".repeat(64), 1);
        ApiFile theirs = new ApiFile(1001, "b".repeat(64), 2);
        theirs.write(dir);
        mine.deleteIfOurs(dir);
        assertEquals(theirs, ApiFile.read(dir));
        theirs.deleteIfOurs(dir);
        assertFalse(Files.exists(ApiFile.path(dir)));
        mine.deleteIfOurs(dir);
    }
}
