package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.TableState;
import java.util.List;

/** Things that happened inside the core, for logs, metrics and the simulator's checkers. */
public sealed interface Event {
    record TableStarted(TableId table, List<NodeId> players) implements Event {
    }

    record InviteReceived(TableId table, NodeId creator) implements Event {
    }

    /** This node, as coordinator, proposed txHash at (seq, view). */
    record Proposed(TableId table, long seq, int view, ByteString txHash) implements Event {
    }

    /** This node voted YES for txHash at (seq, view): its lock at seq. */
    record Voted(TableId table, long seq, int view, ByteString txHash) implements Event {
    }

    /**
     * A slot committed here: its tx bytes and hash, what applying it did, the table's state after it, when this
     * node first saw the slot (its Prepare, a vote or a status; or when it proposed it) and when it committed.
     */
    record SlotCommitted(TableId table, long seq, ByteString tx, ByteString txHash, ApplyResult result,
            TableState state, long startedMs, long committedMs) implements Event {
    }

    record ViewChanged(TableId table, long seq, int view, String cause) implements Event {
    }

    record EvidenceRecorded(Evidence evidence) implements Event {
    }

    /**
     * Input that was dropped without changing anything, and why. {@code blamed} is the peer at fault, when there is
     * one: the signer of a table message no honest node could send in any state (malformed), sent on its own
     * channel; null when the message may be honest but early, late or relayed, or was dropped for this node's own
     * reasons (a halted table, a full buffer, a view or batch too far ahead of this node).
     */
    record Dropped(NodeId from, String kind, String reason, NodeId blamed) implements Event {
        public Dropped(NodeId from, String kind, String reason) {
            this(from, kind, reason, null);
        }
    }

    /** The core had a message for {@code to} (signed by {@code signer}) that is over the frame limit: not sent. */
    record Unsendable(NodeId to, NodeId signer, int bytes) implements Event {
    }

    /**
     * A certificate fixed a tx this node refuses (or one that contradicts its own lock): its signers lied together,
     * the evidence is kept, and this node's copy of the table stops at its last committed slot.
     */
    record TableHalted(TableId table, long seq, String reason) implements Event {
    }

    record NackReceived(TableId table, NodeId from, long seq, int view, String reason) implements Event {
    }
}
