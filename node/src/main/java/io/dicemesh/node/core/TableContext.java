package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;

/**
 * The state one table's protocol parts share at one node: the committed model, the open slot, the dice round, the
 * intent pool, this node's own intents, evidence, catch-up bookkeeping and messages kept for later. The parts
 * ({@link TableGate}, {@link IntentDesk}, {@link DiceDesk}, {@link SlotProtocol}, {@link Proposer},
 * {@link Committer}) each own one job over it; {@link TableEngine} dispatches to them. Single-threaded like the
 * rest of the core.
 */
final class TableContext {
    /** The view timeout doubles per view change of a slot, but never beyond this. */
    static final long VIEW_TIMEOUT_CEILING_MS = 60_000;
    /** Doublings of the view timeout before it stays at its ceiling. */
    static final int VIEW_BACKOFF_DOUBLINGS_MAX = 6;

    final EngineContext node;
    final TableModel state;
    final TxValidator validator;
    final IntentPool pool = new IntentPool();
    final OwnIntents own = new OwnIntents();
    final EvidenceLog evidence;
    final CatchUp catchUp;
    final Deferred deferred = new Deferred();
    DiceRound dice;
    Slot slot;
    /**
     * Set when a certificate fixed a tx this node finds invalid: the players who signed it lied together, and this
     * node stops at its last committed slot with the evidence (DESIGN section 5) rather than adopt their tx.
     */
    String haltedBecause;
    /** When each player was last heard from at this table (any authenticated message it signed). */
    final java.util.Map<NodeId, Long> lastHeardMs = new java.util.HashMap<>();
    /**
     * Since when the table has had work here without a break (-1: none). Silence counts only from then: on an
     * idle table nobody talks, and nobody is gone.
     */
    long busySinceMs = -1;
    /**
     * While busy, this node repeats its Status or vote at least every third of the absent timeout, so an answering
     * player is never taken for gone while views back off beyond that timeout.
     */
    final Timer heartbeat = new Timer("heartbeat");

    TableContext(EngineContext node, TableModel state) {
        this.node = node;
        this.state = state;
        this.validator = new TxValidator(node::verify);
        this.evidence = new EvidenceLog(state.id());
        this.catchUp = new CatchUp(state.id(), node.ledger, node.config.recentCertificatesMax());
        this.dice = new DiceRound(state.rollNo());
        this.slot = newSlot();
    }

    Slot newSlot() {
        return new Slot(state.seq() + 1, state.active().size(), node.safety);
    }

    /** Keeps a message of a seated player for later (bounded per sender); false when its share is full. */
    boolean defer(Verified v, NodeId from) {
        return deferred.keep(v, from, Math.max(1, state.active().size()));
    }

    /** The slot is under way here: its first traffic, or work this node holds for it. */
    void startSlot(long nowMs) {
        slot.start(nowMs, viewTimeoutMs(slot.view()));
    }

    long viewTimeoutMs(int view) {
        long base = Math.max(1, state.wireRules().getViewTimeoutMs());
        return Math.min(VIEW_TIMEOUT_CEILING_MS, base << Math.min(view, VIEW_BACKOFF_DOUBLINGS_MAX));
    }

    long diceTimeoutMs() {
        return Math.max(1, state.wireRules().getDiceTimeoutMs());
    }

    /**
     * The players this node would go on without now (DESIGN 5b), in table order: those whose reveal of the roll in
     * progress is missing past the dice timeout, and those silent for the absent timeout while the table had work.
     */
    java.util.List<NodeId> gone(long nowMs) {
        java.util.List<NodeId> out = new java.util.ArrayList<>();
        if (busySinceMs < 0 || !isSeated()) {
            return out;
        }
        java.util.List<NodeId> active = state.active();
        boolean revealsLate = state.awaitingReveals() && dice.revealsSinceMs >= 0
                && nowMs - dice.revealsSinceMs >= diceTimeoutMs();
        java.util.List<NodeId> missing = revealsLate ? dice.missingReveals(active) : java.util.List.of();
        long absentMs = state.wireRules().getAbsentTimeoutMs();
        for (NodeId p : active) {
            if (p.equals(node.me)) {
                continue;
            }
            long silentSince = Math.max(lastHeardMs.getOrDefault(p, busySinceMs), busySinceMs);
            if (missing.contains(p) || (absentMs > 0 && nowMs - silentSince >= absentMs)) {
                out.add(p);
            }
        }
        return out;
    }

    /** When the next player not yet gone would be, if nobody hears from it first (-1: none would). */
    long nextGoneAtMs(long nowMs) {
        if (busySinceMs < 0 || !isSeated()) {
            return -1;
        }
        long absentMs = state.wireRules().getAbsentTimeoutMs();
        long next = -1;
        for (NodeId p : state.active()) {
            long at = Math.max(lastHeardMs.getOrDefault(p, busySinceMs), busySinceMs) + absentMs;
            if (!p.equals(node.me) && at > nowMs && (next < 0 || at < next)) {
                next = at;
            }
        }
        return next;
    }

    /** The X this node names for a view: the players gone, if a round without them may decide; else none. */
    java.util.List<NodeId> excludedFor(int view, long nowMs) {
        java.util.List<NodeId> gone = view >= 1 ? gone(nowMs) : java.util.List.of();
        return Exclusion.quorum(state.active().size(), gone.size(), state.wireRules().getLiarsTolerated()) ? gone
                : java.util.List.of();
    }

    /** A player an Evict tx names whom this node does not find gone (it will not vote for it), or null. */
    NodeId evictionRefused(io.dicemesh.protocol.Evict evict, long nowMs) {
        java.util.List<NodeId> gone = gone(nowMs);
        for (io.dicemesh.protocol.Eviction e : evict.getEvictionsList()) {
            NodeId p = NodeId.of(e.getPlayer());
            if (!gone.contains(p)) {
                return p;
            }
        }
        return null;
    }

    /** A quarter of a view timeout: a missed Prepare can be fetched, and answered, before the nudge. */
    long catchUpIntervalMs() {
        return Math.max(1, Math.min(node.config.resendIntervalMs(), state.wireRules().getViewTimeoutMs() / 4));
    }

    void drop(Out out, Verified v, String reason) {
        out.emit(new Event.Dropped(v.sender(), v.kind().name(), reason + " (table " + state.id() + ")"));
    }

    boolean isSeated() {
        return state.isActive(node.me);
    }

    int mySeat() {
        return state.seatOf(node.me);
    }

    int myIndex() {
        return state.active().indexOf(node.me);
    }
}
