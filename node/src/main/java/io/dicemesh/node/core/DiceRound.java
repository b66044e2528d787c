package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The signed commitments and reveals a node holds for its table's current roll, before they are committed.
 * Keyed by player, so a player leaving between rolls cannot shift anyone's place.
 */
final class DiceRound {
    long rollNo;
    final Map<NodeId, Envelope> commitments = new LinkedHashMap<>();
    final Map<NodeId, Envelope> reveals = new LinkedHashMap<>();
    boolean myCommitmentSent;
    boolean myRevealSent;
    /** When this node first learned that the roll was wanted, and when reveals became due; -1 if not yet. */
    long commitmentsSinceMs = -1;
    long revealsSinceMs = -1;
    final Set<NodeId> reportedWithheld = new HashSet<>();
    /** When this node next repeats its own commitment or reveal while the round waits. */
    final Timer resend = new Timer("dice-resend");
    long resendIntervalMs;

    DiceRound(long rollNo) {
        this.rollNo = rollNo;
    }

    /** What the coordinator needs from this node now: the reveals it holds once they are due, else the commitments. */
    Map<NodeId, Envelope> held(boolean awaitingReveals) {
        return awaitingReveals ? reveals : commitments;
    }

    /** The commitments of every active player in player order, or null while any is missing. */
    List<Envelope> commitmentsInOrder(List<NodeId> active) {
        return inOrder(commitments, active);
    }

    List<Envelope> revealsInOrder(List<NodeId> active) {
        return inOrder(reveals, active);
    }

    List<NodeId> missingCommitments(List<NodeId> active) {
        return missing(commitments, active);
    }

    List<NodeId> missingReveals(List<NodeId> active) {
        return missing(reveals, active);
    }

    boolean wanted() {
        return commitmentsSinceMs >= 0;
    }

    /** Someone left between rolls: the round goes on with the players still seated (it is keyed by player). */
    void keepOnly(List<NodeId> active) {
        commitments.keySet().retainAll(active);
        reveals.keySet().retainAll(active);
    }

    long heldBytes() {
        long bytes = 0;
        for (Envelope e : commitments.values()) {
            bytes += Envelopes.heldBytes(e);
        }
        for (Envelope e : reveals.values()) {
            bytes += Envelopes.heldBytes(e);
        }
        return bytes;
    }

    private static List<Envelope> inOrder(Map<NodeId, Envelope> held, List<NodeId> active) {
        List<Envelope> out = new ArrayList<>(active.size());
        for (NodeId p : active) {
            Envelope e = held.get(p);
            if (e == null) {
                return null;
            }
            out.add(e);
        }
        return out;
    }

    private static List<NodeId> missing(Map<NodeId, Envelope> held, List<NodeId> active) {
        List<NodeId> out = new ArrayList<>();
        for (NodeId p : active) {
            if (!held.containsKey(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
