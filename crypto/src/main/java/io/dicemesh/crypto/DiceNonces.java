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
        Body seedBody = Body.newBuilder()
                .setDiceNonceSeed(DiceNonceSeed.newBuilder()
                        .setTableId(ByteString.copyFrom(tableId))
                        .setRollNo(rollNo))
                .build();
        byte[] signature = Signatures.sign(identity, seedBody.toByteArray());
        return Sha256.hasher().put(NONCE_DOMAIN).put(signature).digest();
    }
}
