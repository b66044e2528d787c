package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import java.util.ArrayList;
import java.util.List;

/**
 * DESIGN 5b's excluded set X: the players a round of a slot goes without. Proposals, Votes and Statuses sign it, so
 * none can be read under another membership. X is a set of active players in table order; empty for an ordinary
 * round. A round with X may run only in view 1 or higher, and only when the q = n - |X| players who stay satisfy
 * 2q - n > f (f: the genesis rule liars_tolerated), with at least two of them: then two sides of a partition can
 * never both go on, even with f liars bridging them, because any two such stayer sets share more than f players.
 */
final class Exclusion {
    private Exclusion() {
    }

    /**
     * X as named on the wire, checked against the active players: null when it names a non-player, repeats one,
     * is out of table order, or does not leave a quorum unless every player in it is among {@code provenLiars}
     * (then it need only leave one: an honest player is never proven to lie, so all honest players stay).
     */
    static List<NodeId> parse(TableModel state, List<ByteString> raw, java.util.Set<NodeId> provenLiars) {
        List<NodeId> named = named(state, raw);
        if (named == null || named.isEmpty()) {
            return named;
        }
        return leavesQuorum(state, named) || allLiars(state.active().size(), named, provenLiars) ? named : null;
    }

    /** The players X names, in table order; null when it names a non-player, repeats one or is out of order. */
    static List<NodeId> named(TableModel state, List<ByteString> raw) {
        if (raw.isEmpty()) {
            return List.of();
        }
        List<NodeId> active = state.active();
        List<NodeId> out = new ArrayList<>(raw.size());
        int last = -1;
        for (ByteString b : raw) {
            if (!NodeId.isWellFormed(b)) {
                return null;
            }
            int index = active.indexOf(NodeId.of(b));
            if (index <= last) {
                return null; // not a player, or not in table order (which also rules out repeats)
            }
            last = index;
            out.add(active.get(index));
        }
        return List.copyOf(out);
    }

    /** Whether a round without {@code excluded} (well named) leaves a quorum of the table's active players. */
    static boolean leavesQuorum(TableModel state, List<NodeId> excluded) {
        return quorum(state.active().size(), excluded.size(), state.wireRules().getLiarsTolerated());
    }

    /** Whether a round may go without {@code excluded} because each of them is proven to lie. */
    static boolean allLiars(int players, List<NodeId> excluded, java.util.Set<NodeId> provenLiars) {
        return !excluded.isEmpty() && players - excluded.size() >= 1 && provenLiars.containsAll(excluded);
    }

    /** Whether a round without {@code excluded} of {@code players} may decide anything (see the class comment). */
    static boolean quorum(int players, int excluded, int liarsTolerated) {
        if (excluded == 0) {
            return true;
        }
        int stay = players - excluded;
        return stay >= 2 && 2 * stay - players > liarsTolerated;
    }

    /** The active players outside X, in table order: the voters and coordinators of a round without X. */
    static List<NodeId> stayers(List<NodeId> active, List<NodeId> excluded) {
        if (excluded.isEmpty()) {
            return active;
        }
        List<NodeId> out = new ArrayList<>(active);
        out.removeAll(excluded);
        return out;
    }

    /** X as a bit per index of {@code active} (tables seat at most 16 players). */
    static long mask(List<NodeId> active, List<NodeId> excluded) {
        long mask = 0;
        for (NodeId p : excluded) {
            mask |= 1L << active.indexOf(p);
        }
        return mask;
    }

    static List<NodeId> fromMask(List<NodeId> active, long mask) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(active.get(i));
            }
        }
        return out;
    }

    static List<ByteString> wire(List<NodeId> excluded) {
        List<ByteString> out = new ArrayList<>(excluded.size());
        for (NodeId p : excluded) {
            out.add(p.byteString());
        }
        return out;
    }
}
