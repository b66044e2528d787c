package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.Settlement;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evict;
import io.dicemesh.protocol.Eviction;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.Tx;
import java.util.ArrayList;
import java.util.List;

/**
 * The Evict tx (DESIGN 5b): building it, checking it, applying it. The settlement it states is recomputed by every
 * validator from the state before it; applying it settles each evicted player as for absence, or, while a roll
 * awaits reveals and its reveal is in no stayer's Status, as a withholder whatever the named cause (its bets at
 * risk on that roll and its reveal bond go to the bank), sets aside what remains to it, and restarts the roll
 * with fresh nonces.
 */
final class Evictions {
    private Evictions() {
    }

    /**
     * The Evict tx for {@code players} at the next slot. While a roll awaits reveals, a player whose reveal is not
     * among {@code revealsHeld} (this node's and every stayer's Status's) is a withholder; one whose reveal is held
     * carries it, as proof that it is not.
     */
    static Tx build(TableModel state, List<NodeId> players, java.util.Map<NodeId, Envelope> revealsHeld,
            java.util.function.Function<NodeId, io.dicemesh.protocol.LiarProof> proofAgainst) {
        Evict.Builder unsettled = Evict.newBuilder();
        for (NodeId p : players) {
            boolean missing = state.awaitingReveals() && !revealsHeld.containsKey(p);
            io.dicemesh.protocol.LiarProof proof = proofAgainst.apply(p);
            Eviction.Builder e = Eviction.newBuilder().setPlayer(p.byteString()).setRevealMissing(missing)
                    .setCause(missing ? EvictionCause.EVICTION_WITHHOLDING : EvictionCause.EVICTION_ABSENCE);
            if (state.awaitingReveals() && !missing) {
                e.setReveal(revealsHeld.get(p));
            }
            if (proof != null) {
                e.setCause(EvictionCause.EVICTION_LIAR).setProof(proof);
            }
            unsettled.addEvictions(e);
        }
        TableModel copy = state.copy();
        List<Settlement> settled = apply(copy, unsettled.build(), state.seq() + 1);
        Evict.Builder evict = Evict.newBuilder();
        for (int i = 0; i < players.size(); i++) {
            Settlement s = settled.get(i);
            evict.addEvictions(unsettled.getEvictions(i).toBuilder().setPaid(s.paid())
                    .setBondForfeited(s.bondForfeited()).setSetAside(s.setAside()));
        }
        return Tx.newBuilder().setTableId(state.id().bytes()).setSeq(state.seq() + 1).setPrevHash(state.lastHash())
                .setEvict(evict).build();
    }

    /** The players an Evict tx evicts, as a round's X names them (in table order, as the tx must list them). */
    static List<com.google.protobuf.ByteString> evictedWire(Tx tx) {
        List<com.google.protobuf.ByteString> out = new ArrayList<>();
        for (Eviction e : tx.getEvict().getEvictionsList()) {
            out.add(e.getPlayer());
        }
        return out;
    }

