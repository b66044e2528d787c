package io.dicemesh.simulator.sim;

import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.node.ledger.KvStore;
import io.dicemesh.node.ledger.WriteBatch;

/** Whole-ledger copies, as an operator copying a node's data directory onto a second machine makes. */
final class KvStores {
    private KvStores() {
    }

    /** Writes every entry of {@code from} into {@code to}, one synced batch per column. */
    static void copy(KvReader from, KvStore to) {
        for (Column column : Column.values()) {
            WriteBatch.Builder batch = WriteBatch.builder();
            from.scan(column, new byte[0], null, (key, value) -> {
                batch.put(column, key, value);
                return true;
            });
            to.write(batch.build(), true);
        }
    }
}
