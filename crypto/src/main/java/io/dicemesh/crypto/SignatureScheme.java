package io.dicemesh.crypto;

/**
 * How keys sign and verify. Every real node uses {@link #ed25519()}. {@link SimulatedSignatures} is a fast stand-in
 * for simulations only: it keeps the property the protocol relies on (nobody signs for a key whose secret it does
 * not hold) at a hundredth of the cost, but its signatures mean nothing outside the one process that made them.
 */
public interface SignatureScheme {
    String name();

    /** The 32-byte public key (node id) of a 32-byte secret. */
    byte[] publicKey(byte[] secret);

    /** A 64-byte signature of the message. */
    byte[] sign(byte[] secret, byte[] publicKey, byte[] message);

    /** A public key decoded for verifying, or null when no signature can ever verify under it. */
    Object decodeKey(byte[] publicKey);

    boolean verify(Object decodedKey, byte[] message, byte[] signature);

    static SignatureScheme ed25519() {
        return Ed25519Scheme.INSTANCE;
    }
}
