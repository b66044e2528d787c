package io.dicemesh.crypto;

import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;

/**
 * An envelope whose signature was checked against its sender over the exact body bytes received, with its body
 * parsed. Only {@link EnvelopeVerifier} creates these, so a handler that takes a Verified can trust who sent it.
 */
public final class Verified implements VerifyResult {
    private final Envelope envelope;
    private final NodeId sender;
    private final Body body;

    Verified(Envelope envelope, NodeId sender, Body body) {
        this.envelope = envelope;
        this.sender = sender;
        this.body = body;
    }

    /** The envelope exactly as received, fit to embed in txs, justifications and evidence. */
    public Envelope envelope() {
        return envelope;
    }

    public NodeId sender() {
        return sender;
    }

    public Body body() {
        return body;
    }

    public Body.KindCase kind() {
        return body.getKindCase();
    }

    @Override
    public String toString() {
        return "Verified[" + body.getKindCase() + " from " + sender.shortHex() + "]";
    }
}
