package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import java.util.List;
import java.util.function.Function;

/**
 * Rules R1-R3 on Statuses and their locks: what a valid lock is, what a valid justification is, and which tx a
 * justification forces the next coordinator to propose.
 */
final class Locks {
    private Locks() {
    }

    /** A lock shown in a Status: the proposal a player voted on, checked to be genuine. */
    record ShownLock(int view, ByteString txHash, NodeId coordinator, Envelope proposal) {
    }

    /**
     * The lock a Status of (seq, statusView) shows, if its proposal is genuine: signed by the coordinator of its
     * view, for this table and slot, in a view below the Status's. Null when the Status shows no lock; throws
     * nothing, returns {@link #INVALID} when the lock is not genuine.
     */
    static ShownLock shownLock(TableModel state, long seq, int statusView, Status status,
            Function<Envelope, VerifyResult> verifier, java.util.Set<NodeId> liars) {
        if (!status.hasLockedProposal()) {
            return null;
        }
        VerifyResult r = verifier.apply(status.getLockedProposal());
        if (!(r instanceof Verified v) || v.kind() != Body.KindCase.PROPOSAL) {
            return INVALID;
        }
        Proposal p = v.body().getProposal();
        List<NodeId> excluded = Exclusion.parse(state, p.getExcludedList(), liars);
        if (!p.getTableId().equals(state.id().bytes()) || p.getSeq() != seq || p.getView() < 0
                || p.getView() >= statusView || p.getTxHash().size() != 32 || excluded == null
                || (!excluded.isEmpty() && p.getView() < 1)
                || !v.sender().equals(state.coordinator(seq, p.getView(), excluded))) {
            return INVALID;
        }
        return new ShownLock(p.getView(), p.getTxHash(), v.sender(), status.getLockedProposal());
    }

    /** Marker for a lock that is not genuine. */
    static final ShownLock INVALID = new ShownLock(-1, ByteString.EMPTY, null, null);

    /**
     * The outcome of checking a view-change justification; {@code excluded} is the X its Statuses name (empty for
     * an ordinary round), and {@code statuses}/{@code verified} are in the order of the players outside X.
     */
    record Justified(boolean valid, String problem, ShownLock highestLock, List<Status> statuses,
            List<Verified> verified, List<NodeId> excluded, List<ShownLock> locks) {
    }

    /**
     * Checks that {@code justification} holds exactly one Status for (seq, view) from every active player outside
     * the X the Statuses name (all naming the same X, one that leaves a quorum), in player order, each with a
     * genuine lock or none, and finds the highest-view lock (R3: the tx to propose).
     */
    static Justified check(TableModel state, long seq, int view, List<Envelope> justification,
            Function<Envelope, VerifyResult> verifier, java.util.Set<NodeId> liars) {
        if (justification.isEmpty()) {
            return bad("no statuses");
        }
        List<NodeId> excluded = null;
        if (verifier.apply(justification.get(0)) instanceof Verified first
                && first.kind() == Body.KindCase.STATUS) {
            excluded = Exclusion.parse(state, first.body().getStatus().getExcludedList(), liars);
        }
        if (excluded == null) {
            return bad("status 0 is not a signed Status naming players it may go without");
        }
        List<NodeId> active = Exclusion.stayers(state.active(), excluded);
        if (justification.size() != active.size()) {
            return bad(justification.size() + " statuses for " + active.size() + " players");
        }
        ShownLock highest = null;
        List<ShownLock> locks = new java.util.ArrayList<>();
        List<Status> statuses = new java.util.ArrayList<>(active.size());
        List<Verified> verified = new java.util.ArrayList<>(active.size());
        for (int i = 0; i < active.size(); i++) {
            VerifyResult r = verifier.apply(justification.get(i));
            if (!(r instanceof Verified v) || v.kind() != Body.KindCase.STATUS) {
                return bad("status " + i + " is not a signed Status");
            }
            if (!v.sender().equals(active.get(i))) {
                return bad("status " + i + " is not from player " + active.get(i));
            }
            Status s = v.body().getStatus();
            if (!s.getTableId().equals(state.id().bytes()) || s.getSeq() != seq || s.getView() != view) {
                return bad("status " + i + " is not for slot " + seq + " view " + view);
            }
            if (!s.getExcludedList().equals(Exclusion.wire(excluded))) {
                return bad("status " + i + " names other players to go without");
            }
            ShownLock lock = shownLock(state, seq, view, s, verifier, liars);
            if (lock == INVALID) {
                return bad("status " + i + " shows a lock that is not a genuine proposal");
            }
            if (lock != null && (highest == null || lock.view() > highest.view())) {
                highest = lock;
            }
            if (lock != null) {
                locks.add(lock);
            }
            statuses.add(s);
            verified.add(v);
        }
        locks.sort((a, b) -> Integer.compare(b.view(), a.view()));
        return new Justified(true, null, highest, statuses, verified, excluded, List.copyOf(locks));
    }

    static Justified bad(String problem) {
        return new Justified(false, problem, null, List.of(), List.of(), List.of(), List.of());
    }

    /**
     * True when a vote for {@code voteHash} in {@code voteView} contradicts a Status of a later view by the same
     * player: an honest player that voted shows that lock (or a later one on the same tx) in every later Status,
     * and one that sent the Status never votes below its view (R1).
     */
    static boolean contradicts(int voteView, ByteString voteHash, int statusView, ShownLock statusLock) {
        if (statusView <= voteView) {
            return false;
        }
        return statusLock == null || !statusLock.txHash().equals(voteHash) || statusLock.view() < voteView;
    }
}
