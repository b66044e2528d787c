package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.Tx;
import java.util.List;

/**
 * A tx that passed {@link TxValidator}: its bytes, hash, and every embedded signed object verified and decoded.
 * Commitments and reveals are in active-player order.
 */
record ParsedTx(ByteString bytes, ByteString hash, Tx tx, List<SignedBatch> batches,
        List<DiceCommitment> commitments, List<DiceReveal> reveals) {

    /** A verified intent batch and the seat of the player who signed it. */
    record SignedBatch(int seat, IntentBatch batch) {
    }

    boolean isRoll() {
        return !reveals.isEmpty();
    }

    boolean isEmpty() {
        return batches.isEmpty() && commitments.isEmpty() && reveals.isEmpty();
    }
}
