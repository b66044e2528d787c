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
