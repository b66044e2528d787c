package io.dicemesh.node.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link KvStore} must do, written once and run against each implementation by a subclass that says how
 * to open a fresh, empty store.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class KvStoreContract {
    protected KvStore store;

    /** A fresh, empty store; the contract closes it after each test. */
    protected abstract KvStore openEmptyStore();

    @BeforeEach
    void openStore() {
        store = openEmptyStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] b(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    void put(Column column, byte[] key, byte[] value) {
        store.write(WriteBatch.builder().put(column, key, value).build(), false);
    }

    /** Every key of column from start to end, in scan order, as hex. */
    List<String> keysOf(Column column) {
        return keysIn(column, new byte[0], null);
    }

    List<String> keysIn(Column column, byte[] from, byte[] to) {
        List<String> keys = new ArrayList<>();
        store.scan(column, from, to, (key, value) -> keys.add(HexFormat.of().formatHex(key)));
        return keys;
    }

    @Test
    void getOfAnAbsentKeyIsNull() {
        assertNull(store.get(Column.TABLES, utf8("nothing")));
    }

    @Test
    void putThenGetReturnsTheValueAndALaterPutReplacesIt() {
        put(Column.TABLES, utf8("t1"), utf8("v1"));
        assertArrayEquals(utf8("v1"), store.get(Column.TABLES, utf8("t1")));
        put(Column.TABLES, utf8("t1"), utf8("v2"));
        assertArrayEquals(utf8("v2"), store.get(Column.TABLES, utf8("t1")));
    }

    @Test
    void deleteRemovesTheKeyAndDeletingAnAbsentKeyDoesNothing() {
        put(Column.TABLES, utf8("t1"), utf8("v1"));
        store.write(WriteBatch.builder().delete(Column.TABLES, utf8("t1")).delete(Column.TABLES, utf8("t2"))
                .build(), true);
        assertNull(store.get(Column.TABLES, utf8("t1")));
        assertEquals(List.of(), keysOf(Column.TABLES));
    }

    @Test
    void emptyKeysAndEmptyValuesAreStoredLikeAnyOther() {
        put(Column.META, new byte[0], new byte[0]);
        assertArrayEquals(new byte[0], store.get(Column.META, new byte[0]));
        assertEquals(List.of(""), keysOf(Column.META));
    }

    @Test
    void everyOpOfABatchBecomesVisibleTogetherAcrossColumns() {
        put(Column.PREPARED, utf8("slot-7"), utf8("lock"));
        WriteBatch commit = WriteBatch.builder()
                .put(Column.TABLES, utf8("table"), utf8("state-7"))
                .put(Column.TXLOG, utf8("table/7"), utf8("tx-7"))
                .delete(Column.PREPARED, utf8("slot-7"))
                .build();
        store.write(commit, true);
        assertArrayEquals(utf8("state-7"), store.get(Column.TABLES, utf8("table")));
        assertArrayEquals(utf8("tx-7"), store.get(Column.TXLOG, utf8("table/7")));
        assertNull(store.get(Column.PREPARED, utf8("slot-7")));
    }

    @Test
    void aLaterOpInABatchWinsOverAnEarlierOneOnTheSameKey() {
        put(Column.TABLES, utf8("deleted-then-put"), utf8("old"));
        store.write(WriteBatch.builder()
                .put(Column.TABLES, utf8("put-twice"), utf8("first"))
                .put(Column.TABLES, utf8("put-twice"), utf8("second"))
                .put(Column.TABLES, utf8("put-then-deleted"), utf8("gone"))
                .delete(Column.TABLES, utf8("put-then-deleted"))
                .delete(Column.TABLES, utf8("deleted-then-put"))
                .put(Column.TABLES, utf8("deleted-then-put"), utf8("new"))
                .build(), false);
        assertArrayEquals(utf8("second"), store.get(Column.TABLES, utf8("put-twice")));
        assertNull(store.get(Column.TABLES, utf8("put-then-deleted")));
        assertArrayEquals(utf8("new"), store.get(Column.TABLES, utf8("deleted-then-put")));
    }

    @Test
    void scanVisitsKeysInUnsignedByteOrderWithHighBytesAfter0x7f() {
        for (byte[] key : List.of(b(0xff), b(0x80), b(0x7f), b(0x01, 0x00), b(0x01), b(0x00), b(0x7f, 0xff),
                b(0x80, 0x00), b(0xff, 0xff, 0xff))) {
            put(Column.TXLOG, key, key);
        }
        assertEquals(List.of("00", "01", "0100", "7f", "7fff", "80", "8000", "ff", "ffffff"), keysOf(Column.TXLOG));
    }

    @Test
    void scanIncludesFromAndExcludesTo() {
        for (int i = 0; i < 10; i++) {
            put(Column.TXLOG, b(i * 0x20), b(i));
        }
        assertEquals(List.of("40", "60", "80", "a0"), keysIn(Column.TXLOG, b(0x40), b(0xc0)));
        assertEquals(List.of("40", "60", "80", "a0"), keysIn(Column.TXLOG, b(0x3f, 0xff), b(0xa0, 0x00)));
        assertEquals(List.of("c0", "e0"), keysIn(Column.TXLOG, b(0xc0), null));
        assertEquals(List.of("00", "20"), keysIn(Column.TXLOG, new byte[0], b(0x40)));
    }

    @Test
    void scanOfAnEmptyOrInvertedRangeVisitsNothing() {
        put(Column.TXLOG, b(0x10), b(1));
        put(Column.TXLOG, b(0x20), b(2));
        assertEquals(List.of(), keysIn(Column.TXLOG, b(0x10), b(0x10)));
        assertEquals(List.of(), keysIn(Column.TXLOG, b(0x20), b(0x10)));
        assertEquals(List.of(), keysIn(Column.TXLOG, b(0x21), null));
        assertEquals(List.of(), keysIn(Column.EVIDENCE, new byte[0], null));
    }

    @Test
    void scanStopsAsSoonAsTheVisitorReturnsFalse() {
        for (int i = 0; i < 10; i++) {
            put(Column.TXLOG, b(i), b(i));
        }
        List<String> seen = new ArrayList<>();
        store.scan(Column.TXLOG, b(2), null, (key, value) -> {
            seen.add(HexFormat.of().formatHex(key));
            return seen.size() < 3;
        });
        assertEquals(List.of("02", "03", "04"), seen);
    }

    @Test
    void scanHandsTheVisitorEachKeyWithItsValue() {
        put(Column.TABLES, utf8("a"), utf8("1"));
        put(Column.TABLES, utf8("b"), utf8("2"));
        Map<String, String> seen = new TreeMap<>();
        store.scan(Column.TABLES, new byte[0], null, (key, value) -> {
            seen.put(new String(key, java.nio.charset.StandardCharsets.UTF_8),
                    new String(value, java.nio.charset.StandardCharsets.UTF_8));
            return true;
        });
        assertEquals(Map.of("a", "1", "b", "2"), seen);
    }

    @Test
    void aTablesPrefixScanVisitsOnlyThatTableInSeqOrder() {
        byte[] tableA = new byte[32];
        byte[] tableB = new byte[32];
        Arrays.fill(tableA, (byte) 0x7f);
        Arrays.fill(tableB, (byte) 0x7f);
        tableB[31] = (byte) 0x80;
        for (long seq : new long[] {300, 1, 256, 2, 255}) {
            put(Column.TXLOG, Keys.concat(tableA, Keys.u64(seq)), Keys.u64(seq));
            put(Column.TXLOG, Keys.concat(tableB, Keys.u64(seq)), Keys.u64(-seq));
        }
        List<Long> seqs = new ArrayList<>();
        store.scan(Column.TXLOG, tableA, Keys.prefixEnd(tableA), (key, value) -> {
            seqs.add(Keys.readU64(key, 32));
            return true;
        });
        assertEquals(List.of(1L, 2L, 255L, 256L, 300L), seqs);
    }

    @Test
    void columnsAreIsolatedFromEachOther() {
        byte[] key = utf8("same-key");
        for (Column column : Column.values()) {
            put(column, key, utf8(column.cfName()));
        }
        store.write(WriteBatch.builder().delete(Column.PREPARED, key).build(), false);
        for (Column column : Column.values()) {
            if (column == Column.PREPARED) {
                assertNull(store.get(column, key));
                assertEquals(List.of(), keysOf(column));
            } else {
                assertArrayEquals(utf8(column.cfName()), store.get(column, key), column.name());
                assertEquals(List.of(HexFormat.of().formatHex(key)), keysOf(column), column.name());
            }
        }
    }

    @Test
    void anEmptyBatchIsAcceptedSyncedOrNot() {
        put(Column.TABLES, utf8("t"), utf8("v"));
        store.write(WriteBatch.empty(), false);
        store.write(WriteBatch.empty(), true);
        store.write(WriteBatch.builder().build(), true);
        assertArrayEquals(utf8("v"), store.get(Column.TABLES, utf8("t")));
    }

    @Test
    void largeValuesUpToTheLimitRoundTrip() {
        byte[] big = new byte[WriteBatch.VALUE_BYTES_MAX];
        new Random(1).nextBytes(big);
        byte[] medium = Arrays.copyOf(big, 300_000);
        store.write(WriteBatch.builder().put(Column.TXLOG, utf8("big"), big).put(Column.TXLOG, utf8("medium"), medium)
                .build(), true);
        assertArrayEquals(big, store.get(Column.TXLOG, utf8("big")));
        assertArrayEquals(medium, store.get(Column.TXLOG, utf8("medium")));
        long[] scanned = {0};
        store.scan(Column.TXLOG, new byte[0], null, (key, value) -> {
            scanned[0] += value.length;
            return true;
        });
        assertEquals(big.length + medium.length, scanned[0]);
    }

    @Test
    void arraysHandedOutAreCopiesThatCannotChangeTheStore() {
        put(Column.TABLES, utf8("k"), utf8("v"));
        byte[] got = store.get(Column.TABLES, utf8("k"));
        got[0] = 'x';
        store.scan(Column.TABLES, new byte[0], null, (key, value) -> {
            key[0] = 'y';
            value[0] = 'y';
            return true;
        });
        assertArrayEquals(utf8("v"), store.get(Column.TABLES, utf8("k")));
        assertEquals(List.of(HexFormat.of().formatHex(utf8("k"))), keysOf(Column.TABLES));
    }

    @Test
    void manyRandomKeysScanInTheSameOrderAsAnUnsignedSortedMap() {
        Random random = new Random(42);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        WriteBatch.Builder batch = WriteBatch.builder();
        for (int i = 0; i < 2000; i++) {
            byte[] key = new byte[1 + random.nextInt(6)];
            random.nextBytes(key);
            byte[] value = new byte[random.nextInt(20)];
            random.nextBytes(value);
            model.put(key, value);
            batch.put(Column.EVIDENCE, key, value);
        }
        store.write(batch.build(), false);
        List<String> expected = new ArrayList<>();
        model.forEach((key, value) -> expected.add(HexFormat.of().formatHex(key) + "=" + HexFormat.of().formatHex(value)));
        List<String> actual = new ArrayList<>();
        store.scan(Column.EVIDENCE, new byte[0], null, (key, value) ->
                actual.add(HexFormat.of().formatHex(key) + "=" + HexFormat.of().formatHex(value)));
        assertEquals(expected, actual);
    }

    @Test
    void useAfterCloseIsRejectedAndCloseIsIdempotent() {
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.get(Column.META, utf8("k")));
        assertThrows(IllegalStateException.class, () -> store.write(WriteBatch.empty(), true));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.scan(Column.META, new byte[0], null, (key, value) -> true));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
