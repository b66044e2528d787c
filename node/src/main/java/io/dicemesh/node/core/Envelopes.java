package io.dicemesh.node.core;

import io.dicemesh.protocol.Envelope;

/** How the core compares signed statements: by signer and exact body bytes, never by the unsigned wrapper. */
final class Envelopes {
    private Envelopes() {
    }

    /**
     * True when both envelopes are the same signed statement: the same signer and the same body bytes. Two
     * envelopes that differ only outside what is signed (a relay's re-wrapping) are never evidence against anyone.
     */
    static boolean sameStatement(Envelope a, Envelope b) {
        return a.getSender().equals(b.getSender()) && a.getBody().equals(b.getBody());
    }

    /** Bytes an envelope holds in memory, for byte budgets: its bytes and the objects around them. */
    static long heldBytes(Envelope e) {
        return e.getSerializedSize() + 128L;
    }

    /** Bytes a verified envelope holds: the envelope and its parsed body, about as large again. */
    static long heldBytesParsed(Envelope e) {
        return 2L * e.getSerializedSize() + 128;
    }
}
