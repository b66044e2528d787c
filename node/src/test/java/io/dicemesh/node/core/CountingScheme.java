package io.dicemesh.node.core;

import io.dicemesh.crypto.SignatureScheme;
import java.util.concurrent.atomic.AtomicLong;

/** Ed25519, counting the signature checks made, so a test can tell work that was skipped from work that was done. */
public final class CountingScheme implements SignatureScheme {
    private final SignatureScheme inner = SignatureScheme.ed25519();
    private final AtomicLong verifications = new AtomicLong();

    public long verifications() {
        return verifications.get();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public byte[] publicKey(byte[] secret) {
        return inner.publicKey(secret);
    }

    @Override
    public byte[] sign(byte[] secret, byte[] publicKey, byte[] message) {
        return inner.sign(secret, publicKey, message);
    }

    @Override
    public Object decodeKey(byte[] publicKey) {
        return inner.decodeKey(publicKey);
    }

    @Override
    public boolean verify(Object decodedKey, byte[] message, byte[] signature) {
        verifications.incrementAndGet();
        return inner.verify(decodedKey, message, signature);
    }
}
