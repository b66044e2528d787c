package io.dicemesh.node.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerFormatTest {
    @TempDir
    Path tmp;

    private static void plantVersion(KvStore store, byte[] version) {
        store.write(WriteBatch.builder().put(Column.META, LedgerFormat.versionKey(), version).build(), true);
    }

    private static void assertOneLine(String message) {
        assertEquals(1, message.lines().count(), message);
    }

    @Test
    void aFreshLedgerGetsTheCurrentVersionAndItIsSynced() throws Exception {
        MemoryKvStore store = new MemoryKvStore();
        LedgerFormat.checkOrInitialize(store);
        assertEquals(1, store.syncedWrites());
        store.crash();
        assertArrayEquals(Keys.u32(LedgerFormat.CURRENT), store.get(Column.META, LedgerFormat.versionKey()));
        assertArrayEquals(new byte[] {0, 0, 0, 1}, store.get(Column.META, "format_version".getBytes("US-ASCII")));
    }

    @Test
    void aReopenedLedgerOfTheCurrentVersionIsAcceptedAndLeftAlone() throws Exception {
        Path dir = tmp.resolve("ledger");
        try (RocksKvStore store = RocksKvStore.open(dir)) {
            LedgerFormat.checkOrInitialize(store);
            store.write(WriteBatch.builder().put(Column.TABLES, new byte[] {1}, new byte[] {2}).build(), true);
        }
        try (RocksKvStore store = RocksKvStore.open(dir)) {
            LedgerFormat.checkOrInitialize(store);
            assertArrayEquals(Keys.u32(LedgerFormat.CURRENT), store.get(Column.META, LedgerFormat.versionKey()));
            assertArrayEquals(new byte[] {2}, store.get(Column.TABLES, new byte[] {1}));
        }
    }

    @Test
    void aLedgerFromANewerBuildWithAnUnknownColumnOpensButIsRefusedNamingBothVersions() throws Exception {
        Path dir = tmp.resolve("ledger");
        try (RocksKvStore store = RocksKvStore.open(dir)) {
            plantVersion(store, Keys.u32(LedgerFormat.CURRENT + 1));
        }
        RocksKvStoreTest.createColumnFamily(dir, "added-in-version-2");
        try (RocksKvStore store = RocksKvStore.open(dir)) {
            LedgerFormatException e = assertThrows(LedgerFormatException.class,
                    () -> LedgerFormat.checkOrInitialize(store));
            assertEquals("the ledger has format version 2 but this dicemesh reads version 1 only; upgrade dicemesh "
                    + "to open it", e.getMessage());
            assertArrayEquals(Keys.u32(2), store.get(Column.META, LedgerFormat.versionKey()), "left unchanged");
        }
    }

    @Test
    void aVersionOfTheWrongLengthIsRefusedAsUnreadable() {
        for (byte[] garbage : new byte[][] {{0, 1}, {0, 0, 0, 0, 1}, {}, "format version one".getBytes()}) {
            MemoryKvStore store = new MemoryKvStore();
            plantVersion(store, garbage);
            LedgerFormatException e = assertThrows(LedgerFormatException.class,
                    () -> LedgerFormat.checkOrInitialize(store));
            assertTrue(e.getMessage().startsWith("the ledger's format version is unreadable (" + garbage.length
                    + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("this build reads version 1"), e.getMessage());
            assertOneLine(e.getMessage());
            assertArrayEquals(garbage, store.get(Column.META, LedgerFormat.versionKey()), "left unchanged");
        }
    }

    @Test
    void versionZeroIsRefusedAsNotADicemeshFormat() {
        MemoryKvStore store = new MemoryKvStore();
        plantVersion(store, Keys.u32(0));
        LedgerFormatException e = assertThrows(LedgerFormatException.class,
                () -> LedgerFormat.checkOrInitialize(store));
        assertEquals("the ledger's format version 0 is not a dicemesh format (this build reads version 1); the "
                + "ledger is damaged: restore it from a backup", e.getMessage());
    }

    @Test
    void aVersionWithTheHighBitSetReadsAsAHugeUnsignedNumber() {
        MemoryKvStore store = new MemoryKvStore();
        plantVersion(store, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        LedgerFormatException e = assertThrows(LedgerFormatException.class,
                () -> LedgerFormat.checkOrInitialize(store));
        assertTrue(e.getMessage().startsWith("the ledger has format version 4294967295 but"), e.getMessage());
    }

    @Test
    void dataWithoutAVersionIsRefusedAndNoVersionIsWritten() {
        MemoryKvStore store = new MemoryKvStore();
        store.write(WriteBatch.builder().put(Column.EVIDENCE, new byte[] {1}, new byte[] {1}).build(), true);
        LedgerFormatException e = assertThrows(LedgerFormatException.class,
                () -> LedgerFormat.checkOrInitialize(store));
        assertTrue(e.getMessage().startsWith("the ledger holds data but no format version"), e.getMessage());
        assertOneLine(e.getMessage());
        assertNull(store.get(Column.META, LedgerFormat.versionKey()));
    }
}
