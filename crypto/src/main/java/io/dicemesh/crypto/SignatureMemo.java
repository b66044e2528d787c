package io.dicemesh.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The signatures a node has already found valid, so that an envelope that arrives again (a resent vote, a proposal
 * each player forwards, a vote inside a certificate) costs a SHA-256 of its bytes, not another Ed25519 verify (about
 * a hundred times as much for a message of a few hundred bytes). Keyed by the SHA-256 of exactly what decides
 * validity: the signer's key (32 bytes), the signature (64 bytes) and the signed message, after a random salt of
 * this memo's own, so that nobody outside can tell which slot an entry takes (and aim their own entries at it); a
 * different byte anywhere is a different key and is verified in full, so only a SHA-256 collision could pass a
 * forgery. Bounded and thread safe without locks: a direct-mapped table of {@value #SLOTS} digests (about 0.8 MiB),
 * where a newer digest overwrites an older one in its slot; an evicted entry only costs a verify again. Messages over
 * {@value #MESSAGE_BYTES_MAX} bytes are not remembered: for them the hash costs about what the verify does (Ed25519
 * hashes the whole message too).
 */
public final class SignatureMemo {
    /** Digests remembered at most (a power of two). */
    public static final int SLOTS = 1 << 14;
    /** The largest signed message remembered. */
    public static final int MESSAGE_BYTES_MAX = 16 * 1024;
    private static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 64;
    private static final int SALT_BYTES = 16;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    private final byte[] salt = new byte[SALT_BYTES];
    private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(SLOTS);
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    SignatureMemo() {
        new SecureRandom().nextBytes(salt);
    }

    /**
     * The key of one signature check, or null for one not to remember (a message over {@link #MESSAGE_BYTES_MAX});
     * the key and signature have their fixed lengths, so the bytes hashed split one way only.
     */
    byte[] digest(byte[] publicKey, byte[] signature, byte[] message) {
        if (publicKey.length != KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            throw new IllegalArgumentException("a key of 32 bytes and a signature of 64, checked before");
        }
        if (message.length > MESSAGE_BYTES_MAX) {
            return null;
        }
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(salt);
        sha.update(publicKey);
        sha.update(signature);
        sha.update(message);
        return sha.digest();
    }

    /**
     * Whether the check with this digest passed before (and is still remembered; never for a null digest, a check
     * not to remember); counted as a hit or a miss.
     */
    boolean passedBefore(byte[] digest) {
        boolean hit = digest != null && Arrays.equals(slots.get(slotOf(digest)), digest);
        (hit ? hits : misses).increment();
        return hit;
    }

    /** Remembers a check that passed ({@code digest} from {@link #digest}, not kept by the caller). */
    void passed(byte[] digest) {
        if (digest != null) {
            slots.set(slotOf(digest), digest);
        }
    }

    /** Checks answered from memory so far. */
    public long hits() {
        return hits.sum();
    }

    /** Checks that had to verify the signature (passed or failed). */
    public long misses() {
        return misses.sum();
    }

    private static int slotOf(byte[] digest) {
        return ((digest[0] & 0xff) | (digest[1] & 0xff) << 8 | (digest[2] & 0xff) << 16) & (SLOTS - 1);
    }
}
