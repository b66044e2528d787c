package io.dicemesh.node.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, ordered list of puts and deletes applied atomically by {@link KvStore#write}. A plain value: the core
 * builds it without any storage object, and it can be compared, logged and replayed.
 */
public final class WriteBatch {
    /** Longest key; ledger keys are ids and sequence numbers, tens of bytes. */
    public static final int KEY_BYTES_MAX = 4 * 1024;
    /** Largest value; the largest ledger value is a committed tx (under one frame) with its certificate. */
    public static final int VALUE_BYTES_MAX = 8 * 1024 * 1024;
    /** Largest batch, counted as the sum of its keys and values; a group commit must be cut to fit. */
    public static final long BATCH_BYTES_MAX = 64L * 1024 * 1024;
    /** Most ops in one batch. */
    public static final int BATCH_OPS_MAX = 1 << 20;

    private static final WriteBatch EMPTY = new WriteBatch(List.of(), 0);

    private final List<Op> ops;
    private final long sizeBytes;

    private WriteBatch(List<Op> ops, long sizeBytes) {
        this.ops = ops;
        this.sizeBytes = sizeBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static WriteBatch empty() {
        return EMPTY;
    }

    /** The ops in the order they apply; unmodifiable. */
    public List<Op> ops() {
        return ops;
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** The sum of the lengths of every op's key and value. */
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WriteBatch other && ops.equals(other.ops);
    }

    @Override
    public int hashCode() {
        return ops.hashCode();
    }

    @Override
    public String toString() {
        return "WriteBatch[" + ops.size() + " ops, " + sizeBytes + " bytes]";
    }

    public enum Kind {
        PUT,
        DELETE
    }

    /**
     * One put or delete. Immutable: the constructor copies key and value, and the accessors return copies. The value
     * is null exactly for a DELETE.
     */
    public record Op(Kind kind, Column column, byte[] key, byte[] value) {
        public Op {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(key, "key");
            if (key.length > KEY_BYTES_MAX) {
                throw new IllegalArgumentException("key of " + key.length + " bytes is over " + KEY_BYTES_MAX);
            }
            if (kind == Kind.PUT) {
                Objects.requireNonNull(value, "a PUT needs a value");
                if (value.length > VALUE_BYTES_MAX) {
                    throw new IllegalArgumentException("value of " + value.length + " bytes is over " + VALUE_BYTES_MAX);
                }
                value = value.clone();
            } else if (value != null) {
                throw new IllegalArgumentException("a DELETE has no value");
            }
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public byte[] value() {
            return value == null ? null : value.clone();
        }

        /** The key itself, for the stores in this package, which never modify it. */
        byte[] keyShared() {
            return key;
        }

        /** The value itself (null for a DELETE), for the stores in this package, which never modify it. */
        byte[] valueShared() {
            return value;
        }

        long sizeBytes() {
            return key.length + (value == null ? 0L : value.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Op other && kind == other.kind && column == other.column
                    && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, column, Arrays.hashCode(key), Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return kind + " " + column + " " + HexFormat.of().formatHex(key)
                    + (value == null ? "" : " (" + value.length + " bytes)");
        }
    }

    /** Collects ops in order; may be reused after {@link #build}, which snapshots the ops so far. */
    public static final class Builder {
        private final ArrayList<Op> ops = new ArrayList<>();
        private long sizeBytes;

        private Builder() {
        }

        /** Adds a put; the key and value are copied. */
        public Builder put(Column column, byte[] key, byte[] value) {
            return add(new Op(Kind.PUT, column, key, value));
        }

        /** Adds a delete; deleting an absent key is allowed and does nothing. */
        public Builder delete(Column column, byte[] key) {
            return add(new Op(Kind.DELETE, column, key, null));
        }

        /** Appends every op of other, after the ops already added. */
        public Builder addAll(WriteBatch other) {
            if (ops.size() + other.ops.size() > BATCH_OPS_MAX || sizeBytes + other.sizeBytes > BATCH_BYTES_MAX) {
                throw overLimit(other.ops.size(), other.sizeBytes);
            }
            ops.addAll(other.ops);
            sizeBytes += other.sizeBytes;
            return this;
        }

        /** True when {@link #addAll} would take {@code other} within the batch limits. */
        public boolean fits(WriteBatch other) {
            return ops.size() + other.ops.size() <= BATCH_OPS_MAX && sizeBytes + other.sizeBytes <= BATCH_BYTES_MAX;
        }

        public boolean isEmpty() {
            return ops.isEmpty();
        }

        /** The size the batch would have now, to cut a group commit before {@link #BATCH_BYTES_MAX}. */
        public long sizeBytes() {
            return sizeBytes;
        }

        public WriteBatch build() {
            return ops.isEmpty() ? EMPTY : new WriteBatch(List.copyOf(ops), sizeBytes);
        }

        private Builder add(Op op) {
            if (ops.size() + 1 > BATCH_OPS_MAX || sizeBytes + op.sizeBytes() > BATCH_BYTES_MAX) {
                throw overLimit(1, op.sizeBytes());
            }
            ops.add(op);
            sizeBytes += op.sizeBytes();
            return this;
        }

        private IllegalArgumentException overLimit(int moreOps, long moreBytes) {
            return new IllegalArgumentException("batch of " + ops.size() + " ops, " + sizeBytes + " bytes cannot take "
                    + moreOps + " more ops, " + moreBytes + " more bytes (limits: " + BATCH_OPS_MAX + " ops, "
                    + BATCH_BYTES_MAX + " bytes)");
        }
    }
}
