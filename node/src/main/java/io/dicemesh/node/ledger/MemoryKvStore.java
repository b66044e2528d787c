package io.dicemesh.node.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An in-memory {@link KvStore} for the simulator and tests: deterministic (sorted maps only) and fast, with
 * durability modelled exactly like RocksDB with a write-ahead log. A write with sync=false is visible at once but is
 * lost by {@link #crash()} unless a later write with sync=true happened (a synced write makes everything written
 * before it durable too).
 *
 * <p>The model keeps one live copy of the data plus an undo record for every write since the last synced one, so a
 * write costs O(ops log n) whatever the store's size, and a crash plays the undo records back. Memory held for undo
 * grows with the writes since the last sync.
 *
 * <p>Not thread-safe: confine each instance to one thread, as the simulator does.
 */
public final class MemoryKvStore implements KvStore {
    private final EnumMap<Column, TreeMap<byte[], byte[]>> data = new EnumMap<>(Column.class);
    /** Undo records of every unsynced write, oldest first; a write's records start at its index in writeStarts. */
    private final ArrayList<Undo> undo = new ArrayList<>();
    private final ArrayList<Integer> writeStarts = new ArrayList<>();
    private long writes;
    private long syncedWrites;
    private boolean closed;

    /** What a key held before an unsynced op changed it (previous null: the key was absent). */
    private record Undo(TreeMap<byte[], byte[]> map, byte[] key, byte[] previous) {
    }

    public MemoryKvStore() {
        for (Column column : Column.values()) {
            data.put(column, new TreeMap<>(Arrays::compareUnsigned));
        }
    }

    @Override
    public byte[] get(Column column, byte[] key) {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(key, "key");
        checkOpen();
        byte[] value = data.get(column).get(key);
        return value == null ? null : value.clone();
    }

    @Override
    public void scan(Column column, byte[] fromInclusive, byte[] toExclusive, KvVisitor visitor) {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(visitor, "visitor");
        checkOpen();
        TreeMap<byte[], byte[]> map = data.get(column);
        NavigableMap<byte[], byte[]> range;
        if (toExclusive == null) {
            range = map.tailMap(fromInclusive, true);
        } else if (Arrays.compareUnsigned(fromInclusive, toExclusive) < 0) {
            range = map.subMap(fromInclusive, true, toExclusive, false);
        } else {
            return;
        }
        for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
            if (!visitor.visit(e.getKey().clone(), e.getValue().clone())) {
                return;
            }
        }
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        writes++;
        if (sync) {
            for (WriteBatch.Op op : batch.ops()) {
                apply(op);
            }
            syncedWrites++;
            undo.clear();
            writeStarts.clear();
            return;
        }
        writeStarts.add(undo.size());
        for (WriteBatch.Op op : batch.ops()) {
            TreeMap<byte[], byte[]> map = data.get(op.column());
            undo.add(new Undo(map, op.keyShared(), apply(op)));
        }
    }

    /** Applies op; returns what the key held before (null if absent). The op's arrays are immutable, so shared. */
    private byte[] apply(WriteBatch.Op op) {
        TreeMap<byte[], byte[]> map = data.get(op.column());
        return op.kind() == WriteBatch.Kind.PUT
                ? map.put(op.keyShared(), op.valueShared())
                : map.remove(op.keyShared());
    }

    /** Simulated power loss: drops every unsynced write and keeps the durable state. The store stays usable. */
    public void crash() {
        crashKeeping(0);
    }

    /**
     * Simulated power loss after which the first {@code unsyncedWritesKept} unsynced writes did reach the disk (a
     * write-ahead log recovers a prefix of the writes, never a hole). What survives is durable from then on.
     */
    public void crashKeeping(int unsyncedWritesKept) {
        if (unsyncedWritesKept < 0 || unsyncedWritesKept > writeStarts.size()) {
            throw new IllegalArgumentException("cannot keep " + unsyncedWritesKept + " of " + writeStarts.size()
                    + " unsynced writes");
        }
        int keptUndo = unsyncedWritesKept == writeStarts.size() ? undo.size() : writeStarts.get(unsyncedWritesKept);
        for (int i = undo.size() - 1; i >= keptUndo; i--) {
            Undo u = undo.get(i);
            if (u.previous == null) {
                u.map.remove(u.key);
            } else {
                u.map.put(u.key, u.previous);
            }
        }
        undo.clear();
        writeStarts.clear();
    }

    /** Writes since the last synced write (or crash): what a crash now would lose. */
    public int unsyncedWrites() {
        return writeStarts.size();
    }

    /** Every write so far, synced or not, empty batches included. */
    public long writes() {
        return writes;
    }

    /** Every write with sync=true so far: the fsyncs a real store would have paid. */
    public long syncedWrites() {
        return syncedWrites;
    }

    /** The number of keys in each column, in column order. */
    public Map<Column, Long> sizes() {
        EnumMap<Column, Long> sizes = new EnumMap<>(Column.class);
        data.forEach((column, map) -> sizes.put(column, (long) map.size()));
        return sizes;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("memory store is closed");
        }
    }
}
