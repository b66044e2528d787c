package io.dicemesh.node.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the nodes of a simulation or a protocol test keep their ledgers, and what a crash does to them: one kit for
 * the simulator and the tests.
 */
public interface StoreProvider extends AutoCloseable {
    /** The node's store: a fresh one on first open, the surviving one after a crash. */
    KvStore open(int node);

    /** What a crash does to the store (lose what was not synced, or close it as a killed process would). */
    void crash(int node, KvStore store);

    @Override
    void close();

    /** In-memory stores that keep only synced writes across a crash (a power loss). */
    static StoreProvider memory() {
        return new StoreProvider() {
            private final Map<Integer, MemoryKvStore> stores = new HashMap<>();

            @Override
            public KvStore open(int node) {
                return stores.computeIfAbsent(node, n -> new MemoryKvStore());
            }

            @Override
            public void crash(int node, KvStore store) {
                ((MemoryKvStore) store).crash();
            }

            @Override
            public void close() {
                stores.clear();
            }
        };
    }

    /** RocksDB stores under {@code dir} (one per node), closed on a crash and reopened on restart. */
    static StoreProvider rocks(Path dir) {
        return new StoreProvider() {
            private final Map<Integer, RocksKvStore> open = new HashMap<>();

            @Override
            public KvStore open(int node) {
                RocksKvStore s = RocksKvStore.open(dir.resolve("node" + node));
                open.put(node, s);
                return s;
            }

            @Override
            public void crash(int node, KvStore store) {
                store.close();
                open.remove(node);
            }

            @Override
            public void close() {
                open.values().forEach(RocksKvStore::close);
                open.clear();
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove " + dir, e);
                }
            }
        };
    }
}