    /**
     * An Evict tx counts only under a certificate that goes without exactly the players it evicts (every other
     * player's vote, each naming them); any other tx under any certificate. Never throws.
     */
    static boolean certifiedAsRequired(com.google.protobuf.ByteString txBytes, List<NodeId> certificateExcluded) {
        Tx tx;
        try {
            tx = Tx.parseFrom(txBytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return true; // not a tx at all: the validator refuses it with its reason
        }
        if (!tx.hasEvict()) {
            return true;
        }
        List<com.google.protobuf.ByteString> x = new ArrayList<>();
        for (NodeId p : certificateExcluded) {
            x.add(p.byteString());
        }
        return !x.isEmpty() && x.equals(evictedWire(tx));
    }

    /**
     * What is wrong with an Evict tx against the state before it, or null. Never throws. It must leave two
     * players, or one when every player it evicts is a proven liar (a table of two can lose only a liar).
     */
    static String problem(TableModel state, Tx tx, java.util.function.Function<io.dicemesh.protocol.Envelope,
            io.dicemesh.crypto.VerifyResult> verifier) {
        if (tx.getIntentBatchesCount() > 0 || tx.getDiceCommitmentsCount() > 0 || tx.getDiceRevealsCount() > 0) {
            return "an Evict tx carries nothing else";
        }
        Evict evict = tx.getEvict();
        List<NodeId> active = state.active();
        boolean allLiars = evict.getEvictionsList().stream()
                .allMatch(e -> e.getCause() == EvictionCause.EVICTION_LIAR);
        if (evict.getEvictionsCount() == 0 || active.size() - evict.getEvictionsCount() < (allLiars ? 1 : 2)) {
            return "an Evict tx evicts at least one player and leaves at least two (one, when it evicts liars)";
        }
        int last = -1;
        for (Eviction e : evict.getEvictionsList()) {
            int index = NodeId.isWellFormed(e.getPlayer()) ? active.indexOf(NodeId.of(e.getPlayer())) : -1;
            if (index <= last) {
                return "evictions name active players once each, in table order";
            }
            last = index;
            boolean known = e.getCause() == EvictionCause.EVICTION_ABSENCE
                    || e.getCause() == EvictionCause.EVICTION_WITHHOLDING || e.getCause() == EvictionCause.EVICTION_LIAR;
            if (!known || (e.getCause() == EvictionCause.EVICTION_WITHHOLDING && !e.getRevealMissing())
                    || (e.getRevealMissing() && !state.awaitingReveals())
                    || (e.hasProof() != (e.getCause() == EvictionCause.EVICTION_LIAR))) {
                return "eviction cause " + e.getCause() + " does not fit the table's state";
            }
            String reveal = revealProblem(state, e, index, verifier);
            if (reveal != null) {
                return reveal;
            }
            if (e.hasProof()) {
                if (!e.getProof().getPlayer().equals(e.getPlayer())) {
                    return "the proof against " + NodeId.of(e.getPlayer()) + " names another player";
                }
                String bad = LiarProofs.problem(state, e.getProof(), verifier);
                if (bad != null) {
                    return "the proof against " + NodeId.of(e.getPlayer()) + " proves nothing: " + bad;
                }
            }
        }
        if (restartsWithNoRevealMissing(state, evict)) {
            // a restart is a second chance at the dice: only a missing reveal may buy it (and pays for it); with
            // every evicted player's reveal shown, the stayers finish the roll instead (a partner holding its
            // puppet's reveal would otherwise restart a roll it dislikes at no cost)
            return "an Evict tx during a roll names some reveal missing; with every evicted player's reveal shown,"
                    + " the roll finishes instead";
        }
        Evict.Builder unsettled = evict.toBuilder();
        for (int i = 0; i < unsettled.getEvictionsCount(); i++) {
            unsettled.setEvictions(i, unsettled.getEvictions(i).toBuilder().clearPaid().clearBondForfeited()
                    .clearSetAside());
        }
        List<Settlement> settled;
        try {
            settled = apply(state.copy(), unsettled.build(), state.seq() + 1);
        } catch (RuntimeException e) {
            return "settling the evictions fails: " + e.getMessage();
        }
        for (int i = 0; i < settled.size(); i++) {
            Eviction e = evict.getEvictions(i);
            Settlement s = settled.get(i);
            if (e.getPaid() != s.paid() || e.getBondForfeited() != s.bondForfeited()
                    || e.getSetAside() != s.setAside()) {
                return "the settlement of " + NodeId.of(e.getPlayer()) + " states paid " + e.getPaid() + ", bond "
                        + e.getBondForfeited() + ", set aside " + e.getSetAside() + "; the rules give " + s.paid()
                        + ", " + s.bondForfeited() + ", " + s.setAside();
            }
        }
        return null;
    }

    /**
     * During a roll, an eviction either names its player's reveal missing (a withholder, whatever the cause) or
     * carries that reveal, signed by the player, for this roll and attempt, opening its committed commitment: else
     * two colluders could pass a withholder off as absent, keeping its bond and bets at risk, and still restart the
     * roll. Outside a roll it carries none.
     */
    private static String revealProblem(TableModel state, Eviction e, int index,
            java.util.function.Function<Envelope, io.dicemesh.crypto.VerifyResult> verifier) {
        if (!state.awaitingReveals() || e.getRevealMissing()) {
            return e.hasReveal() ? "an eviction carries a reveal only during a roll, for a player who revealed" : null;
        }
        NodeId player = NodeId.of(e.getPlayer());
        if (!e.hasReveal() || !(verifier.apply(e.getReveal()) instanceof io.dicemesh.crypto.Verified v)
                || !v.sender().equals(player) || v.kind() != io.dicemesh.protocol.Body.KindCase.DICE_REVEAL) {
            return "the eviction of " + player + " during a roll names its reveal missing or carries it, signed";
        }
        io.dicemesh.protocol.DiceReveal r = v.body().getDiceReveal();
        if (!TxValidator.ofThisRoll(state, r) || index >= state.rollCommitments().size()) {
            return "the reveal carried for " + player + " is not of this roll and attempt";
        }
        return TxValidator.matchesCommitment(state, index, player, r) ? null
                : "the reveal carried for " + player + " does not open its commitment";
    }

    /**
     * Whether this Evict tx would restart the roll in progress with no reveal missing: refused, since only a missing
     * reveal may buy a second chance at the dice (the stayers finish the roll instead).
     */
    static boolean restartsWithNoRevealMissing(TableModel state, Evict evict) {
        return state.awaitingReveals() && evict.getEvictionsList().stream().noneMatch(Eviction::getRevealMissing);
    }

    /** Applies the evictions (checked) to {@code state}; returns each one's settlement, in order. */
    static List<Settlement> apply(TableModel state, Evict evict, long atSeq) {
        boolean duringRoll = state.awaitingReveals();
        int n = evict.getEvictionsCount();
        int[] seats = new int[n];
        boolean[] revealMissing = new boolean[n];
        for (int i = 0; i < n; i++) {
            Eviction e = evict.getEvictions(i);
            seats[i] = state.seatOf(NodeId.of(e.getPlayer()));
            revealMissing[i] = duringRoll && e.getRevealMissing();
        }
        List<Settlement> out = state.game().departTogether(seats, revealMissing); // one decision: bonds on one felt
        for (int i = 0; i < n; i++) {
            Settlement s = out.get(i);
            state.recordEviction(seats[i], evict.getEvictions(i).getCause(), atSeq, s.paid(), s.bondForfeited());
        }
        state.refreshActive();
        if (duringRoll) {
            state.restartRoll();
        }
        return out;
    }
}
