package io.dicemesh.node.ledger;

/** The ledger's column families (key spaces). Each maps to one RocksDB column family of the same name. */
public enum Column {
    /** Format version and node id. */
    META("meta"),
    /** table_id -> table state. */
    TABLES("tables"),
    /** (table_id, seq) -> committed tx and its certificate. */
    TXLOG("txlog"),
    /** In-flight slots: own locks, votes and Statuses. */
    PREPARED("prepared"),
    /** Conflicting signed messages kept as proof of misbehaviour. */
    EVIDENCE("evidence");

    private final String cfName;

    Column(String cfName) {
        this.cfName = cfName;
    }

    /** The RocksDB column family name; part of the on-disk format, never renamed. */
    public String cfName() {
        return cfName;
    }
}
