package io.dicemesh.node.ledger;

/**
 * The ledger's on-disk format cannot be read by this build (newer, or garbled). The message is one line that says
 * what was found and what to do; it does not name the ledger's location, which the caller adds.
 */
public final class LedgerFormatException extends Exception {
    public LedgerFormatException(String message) {
        super(message);
    }
}
