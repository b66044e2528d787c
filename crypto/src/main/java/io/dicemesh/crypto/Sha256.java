package io.dicemesh.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 helpers. Integers are hashed as 8-byte big-endian, as DESIGN section 6 specifies. */
public final class Sha256 {
    public static final int BYTES = 32;

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

    private Sha256() {
    }

    public static byte[] hash(byte[] data) {
        MessageDigest d = DIGEST.get();
        d.reset();
        return d.digest(data);
    }

    /** Hash of the concatenation of the parts. */
    public static byte[] hash(byte[]... parts) {
        MessageDigest d = DIGEST.get();
        d.reset();
        for (byte[] p : parts) {
            d.update(p);
        }
        return d.digest();
    }

    /** An incremental hasher for building domain-separated hashes. */
    public static Hasher hasher() {
        return new Hasher(newDigest());
    }

    public static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform provides SHA-256", e);
        }
    }

    /** Feeds bytes, text and big-endian longs into one SHA-256. */
    public static final class Hasher {
        private final MessageDigest digest;

        private Hasher(MessageDigest digest) {
            this.digest = digest;
        }

        public Hasher put(byte[] bytes) {
            digest.update(bytes);
            return this;
        }

        public Hasher put(String ascii) {
            digest.update(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return this;
        }

        public Hasher putLong(long value) {
            digest.update(longBytes(value));
            return this;
        }

        public byte[] digest() {
            return digest.digest();
        }
    }
}
