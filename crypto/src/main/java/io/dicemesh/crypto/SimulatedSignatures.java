package io.dicemesh.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A keyed-hash signature scheme for simulations only (the {@code --fast-signatures} mode of swarms): a signature
 * is SHA-512(secret || message), checked against the secrets of the identities this scheme instance created.
 * Within one simulation nobody can sign for another's key, exactly as with Ed25519, but each operation costs a
 * hash instead of a curve multiplication. Never used by a node on a network.
 */
public final class SimulatedSignatures implements SignatureScheme {
    private static final byte[] KEY_DOMAIN = "dicemesh/simulated-key/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ConcurrentHashMap<Key, byte[]> secrets = new ConcurrentHashMap<>();

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public byte[] publicKey(byte[] secret) {
        byte[] pk = Sha256.hash(KEY_DOMAIN, secret);
        secrets.put(new Key(pk), secret.clone());
        return pk;
    }

    @Override
    public byte[] sign(byte[] secret, byte[] publicKey, byte[] message) {
        return mac(secret, message);
    }

    @Override
    public Object decodeKey(byte[] publicKey) {
        return secrets.get(new Key(publicKey));
    }

    @Override
    public boolean verify(Object decodedKey, byte[] message, byte[] signature) {
        return MessageDigest.isEqual(mac((byte[]) decodedKey, message), signature);
    }

    private static byte[] mac(byte[] secret, byte[] message) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-512");
            d.update(secret);
            return d.digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform provides SHA-512", e);
        }
    }
}
