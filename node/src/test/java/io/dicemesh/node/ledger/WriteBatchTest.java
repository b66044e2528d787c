package io.dicemesh.node.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WriteBatchTest {
    private static byte[] b(int... bytes) {
        return KvStoreContract.b(bytes);
    }

    @Test
    void theBatchKeepsItsOwnCopiesOfKeysAndValues() {
        byte[] key = b(1);
        byte[] value = b(2);
        WriteBatch batch = WriteBatch.builder().put(Column.TABLES, key, value).build();
        key[0] = 9;
        value[0] = 9;
        WriteBatch.Op op = batch.ops().get(0);
        op.key()[0] = 7;
        op.value()[0] = 7;
        assertArrayEquals(b(1), op.key());
        assertArrayEquals(b(2), op.value());
    }

    @Test
    void opsKeepTheirOrderAndTheListCannotBeChanged() {
        WriteBatch batch = WriteBatch.builder()
                .put(Column.TABLES, b(2), b(20))
                .delete(Column.PREPARED, b(1))
                .put(Column.TABLES, b(2), b(21))
                .build();
        assertEquals(List.of(
                new WriteBatch.Op(WriteBatch.Kind.PUT, Column.TABLES, b(2), b(20)),
                new WriteBatch.Op(WriteBatch.Kind.DELETE, Column.PREPARED, b(1), null),
                new WriteBatch.Op(WriteBatch.Kind.PUT, Column.TABLES, b(2), b(21))), batch.ops());
        assertNull(batch.ops().get(1).value());
        assertThrows(UnsupportedOperationException.class, () -> batch.ops().clear());
    }

    @Test
    void sizeBytesCountsEveryKeyAndValue() {
        WriteBatch.Builder builder = WriteBatch.builder().put(Column.TABLES, new byte[3], new byte[10])
                .delete(Column.TABLES, new byte[4]);
        assertEquals(17, builder.sizeBytes());
        assertEquals(17, builder.build().sizeBytes());
    }

    @Test
    void addAllAppendsTheOtherBatchAfterTheOpsAlreadyThere() {
        WriteBatch vote = WriteBatch.builder().put(Column.PREPARED, b(1), b(1)).build();
        WriteBatch apply = WriteBatch.builder().put(Column.TABLES, b(2), b(2)).delete(Column.PREPARED, b(1)).build();
        WriteBatch group = WriteBatch.builder().addAll(vote).addAll(apply).build();
        assertEquals(List.of(vote.ops().get(0), apply.ops().get(0), apply.ops().get(1)), group.ops());
        assertEquals(vote.sizeBytes() + apply.sizeBytes(), group.sizeBytes());
    }

    @Test
    void anEmptyBuilderBuildsTheEmptyBatch() {
        WriteBatch.Builder builder = WriteBatch.builder();
        assertTrue(builder.isEmpty());
        assertSame(WriteBatch.empty(), builder.build());
        assertTrue(WriteBatch.empty().isEmpty());
        assertEquals(0, WriteBatch.empty().sizeBytes());
    }

    @Test
    void aBuilderCanGoOnAfterBuildWithoutChangingWhatItBuilt() {
        WriteBatch.Builder builder = WriteBatch.builder().put(Column.META, b(1), b(1));
        WriteBatch first = builder.build();
        builder.put(Column.META, b(2), b(2));
        assertEquals(1, first.ops().size());
        assertEquals(2, builder.build().ops().size());
    }

    @Test
    void batchesWithTheSameOpsAreEqual() {
        WriteBatch a = WriteBatch.builder().put(Column.TXLOG, b(1), b(2)).delete(Column.META, b(3)).build();
        WriteBatch same = WriteBatch.builder().put(Column.TXLOG, b(1), b(2)).delete(Column.META, b(3)).build();
        WriteBatch other = WriteBatch.builder().put(Column.TXLOG, b(1), b(3)).delete(Column.META, b(3)).build();
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertNotEquals(a, other);
        assertEquals("WriteBatch[2 ops, 3 bytes]", a.toString());
        assertEquals("PUT TXLOG 01 (1 bytes)", a.ops().get(0).toString());
    }

    @Test
    void aPutNeedsAValueAndADeleteHasNone() {
        assertThrows(NullPointerException.class, () -> WriteBatch.builder().put(Column.META, b(1), null));
        assertThrows(IllegalArgumentException.class,
                () -> new WriteBatch.Op(WriteBatch.Kind.DELETE, Column.META, b(1), b(1)));
        assertThrows(NullPointerException.class, () -> WriteBatch.builder().delete(null, b(1)));
    }

    @Test
    void keysValuesAndBatchesOverTheirLimitsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> WriteBatch.builder().put(Column.META, new byte[WriteBatch.KEY_BYTES_MAX + 1], b()));
        assertThrows(IllegalArgumentException.class,
                () -> WriteBatch.builder().put(Column.META, b(), new byte[WriteBatch.VALUE_BYTES_MAX + 1]));
        byte[] big = new byte[WriteBatch.VALUE_BYTES_MAX];
        WriteBatch.Builder builder = WriteBatch.builder();
        int fit = (int) (WriteBatch.BATCH_BYTES_MAX / (big.length + 1));
        for (int i = 0; i < fit; i++) {
            builder.put(Column.TXLOG, b(i), big);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.put(Column.TXLOG, b(fit), big));
        assertTrue(e.getMessage().contains("limits"), e.getMessage());
        WriteBatch full = builder.build();
        assertThrows(IllegalArgumentException.class, () -> WriteBatch.builder().addAll(full).addAll(full));
        assertEquals(fit, builder.build().ops().size(), "a rejected op changes nothing");
    }
}
