package io.dicemesh.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The signatures a node has already found valid, so that an envelope that arrives again (a resent vote, a proposal
 * each player forwards, a vote inside a certificate) costs a SHA-256 of its bytes, not another Ed25519 verify (about
 * 40 times as much). Keyed by the SHA-256 of exactly what decides validity: the signer's key, the signature and the
 * signed message; a different byte anywhere is a different key and is verified in full, so only a SHA-256 collision
 * could pass a forgery. Bounded and thread safe without locks: a direct-mapped table of {@value #SLOTS} digests
 * (about 1.3 MiB), where a newer digest overwrites an older one in its slot; an evicted entry only costs a verify
 * again.
 */
public final class SignatureMemo {
    /** Digests remembered at most (a power of two). */
    public static final int SLOTS = 1 << 14;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(SLOTS);
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** The key of one signature check. */
    public static byte[] digest(byte[] publicKey, byte[] signature, byte[] message) {
        MessageDigest sha = SHA256.get();
        sha.update(publicKey);
        sha.update(signature);
        sha.update(message);
        return sha.digest();
    }

    /** Whether the check with this digest passed before (and is still remembered); counted as a hit or a miss. */
    public boolean passedBefore(byte[] digest) {
        boolean hit = Arrays.equals(slots.get(slotOf(digest)), digest);
        (hit ? hits : misses).increment();
        return hit;
    }

    /** Remembers a check that passed. */
    public void passed(byte[] digest) {
        slots.set(slotOf(digest), digest);
    }

    /** Checks answered from memory so far. */
    public long hits() {
        return hits.sum();
    }

    /** Checks that had to verify. */
    public long misses() {
        return misses.sum();
    }

    private static int slotOf(byte[] digest) {
        return ((digest[0] & 0xff) | (digest[1] & 0xff) << 8 | (digest[2] & 0xff) << 16) & (SLOTS - 1);
    }
}
