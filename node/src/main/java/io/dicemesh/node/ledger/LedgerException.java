package io.dicemesh.node.ledger;

/** Unchecked: the node's own storage failed; the node must stop rather than continue with unknown state. */
public final class LedgerException extends RuntimeException {
    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
