package io.dicemesh.crypto;

import io.dicemesh.protocol.WireLimits;
import java.util.List;

/**
 * Fair dice by commit-reveal, exactly as DESIGN section 6: commitments, the roll seed, and two dice drawn from the
 * seed by rejection sampling (bytes below 252 only, so each face is exactly equally likely).
 */
public final class Dice {
    public static final String COMMIT_DOMAIN = "dicemesh/dice/commit/v1";
    public static final String SEED_DOMAIN = "dicemesh/dice/seed/v1";

    /** Bytes at or above this are skipped: 252 = 42 * 6 keeps every face equally likely. */
    private static final int ACCEPT_BELOW = 252;
    private static final int FACES = 6;
    /** A hash stream yields a die with probability 252/256 per byte; this bound is never reached in practice. */
    private static final int EXTRA_BLOCKS_MAX = 1 << 16;

    private Dice() {
    }

    /** SHA-256("dicemesh/dice/commit/v1" || table_id || roll_no || player_id || nonce). */
    public static byte[] commitment(byte[] tableId, long rollNo, byte[] playerId, byte[] nonce) {
        requireLength("table id", tableId, WireLimits.ID_BYTES);
        requireLength("player id", playerId, WireLimits.ID_BYTES);
        requireLength("nonce", nonce, WireLimits.NONCE_BYTES);
        return Sha256.hasher().put(COMMIT_DOMAIN).put(tableId).putLong(rollNo).put(playerId).put(nonce).digest();
    }

    /** SHA-256("dicemesh/dice/seed/v1" || table_id || roll_no || nonce_1 || ... || nonce_n), nonces in player order. */
    public static byte[] seed(byte[] tableId, long rollNo, List<byte[]> noncesInPlayerOrder) {
        requireLength("table id", tableId, WireLimits.ID_BYTES);
        Sha256.Hasher h = Sha256.hasher().put(SEED_DOMAIN).put(tableId).putLong(rollNo);
        for (byte[] nonce : noncesInPlayerOrder) {
            requireLength("nonce", nonce, WireLimits.NONCE_BYTES);
            h.put(nonce);
        }
        return h.digest();
    }

    /**
     * The two dice of a seed: read the seed's bytes, then those of SHA-256(seed || counter) for counter 0, 1, ...;
     * a byte b below 252 gives the die b % 6 + 1, other bytes are skipped.
     */
    public static int[] roll(byte[] seed) {
        int[] dice = new int[2];
        int found = take(seed, dice, 0);
        for (long counter = 0; found < 2; counter++) {
            if (counter >= EXTRA_BLOCKS_MAX) {
                throw new AssertionError("no die in " + EXTRA_BLOCKS_MAX + " hash blocks");
            }
            found = take(Sha256.hash(seed, Sha256.longBytes(counter)), dice, found);
        }
        return dice;
    }

    private static int take(byte[] block, int[] dice, int found) {
        for (int i = 0; i < block.length && found < dice.length; i++) {
            int b = block[i] & 0xff;
            if (b < ACCEPT_BELOW) {
                dice[found++] = b % FACES + 1;
            }
        }
        return found;
    }

    private static void requireLength(String what, byte[] bytes, int length) {
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + bytes.length);
        }
    }
}
