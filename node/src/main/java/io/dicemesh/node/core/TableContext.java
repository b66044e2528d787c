package io.dicemesh.node.core;

import io.dicemesh.crypto.Verified;
import java.util.ArrayList;
import java.util.List;

/**
 * The state one table's protocol parts share at one node: the committed model, the open slot, the dice round, the
 * intent pool, this node's own intents, evidence, catch-up bookkeeping and messages kept for later slots. The
 * parts ({@link IntentDesk}, {@link DiceDesk}, {@link SlotProtocol}, {@link Proposer}, {@link Committer}) each own
 * one job over it; {@link TableEngine} dispatches to them. Single-threaded like the rest of the core.
 */
final class TableContext {
    /** Messages for slots beyond the next one kept until their slot opens. */
    static final int FUTURE_MAX = 4 * io.dicemesh.protocol.WireLimits.PLAYERS_PER_TABLE_MAX;
    /** Longest view timeout, however many views a slot has gone through. */
    static final long VIEW_TIMEOUT_MAX_MS = 60_000;
    /** Doublings of the view timeout before it stays at its maximum. */
    static final int VIEW_BACKOFF_DOUBLINGS_MAX = 6;

    final EngineContext node;
    final TableModel state;
    final TxValidator validator;
    final IntentPool pool = new IntentPool();
    final OwnIntents own = new OwnIntents();
    final EvidenceLog evidence;
    final CatchUp catchUp;
    final List<Verified> future = new ArrayList<>();
    DiceRound dice;
    Slot slot;

    TableContext(EngineContext node, TableModel state) {
        this.node = node;
        this.state = state;
        this.validator = new TxValidator(node::verify);
        this.evidence = new EvidenceLog(state.id());
        this.catchUp = new CatchUp(state.id(), node.ledger, node.config.recentCertificatesMax());
        this.dice = new DiceRound(state.rollNo());
        this.slot = new Slot(state.seq() + 1, state.active().size());
    }

    /** Keeps a message for later (bounded): a slot or dice round this node has not reached yet. */
    void defer(Verified v) {
        if (future.size() < FUTURE_MAX) {
            future.add(v);
        }
    }

    void markTraffic(long nowMs) {
        slot.sawTraffic = true;
        if (slot.startedMs < 0) {
            slot.startedMs = nowMs;
        }
    }

    long viewTimeoutMs(int view) {
        long base = Math.max(1, state.wireRules().getViewTimeoutMs());
        return Math.min(VIEW_TIMEOUT_MAX_MS, base << Math.min(view, VIEW_BACKOFF_DOUBLINGS_MAX));
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
