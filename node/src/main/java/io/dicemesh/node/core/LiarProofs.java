package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.LiarProof;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Vote;
import java.util.List;
import java.util.function.Function;

/**
 * Objective proof that a player lied (DESIGN 5b): its own signatures that contradict each other or the committed
 * prefix, checkable by anyone from the envelopes and the state before the slot, so a round may go without a proven
 * liar whatever the quorum rule says, and an auditor re-checks it. Only lies an honest player can never sign count:
 * two Votes at one seq for different txs (a vote is a lock, which never moves), two Proposals for one (seq, view, X)
 * with different txs, or a DiceCommitment and a DiceReveal for one roll and attempt where the reveal does not open
 * the commitment (an honest player derives both from one nonce). None depends on the table's state but for the
 * player being active, so a proof stays valid while its player sits at the table, whatever committed since.
 */
final class LiarProofs {
    /** The bytes of a whole proof: a Status carries these. */
    static final int PROOF_BYTES_MAX = 2 * io.dicemesh.protocol.WireLimits.SMALL_MESSAGE_BYTES_MAX + 64;
    /** Bytes of proofs one Status carries at most (within WireLimits.STATUS_BYTES_MAX with all else at its largest). */
    static final int IN_STATUS_BYTES_MAX = 3 * 1024;

    private LiarProofs() {
    }

    /** What does not hold in {@code proof} against {@code state}, or null when it proves its player, active there, lied. */
    static String problem(TableModel state, LiarProof proof, Function<Envelope, VerifyResult> verifier) {
        if (proof.getSerializedSize() > PROOF_BYTES_MAX || proof.getEnvelopesCount() != 2) {
            return "a proof holds two envelopes of a few hundred bytes";
        }
        if (!NodeId.isWellFormed(proof.getPlayer()) || !state.isActive(NodeId.of(proof.getPlayer()))) {
            return "a proof names an active player";
        }
        NodeId player = NodeId.of(proof.getPlayer());
        Verified[] signed = new Verified[proof.getEnvelopesCount()];
        for (int i = 0; i < signed.length; i++) {
            if (!(verifier.apply(proof.getEnvelopes(i)) instanceof Verified v) || !v.sender().equals(player)) {
                return "a proof's envelopes are signed by its player";
            }
            signed[i] = v;
        }
        if (signed.length != 2) {
            return "a proof holds two envelopes";
        }
        Verified a = signed[0];
        Verified b = signed[1];
        ByteString table = state.id().bytes();
        if (a.kind() == Body.KindCase.DICE_COMMITMENT && b.kind() == Body.KindCase.DICE_REVEAL) {
            return badReveal(table, player, a.body().getDiceCommitment(), b.body().getDiceReveal());
        }
        if (a.kind() != b.kind()) {
            return "a proof's two envelopes are of one kind, or a commitment and a reveal";
        }
        return switch (a.kind()) {
            case VOTE -> twoVotes(table, a.body().getVote(), b.body().getVote());
            case PROPOSAL -> twoProposals(table, a.body().getProposal(), b.body().getProposal());
            default -> "a proof's two envelopes are votes or proposals";
        };
    }

    private static String twoVotes(ByteString table, Vote a, Vote b) {
        if (!a.getTableId().equals(table) || !b.getTableId().equals(table) || a.getSeq() != b.getSeq()
                || a.getTxHash().size() != 32 || b.getTxHash().size() != 32) {
            return "two votes of a proof are for this table and one slot";
        }
        return a.getTxHash().equals(b.getTxHash()) ? "two votes for one tx contradict nothing" : null;
    }

    private static String twoProposals(ByteString table, Proposal a, Proposal b) {
        if (!a.getTableId().equals(table) || !b.getTableId().equals(table) || a.getSeq() != b.getSeq()
                || a.getView() != b.getView() || !a.getExcludedList().equals(b.getExcludedList())
                || a.getTxHash().size() != 32 || b.getTxHash().size() != 32) {
            return "two proposals of a proof are for this table and one slot, view and excluded set";
        }
        return a.getTxHash().equals(b.getTxHash()) ? "two proposals of one tx contradict nothing" : null;
    }

    private static String badReveal(ByteString table, NodeId player, DiceCommitment c, DiceReveal r) {
        if (!c.getTableId().equals(table) || !r.getTableId().equals(table) || c.getRollNo() != r.getRollNo()
                || c.getAttempt() != r.getAttempt()) {
            return "a commitment and a reveal of a proof are for this table and one roll and attempt";
        }
        byte[] opened = io.dicemesh.crypto.Dice.commitment(table.toByteArray(), r.getRollNo(), player.bytes(),
                r.getNonce().toByteArray());
        return ByteString.copyFrom(opened).equals(c.getCommitment()) ? "the reveal opens its commitment" : null;
    }

    /** The players of {@code proofs} each proves lied, in the order given; the rest are ignored. */
    static java.util.Set<NodeId> proven(TableModel state, List<LiarProof> proofs,
            Function<Envelope, VerifyResult> verifier) {
        java.util.Set<NodeId> out = new java.util.LinkedHashSet<>();
        int limit = state.active().size();
        for (int i = 0; i < proofs.size() && i < limit; i++) {
            LiarProof p = proofs.get(i);
            if (problem(state, p, verifier) == null) {
                out.add(NodeId.of(p.getPlayer()));
            }
        }
        return out;
    }

    static LiarProof of(NodeId player, List<Envelope> envelopes) {
        return LiarProof.newBuilder().setPlayer(player.byteString()).addAllEnvelopes(envelopes).build();
    }
}
