package io.dicemesh.node.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The {@link KvStoreContract} on {@link RocksKvStore}, plus what only a real database does: files, locks, backups. */
class RocksKvStoreTest extends KvStoreContract {
    @TempDir
    Path tmp;

    @Override
    protected KvStore openEmptyStore() {
        return RocksKvStore.open(ledgerDir());
    }

    private Path ledgerDir() {
        return tmp.resolve("data").resolve("ledger");
    }

    static List<String> columnFamiliesIn(Path dir) throws Exception {
        List<String> names = new ArrayList<>();
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, dir.toString())) {
                names.add(new String(name, StandardCharsets.UTF_8));
            }
        }
        return names;
    }

    @Test
    void openCreatesTheDirAndAColumnFamilyPerColumn() throws Exception {
        assertEquals(ledgerDir().toAbsolutePath(), ((RocksKvStore) store).dir());
        store.close();
        List<String> names = columnFamiliesIn(ledgerDir());
        assertTrue(names.contains("default"), names.toString());
        for (String expected : List.of("meta", "tables", "txlog", "prepared", "evidence")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
        assertEquals(6, names.size(), names.toString());
    }

    @Test
    void theLedgerDirIsOwnerOnlyEvenWhenItExistedOpen() throws Exception {
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(ledgerDir())));
        store.close();
        java.nio.file.Files.setPosixFilePermissions(ledgerDir(),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        store = RocksKvStore.open(ledgerDir());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(ledgerDir())));
    }

    @Test
    void reopenKeepsSyncedWritesAndUnsyncedWritesAfterACleanClose() {
        put(Column.TABLES, utf8("deleted"), utf8("x"));
        store.write(WriteBatch.builder().put(Column.TABLES, utf8("synced"), utf8("1"))
                .put(Column.TXLOG, utf8("synced"), utf8("1")).build(), true);
        store.write(WriteBatch.builder().put(Column.TABLES, utf8("unsynced"), utf8("2"))
                .delete(Column.TABLES, utf8("deleted")).build(), false);
        store.close();
        store = RocksKvStore.open(ledgerDir());
        assertArrayEquals(utf8("1"), store.get(Column.TABLES, utf8("synced")));
        assertArrayEquals(utf8("1"), store.get(Column.TXLOG, utf8("synced")));
        assertArrayEquals(utf8("2"), store.get(Column.TABLES, utf8("unsynced")));
        assertNull(store.get(Column.TABLES, utf8("deleted")));
    }

    @Test
    void aCheckpointOpensWithTheSameContentAndLaterWritesDoNotReachIt() throws Exception {
        for (Column column : Column.values()) {
            put(column, utf8("k"), utf8(column.cfName()));
        }
        Path backup = tmp.resolve("backups").resolve("b1");
        ((RocksKvStore) store).checkpoint(backup);
        put(Column.TABLES, utf8("after"), utf8("not in the backup"));
        try (RocksKvStore copy = RocksKvStore.open(backup)) {
            for (Column column : Column.values()) {
                assertArrayEquals(utf8(column.cfName()), copy.get(column, utf8("k")), column.name());
            }
            assertNull(copy.get(Column.TABLES, utf8("after")));
            copy.write(WriteBatch.builder().put(Column.TABLES, utf8("in-copy"), utf8("1")).build(), true);
        }
        assertNull(store.get(Column.TABLES, utf8("in-copy")), "the store and its checkpoint are independent");
        assertArrayEquals(utf8("not in the backup"), store.get(Column.TABLES, utf8("after")));
    }

    @Test
    void aCheckpointRefusesATargetThatExists() throws Exception {
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        assertThrows(FileAlreadyExistsException.class, () -> ((RocksKvStore) store).checkpoint(existing));
        assertEquals(List.of(), List.of(existing.toFile().list()));
    }

    @Test
    void aSecondOpenOfTheSameLedgerInThisProcessFailsClearly() {
        LedgerException e = assertThrows(LedgerException.class, () -> RocksKvStore.open(ledgerDir()));
        assertEquals("ledger at " + ledgerDir().toAbsolutePath() + " is already open in this process", e.getMessage());
        put(Column.TABLES, utf8("k"), utf8("still usable"));
        assertArrayEquals(utf8("still usable"), store.get(Column.TABLES, utf8("k")));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void openWhileAnotherProcessHoldsTheLedgerSaysItIsLockedByAnotherDicemesh() throws Exception {
        store.close();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LedgerLockHolder.class.getName(), ledgerDir().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals(LedgerLockHolder.READY, out.readLine(), "the other process opened the ledger");
            LedgerException e = assertThrows(LedgerException.class, () -> RocksKvStore.open(ledgerDir()));
            assertEquals("ledger at " + ledgerDir().toAbsolutePath() + " is locked by another running dicemesh "
                    + "process; stop that process or use another data dir", e.getMessage());
        } finally {
            holder.getOutputStream().close(); // the holder closes the ledger and exits at end of input
            if (!holder.waitFor(20, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
        assertEquals(0, holder.exitValue());
        store = RocksKvStore.open(ledgerDir()); // free again once the other process is gone
    }

    @Test
    void openOfAPathThatIsAFileFailsClearly() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        LedgerException e = assertThrows(LedgerException.class, () -> RocksKvStore.open(file));
        assertEquals("ledger path " + file.toAbsolutePath() + " exists and is not a directory", e.getMessage());
    }

    @Test
    void openKeepsColumnFamiliesThisBuildDoesNotKnow() throws Exception {
        store.close();
        createColumnFamily(ledgerDir(), "from-a-newer-build");
        store = RocksKvStore.open(ledgerDir());
        put(Column.TABLES, utf8("k"), utf8("v"));
        store.close();
        assertTrue(columnFamiliesIn(ledgerDir()).contains("from-a-newer-build"));
        store = RocksKvStore.open(ledgerDir());
        assertArrayEquals(utf8("v"), store.get(Column.TABLES, utf8("k")));
    }

    /** Adds a column family to a closed ledger, as a newer dicemesh might. */
    static void createColumnFamily(Path dir, String name) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String existing : columnFamiliesIn(dir)) {
            descriptors.add(new ColumnFamilyDescriptor(existing.getBytes(StandardCharsets.UTF_8)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
                RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
            ColumnFamilyHandle added = db.createColumnFamily(
                    new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8)));
            db.put(added, utf8("future"), utf8("data"));
            added.close();
            handles.forEach(ColumnFamilyHandle::close);
        }
    }
}
