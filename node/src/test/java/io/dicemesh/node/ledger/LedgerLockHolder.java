package io.dicemesh.node.ledger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link RocksKvStoreTest}: opens the ledger at args[0], prints {@link #READY}, holds the
 * ledger until its standard input ends, then closes it.
 */
public final class LedgerLockHolder {
    static final String READY = "ledger open";

    private LedgerLockHolder() {
    }

    public static void main(String[] args) throws IOException {
        RocksKvStore store = RocksKvStore.open(Path.of(args[0]));
        try {
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the ledger until the parent closes our input
            }
        } finally {
            store.close();
        }
    }
}
