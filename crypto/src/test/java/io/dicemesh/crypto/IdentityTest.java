package io.dicemesh.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
    @TempDir
    Path dir;

    /** A save that crashed left a temp copy of a key behind: the next save removes it, and only it. */
    @Test
    void aSaveRemovesTheTempCopiesACrashedSaveLeft() throws Exception {
        Path stale = Files.writeString(dir.resolve("node.key.8127364.tmp"), "a key");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                - Identity.STALE_TEMP_MS - 1_000));
        Path recent = Files.writeString(dir.resolve("node.key.55.tmp"), "a save in progress");
        Path other = Files.writeString(dir.resolve("notes.tmp"), "not ours");
        Identity.generate(new SecureRandom()).save(dir.resolve("node.key"));
        assertTrue(Files.notExists(stale), "the stale temp copy is gone");
        assertTrue(Files.exists(recent), "a recent one may be another save's, in progress");
        assertTrue(Files.exists(other), "nothing else is touched");
        try (var left = Files.list(dir)) {
            assertEquals(3, left.count(), "the key, the recent temp and the unrelated file");
        }
    }

    @Test
    void savedKeyLoadsAsTheSameIdentityAndIsOwnerOnly() throws Exception {
        Identity id = Identity.generate(new SecureRandom());
        Path file = dir.resolve("node.key");
        id.save(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Identity loaded = Identity.load(file);
        assertEquals(id.nodeId(), loaded.nodeId());
        byte[] msg = {1, 2, 3};
        assertEquals(java.util.Arrays.toString(id.signRaw(msg)), java.util.Arrays.toString(loaded.signRaw(msg)));
    }

    @Test
    void saveNeverOverwritesAnExistingKey() throws Exception {
        Path file = dir.resolve("node.key");
        Identity first = Identity.generate(new SecureRandom());
        first.save(file);
        KeyFileException e = assertThrows(KeyFileException.class,
                () -> Identity.generate(new SecureRandom()).save(file));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        assertEquals(first.nodeId(), Identity.load(file).nodeId());
    }

    /**
     * Saves racing for one file: exactly one wins and the file holds its key (the key is created new, never moved
     * over a key another save made between its check and its write); no temp file is left behind.
     */
    @Test
    void racingSavesToOneFileLeaveExactlyOneWinnerAndItsKey() throws Exception {
        int rounds = 40;
        int racers = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
        try {
            for (int round = 0; round < rounds; round++) {
                Path file = dir.resolve("race" + round + ".key");
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(racers);
                java.util.List<java.util.concurrent.Future<Identity>> saves = new java.util.ArrayList<>();
                for (int r = 0; r < racers; r++) {
                    saves.add(pool.submit(() -> {
                        Identity id = Identity.generate(new SecureRandom());
                        start.await();
                        try {
                            id.save(file);
                            return id;
                        } catch (KeyFileException e) {
                            return null;
                        }
                    }));
                }
                java.util.List<Identity> won = new java.util.ArrayList<>();
                for (java.util.concurrent.Future<Identity> f : saves) {
                    if (f.get() != null) {
                        won.add(f.get());
                    }
                }
                assertEquals(1, won.size(), "round " + round + ": " + won.size() + " saves claimed the file");
                assertEquals(won.get(0).nodeId(), Identity.load(file).nodeId(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "temp files left behind");
        }
    }

    @Test
    void aSymlinkWhereTheKeyGoesIsNeverFollowed() throws Exception {
        Path target = dir.resolve("elsewhere");
        Path file = dir.resolve("node.key");
        Files.createSymbolicLink(file, target); // dangling: the target does not exist
        assertThrows(KeyFileException.class, () -> Identity.generate(new SecureRandom()).save(file));
        assertTrue(!Files.exists(target), "the key was written through the link");
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedWithAClearMessage() throws Exception {
        Path file = dir.resolve("node.key");
        Identity.generate(new SecureRandom()).save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFileException e = assertThrows(KeyFileException.class, () -> Identity.load(file));
        assertTrue(e.getMessage().contains("lets others read it"), e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        assertThrows(KeyFileException.class, () -> Identity.load(file));
    }

    @Test
    void missingAndCorruptKeyFilesAreRefusedWithClearMessages() throws Exception {
        KeyFileException missing = assertThrows(KeyFileException.class, () -> Identity.load(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("no key file"), missing.getMessage());

        Path notKey = dir.resolve("bad.key");
        Files.writeString(notKey, "hello");
        Files.setPosixFilePermissions(notKey, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(KeyFileException.class, () -> Identity.load(notKey)).getMessage()
                .contains("not a dicemesh key"));

        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, "dicemesh-ed25519-secret-v1 abcd\n");
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(KeyFileException.class, () -> Identity.load(shortKey)).getMessage()
                .contains("corrupt"));

        Path notHex = dir.resolve("nothex.key");
        Files.writeString(notHex, "dicemesh-ed25519-secret-v1 " + "zz".repeat(32) + "\n");
        Files.setPosixFilePermissions(notHex, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(KeyFileException.class, () -> Identity.load(notHex)).getMessage()
                .contains("corrupt"));
    }

    @Test
    void nodeIdHexShortFormAndOrder() {
        Identity a = Identity.fromSeed(new byte[32]);
        NodeId id = a.nodeId();
        assertEquals(64, id.hex().length());
        assertEquals(id.hex().substring(0, 8), id.shortHex());
        assertEquals(id, NodeId.fromHex(id.hex()));
        assertEquals(id, NodeId.fromHex(id.hex().toUpperCase(java.util.Locale.ROOT)));
        assertThrows(IllegalArgumentException.class, () -> NodeId.fromHex("abc"));
        assertThrows(IllegalArgumentException.class, () -> NodeId.fromHex("g".repeat(64)));
        NodeId low = NodeId.of(new byte[32]);
        byte[] highBytes = new byte[32];
        highBytes[0] = (byte) 0x80;
        NodeId high = NodeId.of(highBytes);
        assertTrue(low.compareTo(high) < 0, "unsigned order: 0x80 sorts above 0x00");
        assertNotEquals(low, high);
    }

    @Test
    void diceNoncesAreDeterministicPerKeyTableAndRoll() {
        Identity a = Identity.fromSeed(new byte[32]);
        Identity b = Identity.generate(new SecureRandom());
        byte[] table = new byte[32];
        assertEquals(java.util.Arrays.toString(DiceNonces.derive(a, table, 5)),
                java.util.Arrays.toString(DiceNonces.derive(a, table, 5)));
        assertNotEquals(java.util.Arrays.toString(DiceNonces.derive(a, table, 5)),
                java.util.Arrays.toString(DiceNonces.derive(a, table, 6)));
        assertNotEquals(java.util.Arrays.toString(DiceNonces.derive(a, table, 5)),
                java.util.Arrays.toString(DiceNonces.derive(b, table, 5)));
        assertEquals(32, DiceNonces.derive(a, table, 1).length);
        assertEquals(java.util.Arrays.toString(DiceNonces.derive(a, table, 5)),
                java.util.Arrays.toString(DiceNonces.derive(a, table, 5, 0)), "attempt 0 is the first nonce");
        assertNotEquals(java.util.Arrays.toString(DiceNonces.derive(a, table, 5, 0)),
                java.util.Arrays.toString(DiceNonces.derive(a, table, 5, 1)), "a restart has a fresh nonce");
    }
}
