package io.dicemesh.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitAndIdCommandTest {
    @TempDir
    Path tmp;

    @Test
    void initCreatesAKeyAndIdPrintsTheSameIdEveryTime() throws Exception {
        Path dir = tmp.resolve("dm1");
        CliRun init = CliRun.of("init", "--data-dir", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertTrue(init.out().contains("initialized"), init.out());
        assertTrue(!init.out().contains("owner-only"), "a new dir was not tightened: " + init.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));

        CliRun id1 = CliRun.of("id", "--data-dir", dir.toString());
        CliRun id2 = CliRun.of("id", "--data-dir", dir.toString());
        assertEquals(0, id1.exitCode(), id1.err());
        String id = id1.out().strip();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertEquals(id, id2.out().strip());
        assertTrue(init.out().contains(id));
        assertEquals(id.substring(0, 8), CliRun.of("id", "--short", "--data-dir", dir.toString()).out().strip());
    }

    @Test
    void initOnAnExistingOpenDirMakesItOwnerOnly() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        CliRun init = CliRun.of("init", "--data-dir", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertTrue(init.out().contains("owner-only (0700; it was rwxr-xr-x)"), "init says what it changed: "
                + init.out());
    }

    @Test
    void initOnAnInitializedDirKeepsTheKey() throws Exception {
        Path dir = tmp.resolve("dm");
        assertEquals(0, CliRun.of("init", "--data-dir", dir.toString()).exitCode());
        byte[] key = Files.readAllBytes(dir.resolve("node.key"));
        String id = CliRun.of("id", "--data-dir", dir.toString()).out().strip();
        CliRun again = CliRun.of("init", "--data-dir", dir.toString());
        assertEquals(0, again.exitCode());
        assertTrue(again.out().contains("already initialized"), again.out());
        assertEquals(new String(key), new String(Files.readAllBytes(dir.resolve("node.key"))));
        assertEquals(id, CliRun.of("id", "--data-dir", dir.toString()).out().strip());
    }

    @Test
    void idOnAMissingDataDirSaysToRunInitFirst() {
        Path dir = tmp.resolve("nothing-here");
        CliRun id = CliRun.of("id", "--data-dir", dir.toString());
        assertEquals(CliErrors.FAILED, id.exitCode());
        assertTrue(id.err().contains("dicemesh init --data-dir"), id.err());
        assertEquals(1, id.err().strip().lines().count(), "one clear line: " + id.err());
        assertFalse(Files.exists(dir), "id must not create anything");
    }

    @Test
    void idOnADirWithoutAKeySaysToRunInitFirst() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        CliRun id = CliRun.of("id", "--data-dir", dir.toString());
        assertEquals(CliErrors.FAILED, id.exitCode());
        assertTrue(id.err().contains("no node key"), id.err());
    }

    @Test
    void aKeyOthersCanReadIsRefused() throws Exception {
        Path dir = tmp.resolve("open");
        CliRun.of("init", "--data-dir", dir.toString());
        Files.setPosixFilePermissions(dir.resolve("node.key"), PosixFilePermissions.fromString("rw-r--r--"));
        CliRun id = CliRun.of("id", "--data-dir", dir.toString());
        assertEquals(CliErrors.FAILED, id.exitCode());
        assertTrue(id.err().contains("chmod 600"), id.err());
    }

    @Test
    void initRefusesADataDirPathThatIsAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        CliRun init = CliRun.of("init", "--data-dir", file.toString());
        assertEquals(CliErrors.FAILED, init.exitCode());
        assertTrue(init.err().contains("not a directory"), init.err());
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        assertEquals(2, CliRun.of("frobnicate").exitCode());
        assertEquals(2, CliRun.of("id", "--bogus").exitCode());
    }
}
