package io.dicemesh.crypto;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Ed25519 (RFC 8032) with Bouncy Castle's low-level API: the public key is passed in so signing skips deriving it. */
final class Ed25519Scheme implements SignatureScheme {
    static final Ed25519Scheme INSTANCE = new Ed25519Scheme();

    private Ed25519Scheme() {
    }

    @Override
    public String name() {
        return "ed25519";
    }

    @Override
    public byte[] publicKey(byte[] secret) {
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(secret, 0, pk, 0);
        return pk;
    }

    @Override
    public byte[] sign(byte[] secret, byte[] publicKey, byte[] message) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(secret, 0, publicKey, 0, message, 0, message.length, sig, 0);
        return sig;
    }

    @Override
    public Object decodeKey(byte[] publicKey) {
        return Ed25519.validatePublicKeyPartialExport(publicKey, 0);
    }

    @Override
    public boolean verify(Object decodedKey, byte[] message, byte[] signature) {
        return Ed25519.verify(signature, 0, (Ed25519.PublicPoint) decodedKey, message, 0, message.length);
    }
}
