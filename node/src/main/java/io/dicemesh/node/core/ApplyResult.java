package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.RollResult;
import io.dicemesh.node.game.Settlement;
import io.dicemesh.protocol.Intent;
import java.util.List;

/** What one committed slot did, identically on every peer. */
public record ApplyResult(TableId table, long seq, List<IntentOutcome> intents, RollOutcome roll,
        boolean commitmentsRecorded, List<Settlement> evictions) {

    /**
     * One intent's fate. {@code rejection} is null when it was accepted; {@code betId} is set for bets;
     * {@code settlement} for an accepted leave: what its bets were settled for and what was withdrawn.
     */
    public record IntentOutcome(NodeId player, long batchNo, long intentId, Intent.KindCase kind,
            IntentRejection rejection, long betId, Settlement settlement) {
        public IntentOutcome(NodeId player, long batchNo, long intentId, Intent.KindCase kind,
                IntentRejection rejection, long betId) {
            this(player, batchNo, intentId, kind, rejection, betId, null);
        }

        public boolean accepted() {
            return rejection == null;
        }
    }

    /** A roll and everything it settled. */
    public record RollOutcome(long rollNo, RollResult result) {
    }

    public boolean hasRoll() {
        return roll != null;
    }

    /** True for an Evict tx: {@code evictions} holds each evicted player's settlement. */
    public boolean evicted() {
        return !evictions.isEmpty();
    }
}
