package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a node knows about its table's next slot (seq = last committed + 1): its view, its lock, and the
 * proposals, votes and statuses it has seen. Indexes are positions in the table's active player list, which
 * cannot change while the slot is open. Every collection is bounded.
 */
final class Slot {
    /** Views further than this above the current one are ignored (a liar cannot make us store endless views). */
    static final int VIEWS_AHEAD_MAX = 64;
    /** Distinct txs remembered per slot. */
    static final int TXS_MAX = 16;

    final long seq;
    final int players;
    int view;
    Lock lock;
    Envelope myStatus;
    final Set<Integer> votedViews = new HashSet<>();
    final Set<Integer> proposedViews = new HashSet<>();
    /** First proposal seen per view. */
    final Map<Integer, Envelope> proposals = new TreeMap<>();
    /** Tx bytes by hash, with the Prepare that carried them. */
    final Map<ByteString, Envelope> preparesByTxHash = new LinkedHashMap<>();
    final Map<ByteString, ByteString> txByHash = new LinkedHashMap<>();
    /** Per tx hash, each player's vote (first one kept). */
    final Map<ByteString, Envelope[]> votesByHash = new LinkedHashMap<>();
    /** Per player, the tx hash of the first vote seen from it, and the vote. */
    final Map<Integer, Envelope> firstVote = new TreeMap<>();
    final Map<Integer, ByteString> firstVoteHash = new TreeMap<>();
    /** Per view, each player's Status. */
    final Map<Integer, Envelope[]> statuses = new TreeMap<>();
    long deadlineMs = -1;
    /** Halfway to the deadline this node repeats its vote or status once, so a lost message costs no view. */
    long nudgeAtMs = -1;
    long startedMs = -1;
    boolean sawTraffic;
    boolean committed;

    Slot(long seq, int players) {
        this.seq = seq;
        this.players = players;
    }

    boolean acceptsView(int v) {
        return v >= 0 && v <= view + VIEWS_AHEAD_MAX && v < Integer.MAX_VALUE / 2;
    }

    void rememberTx(ByteString hash, ByteString tx, Envelope prepare) {
        if (!txByHash.containsKey(hash) && txByHash.size() < TXS_MAX) {
            txByHash.put(hash, tx);
            preparesByTxHash.put(hash, prepare);
        }
    }

    /** Records a vote; returns the player's earlier vote for a different tx (evidence of a moved lock), if any. */
    Envelope recordVote(int index, ByteString txHash, Envelope vote) {
        ByteString first = firstVoteHash.get(index);
        if (first == null) {
            firstVoteHash.put(index, txHash);
            firstVote.put(index, vote);
        } else if (!first.equals(txHash)) {
            return firstVote.get(index);
        }
        if (!votesByHash.containsKey(txHash) && votesByHash.size() >= TXS_MAX) {
            return null;
        }
        Envelope[] votes = votesByHash.computeIfAbsent(txHash, h -> new Envelope[players]);
        if (votes[index] == null) {
            votes[index] = vote;
        }
        return null;
    }

    /** The hash every player voted for, if any: the slot's commit certificate. */
    ByteString certifiedHash() {
        for (Map.Entry<ByteString, Envelope[]> e : votesByHash.entrySet()) {
            if (complete(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Records a Status; returns this player's different Status for the same view (evidence), if any. */
    Envelope recordStatus(int index, int statusView, Envelope status) {
        Envelope[] inView = statuses.computeIfAbsent(statusView, v -> new Envelope[players]);
        if (inView[index] == null) {
            inView[index] = status;
            return null;
        }
        return inView[index].equals(status) ? null : inView[index];
    }

    /** Every player's Status for the view, in player order, or null while some are missing. */
    List<Envelope> justification(int forView) {
        Envelope[] inView = statuses.get(forView);
        return inView != null && complete(inView) ? List.of(inView) : null;
    }

    /** Every Status seen from one player, in view order. */
    List<Envelope> statusesOf(int index) {
        List<Envelope> out = new ArrayList<>();
        for (Envelope[] inView : statuses.values()) {
            if (inView[index] != null) {
                out.add(inView[index]);
            }
        }
        return out;
    }

    /** Drops statuses of views below the current one, which can no longer justify anything. */
    void pruneViewsBelow(int v) {
        statuses.keySet().removeIf(k -> k < v);
    }

    static boolean complete(Envelope[] envelopes) {
        for (Envelope e : envelopes) {
            if (e == null) {
                return false;
            }
        }
        return true;
    }
}
