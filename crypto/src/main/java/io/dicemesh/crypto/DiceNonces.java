package io.dicemesh.crypto;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.DiceNonceSeed;

/**
 * Derives a node's dice nonce for a roll from its own key: SHA-256 of its (deterministic) Ed25519 signature over a
 * DiceNonceSeed body. Nobody without the key can predict it, and a node that crashes after sending its commitment
 * derives the same nonce again, so it can always reveal.
 */
public final class DiceNonces {
    private static final String NONCE_DOMAIN = "dicemesh/dice/nonce/v1";

    private DiceNonces() {
    }

    public static byte[] derive(Identity identity, byte[] tableId, long rollNo) {
        return derive(identity, tableId, rollNo, 0);
    }

    /**
     * The nonce of one attempt of a roll: a roll restarted after an eviction gets fresh nonces, so no node ever
     * commits again to a nonce it revealed. Attempt 0 serializes as before, so first attempts keep their nonces.
     */
    public static byte[] derive(Identity identity, byte[] tableId, long rollNo, int attempt) {
        Body seedBody = Body.newBuilder()
                .setDiceNonceSeed(DiceNonceSeed.newBuilder()
                        .setTableId(ByteString.copyFrom(tableId))
                        .setRollNo(rollNo)
                        .setAttempt(attempt))
                .build();
        byte[] signature = Signatures.sign(identity, seedBody.toByteArray());
        return Sha256.hasher().put(NONCE_DOMAIN).put(signature).digest();
    }
}
