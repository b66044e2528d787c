package io.dicemesh.node.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The {@link KvStoreContract} on {@link MemoryKvStore}, plus its model of durability under simulated power loss. */
class MemoryKvStoreTest extends KvStoreContract {
    private static final int RANDOM_STEPS = 20_000;

    @Override
    protected KvStore openEmptyStore() {
        return new MemoryKvStore();
    }

    private MemoryKvStore memory() {
        return (MemoryKvStore) store;
    }

    private void write(boolean sync, String key, String value) {
        store.write(WriteBatch.builder().put(Column.TABLES, utf8(key), utf8(value)).build(), sync);
    }

    private String value(String key) {
        byte[] v = store.get(Column.TABLES, utf8(key));
        return v == null ? null : new String(v, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void crashDropsUnsyncedWritesAndKeepsSyncedOnes() {
        write(true, "synced", "1");
        write(false, "unsynced", "2");
        assertEquals("2", value("unsynced"), "an unsynced write is visible at once");
        memory().crash();
        assertEquals("1", value("synced"));
        assertNull(value("unsynced"));
    }

    @Test
    void aLaterSyncedWriteMakesEveryEarlierUnsyncedWriteDurable() {
        write(false, "a", "1");
        write(false, "b", "2");
        write(true, "c", "3");
        write(false, "d", "4");
        memory().crash();
        assertEquals("1", value("a"));
        assertEquals("2", value("b"));
        assertEquals("3", value("c"));
        assertNull(value("d"));
    }

    @Test
    void anEmptySyncedWriteMakesEveryEarlierWriteDurable() {
        write(false, "a", "1");
        store.write(WriteBatch.empty(), true);
        memory().crash();
        assertEquals("1", value("a"));
    }

    @Test
    void crashRestoresWhatUnsyncedOverwritesAndDeletesReplaced() {
        write(true, "overwritten", "durable");
        write(true, "deleted", "durable");
        write(false, "overwritten", "first");
        store.write(WriteBatch.builder()
                .put(Column.TABLES, utf8("overwritten"), utf8("second"))
                .delete(Column.TABLES, utf8("deleted"))
                .put(Column.TABLES, utf8("created"), utf8("new"))
                .put(Column.TABLES, utf8("created"), utf8("newer"))
                .build(), false);
        memory().crash();
        assertEquals("durable", value("overwritten"));
        assertEquals("durable", value("deleted"));
        assertNull(value("created"));
        assertEquals(Map.of(Column.TABLES, 2L), nonEmpty(memory().sizes()));
    }

    @Test
    void crashKeepingAPrefixKeepsExactlyTheFirstUnsyncedWritesWholeAndMakesThemDurable() {
        write(true, "base", "0");
        write(false, "a", "1");
        store.write(WriteBatch.builder().put(Column.TABLES, utf8("b"), utf8("2"))
                .put(Column.TXLOG, utf8("b"), utf8("2")).build(), false);
        write(false, "c", "3");
        assertEquals(3, memory().unsyncedWrites());
        memory().crashKeeping(2);
        assertEquals(0, memory().unsyncedWrites());
        assertEquals("1", value("a"));
        assertEquals("2", value("b"));
        assertArrayEquals(utf8("2"), store.get(Column.TXLOG, utf8("b")));
        assertNull(value("c"));
        memory().crash();
        assertEquals("2", value("b"), "what survived a crash is durable");
        assertThrows(IllegalArgumentException.class, () -> memory().crashKeeping(1));
    }

    @Test
    void countsEveryWriteAndEverySyncedWrite() {
        write(false, "a", "1");
        write(true, "b", "2");
        store.write(WriteBatch.empty(), true);
        store.write(WriteBatch.empty(), false);
        assertEquals(4, memory().writes());
        assertEquals(2, memory().syncedWrites());
    }

    @Test
    void sizesCountTheKeysOfEveryColumnInColumnOrder() {
        write(false, "a", "1");
        write(false, "b", "1");
        store.write(WriteBatch.builder().put(Column.EVIDENCE, utf8("e"), utf8("1")).build(), false);
        Map<Column, Long> sizes = memory().sizes();
        assertEquals(List.of(Column.values()), List.copyOf(sizes.keySet()));
        assertEquals(Map.of(Column.TABLES, 2L, Column.EVIDENCE, 1L), nonEmpty(sizes));
    }

    private static Map<Column, Long> nonEmpty(Map<Column, Long> sizes) {
        Map<Column, Long> out = new EnumMap<>(Column.class);
        sizes.forEach((column, n) -> {
            if (n > 0) {
                out.put(column, n);
            }
        });
        return out;
    }

    /**
     * Random batches (puts and deletes over a small key space in two columns), synced or not, with crashes that keep
     * none or a prefix of the unsynced writes, against a model that keeps a full copy of the durable state.
     */
    @Test
    void randomWritesSyncsAndCrashesMatchASimpleModelOfDurability() {
        long seed = Long.getLong("dicemesh.test.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay: mvn -o -B -pl node verify -Dtest=MemoryKvStoreTest"
                + "#randomWritesSyncsAndCrashesMatchASimpleModelOfDurability -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Ddicemesh.test.seed=" + seed + ")";
        System.out.println("MemoryKvStoreTest random model: " + replay);
        Random random = new Random(seed);
        Model model = new Model();
        for (int step = 0; step < RANDOM_STEPS; step++) {
            int dice = random.nextInt(100);
            if (dice < 3) {
                int kept = random.nextBoolean() ? 0 : random.nextInt(model.unsynced.size() + 1);
                memory().crashKeeping(kept);
                model.crashKeeping(kept);
            } else {
                WriteBatch batch = randomBatch(random);
                boolean sync = dice < 15;
                store.write(batch, sync);
                model.write(batch, sync);
            }
            if (step % 97 == 0 || dice < 3) {
                assertEquals(model.dump(model.live), dump(), "step " + step + ", " + replay);
            }
        }
        memory().crash();
        model.crashKeeping(0);
        assertEquals(model.dump(model.live), dump(), "after the final crash, " + replay);
    }

    private static WriteBatch randomBatch(Random random) {
        WriteBatch.Builder batch = WriteBatch.builder();
        int ops = random.nextInt(5);
        for (int i = 0; i < ops; i++) {
            Column column = random.nextBoolean() ? Column.TABLES : Column.PREPARED;
            byte[] key = b(random.nextInt(12) * 23);
            if (random.nextInt(4) == 0) {
                batch.delete(column, key);
            } else {
                batch.put(column, key, b(random.nextInt(256)));
            }
        }
        return batch.build();
    }

    private String dump() {
        StringBuilder out = new StringBuilder();
        for (Column column : Column.values()) {
            store.scan(column, new byte[0], null, (key, value) -> {
                out.append(column).append(' ').append(key[0] & 0xff).append('=').append(value[0] & 0xff).append('\n');
                return true;
            });
        }
        return out.toString();
    }

    /** The obvious model: the live state, the durable state as a full copy, and the unsynced batches in order. */
    private static final class Model {
        TreeMap<String, Integer> live = new TreeMap<>();
        TreeMap<String, Integer> durable = new TreeMap<>();
        final java.util.ArrayList<WriteBatch> unsynced = new java.util.ArrayList<>();

        void write(WriteBatch batch, boolean sync) {
            apply(live, batch);
            if (sync) {
                durable = new TreeMap<>(live);
                unsynced.clear();
            } else {
                unsynced.add(batch);
            }
        }

        void crashKeeping(int kept) {
            for (WriteBatch batch : unsynced.subList(0, kept)) {
                apply(durable, batch);
            }
            unsynced.clear();
            live = new TreeMap<>(durable);
        }

        static void apply(TreeMap<String, Integer> state, WriteBatch batch) {
            for (WriteBatch.Op op : batch.ops()) {
                String key = op.column() + " " + (op.key()[0] & 0xff);
                if (op.kind() == WriteBatch.Kind.PUT) {
                    state.put(key, op.value()[0] & 0xff);
                } else {
                    state.remove(key);
                }
            }
        }

        String dump(TreeMap<String, Integer> state) {
            StringBuilder out = new StringBuilder();
            for (Column column : Column.values()) {
                for (int k = 0; k < 256; k++) {
                    Integer v = state.get(column + " " + k);
                    if (v != null) {
                        out.append(column).append(' ').append(k).append('=').append(v).append('\n');
                    }
                }
            }
            return out.toString();
        }
    }
}
