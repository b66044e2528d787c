package io.dicemesh.node.ledger;

/** Reads of a {@link KvStore}. Keys are ordered by unsigned lexicographic byte order in every implementation. */
public interface KvReader {
    /** The value stored under key in column (a fresh array the caller may keep), or null when absent. */
    byte[] get(Column column, byte[] key);

    /**
     * Visits keys k with fromInclusive <= k < toExclusive in unsigned lexicographic byte order (toExclusive null = to
     * the end; an empty fromInclusive = from the first key; an empty or inverted range visits nothing). The visitor
     * must not write to the store while the scan runs. To scan every key starting with a prefix, use
     * {@code scan(column, prefix, Keys.prefixEnd(prefix), visitor)}.
     */
    void scan(Column column, byte[] fromInclusive, byte[] toExclusive, KvVisitor visitor);
}
