package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.NackReason;

/** The verdict on a proposed tx: valid (parsed), or why a player must not vote for it. */
sealed interface TxCheck {
    record Valid(ParsedTx tx) implements TxCheck {
    }

    /**
     * Not votable. {@code evidence} is set when the tx itself proves that {@code culprit} misbehaved (a reveal that
     * contradicts its commitment); a forged batch is blamed on the coordinator by the caller.
     */
    record Invalid(NackReason reason, String detail, EvidenceKind evidence, NodeId culprit) implements TxCheck {
        static Invalid of(NackReason reason, String detail) {
            return new Invalid(reason, detail, null, null);
        }
    }
}
