package io.dicemesh.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunCommandTest {
    @TempDir
    Path tmp;

    private Path initialized(String name) {
        Path dir = tmp.resolve(name);
        assertEquals(0, CliRun.of("init", "--data-dir", dir.toString()).exitCode());
        return dir;
    }

    private static void assertOneLine(CliRun run, int exitCode, String contains) {
        assertEquals(exitCode, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        assertTrue(run.err().contains(contains), run.err());
    }

    @Test
    void runPrintsItsAddressesWritesAPrivateApiJsonAndRemovesItOnShutdown() throws Exception {
        Path dir = initialized("dm");
        String id = CliRun.of("id", "--data-dir", dir.toString()).out().strip();
        RunningNode node = RunningNode.start(dir);
        try {
            Matcher m = Pattern.compile("node ([0-9a-f]{64}) mesh 127\\.0\\.0\\.1:(\\d+) api 127\\.0\\.0\\.1:(\\d+)\\R")
                    .matcher(node.out());
            assertTrue(m.matches(), node.out());
            assertEquals(id, m.group(1));
            Path apiJson = dir.resolve("api.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(apiJson)));
            String json = Files.readString(apiJson);
            assertTrue(json.contains("\"port\":" + m.group(3)), json);
            assertTrue(json.matches("(?s).*\"token\":\"[0-9a-f]{64}\".*"), json);
            assertTrue(json.contains("\"pid\":" + ProcessHandle.current().pid()), json);
            assertEquals(0, CliRun.of("peers", "--data-dir", dir.toString()).exitCode());
        } finally {
            assertEquals(0, node.stop());
        }
        assertFalse(Files.exists(dir.resolve("api.json")), "api.json is deleted on shutdown");
        assertOneLine(CliRun.of("balance", "--data-dir", dir.toString()), 1,
                "no dicemesh node is running with data dir " + dir);
        RunningNode again = RunningNode.start(dir);
        assertEquals(0, again.stop(), "the ledger was closed cleanly: the node starts again");
    }

    @Test
    void runOnADirWithoutAKeyFailsInOneLine() {
        Path dir = tmp.resolve("nothing");
        CliRun run = CliRun.of("run", "--data-dir", dir.toString(), "--api-port", "0", "--listen", "127.0.0.1:0");
        assertOneLine(run, 1, "dicemesh init --data-dir");
        assertFalse(Files.exists(dir));
    }

    @Test
    void runWithABadConfigOrFlagFailsInOneLine() throws Exception {
        Path dir = initialized("cfg");
        Files.writeString(dir.resolve("dicemesh.properties"), "bogus=1\n");
        assertOneLine(CliRun.of("run", "--data-dir", dir.toString()), 1, "unknown setting 'bogus'");
        Files.writeString(dir.resolve("dicemesh.properties"), "auto-accept-invites=maybe\n");
        assertOneLine(CliRun.of("run", "--data-dir", dir.toString()), 1, "auto-accept-invites must be true or false");
        Files.writeString(dir.resolve("dicemesh.properties"), "dial-from=localhost\n");
        assertOneLine(CliRun.of("run", "--data-dir", dir.toString()), 1,
                "dial-from must be an IP address, not 'localhost'");
        Files.writeString(dir.resolve("dicemesh.properties"), "dial-from=0.0.0.0\n");
        assertOneLine(CliRun.of("run", "--data-dir", dir.toString()), 1,
                "dial-from must be one address of this host, not '0.0.0.0'");
        Files.writeString(dir.resolve("dicemesh.properties"), "dial-from=198.18.7.7\n");
        assertOneLine(CliRun.of("run", "--data-dir", dir.toString(), "--api-port", "0", "--listen", "127.0.0.1:0"), 1,
                "cannot dial from 198.18.7.7: not an address of this host");
        Files.delete(dir.resolve("dicemesh.properties"));
        assertOneLine(CliRun.of("run", "--data-dir", dir.toString(), "--listen", "nowhere"), 1,
                "listen must be HOST:PORT");
        assertOneLine(CliRun.of("run", "--data-dir", dir.toString(), "--api-port", "x"), 2, "--api-port");
        assertFalse(Files.exists(dir.resolve("api.json")));
    }

    @Test
    void runWithItsApiPortTakenFailsAndLeavesNoApiJson() throws Exception {
        Path dir = initialized("busy");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            CliRun run = CliRun.of("run", "--data-dir", dir.toString(), "--listen", "127.0.0.1:0", "--api-port",
                    Integer.toString(taken.getLocalPort()));
            assertOneLine(run, 1, "cannot serve the admin API on 127.0.0.1:" + taken.getLocalPort());
        }
        assertFalse(Files.exists(dir.resolve("api.json")));
        RunningNode node = RunningNode.start(dir);
        assertEquals(0, node.stop(), "the failed start released the ledger");
    }

    @Test
    void aSecondNodeOnTheSameDataDirFailsAndLeavesTheFirstOneAlone() throws Exception {
        Path dir = initialized("twice");
        try (RunningNode first = RunningNode.start(dir)) {
            assertTrue(first.out().startsWith("node "), first.out());
            String apiJson = Files.readString(dir.resolve("api.json"));
            CliRun second = CliRun.of("run", "--data-dir", dir.toString(), "--listen", "127.0.0.1:0", "--api-port",
                    "0");
            assertEquals(1, second.exitCode(), second.err());
            assertEquals(1, second.err().strip().lines().count(), second.err());
            assertEquals(apiJson, Files.readString(dir.resolve("api.json")));
            assertEquals(0, CliRun.of("table", "list", "--data-dir", dir.toString()).exitCode());
        }
    }
}
