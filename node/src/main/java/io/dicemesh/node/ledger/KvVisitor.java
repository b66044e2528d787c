package io.dicemesh.node.ledger;

/** Receives the entries of a {@link KvReader#scan}, in key order. */
@FunctionalInterface
public interface KvVisitor {
    /**
     * Visits one entry; the arrays belong to the visitor.
     *
     * @return true to go on to the next entry, false to stop the scan
     */
    boolean visit(byte[] key, byte[] value);
}
