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
    /**
     * Players this node holds objective proof against (DESIGN 5b), with the proof: gone at once, and a round may go
     * without them whatever the quorum rule says. At most one proof per player, for active players only.
     */
    private final java.util.Map<NodeId, io.dicemesh.protocol.LiarProof> liars = new java.util.LinkedHashMap<>();
    /** Hashes of proofs that proved nothing, so a resent junk proof costs no signature check (bounded, LRU). */
    static final int FAILED_PROOFS_MAX = 256;
    /** Bytes one remembered failed proof takes at most (its hash, the map entry), for the budget. */
    static final long FAILED_PROOF_ENTRY_BYTES = 128;
    private final java.util.Map<com.google.protobuf.ByteString, Boolean> failedProofs =
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<com.google.protobuf.ByteString, Boolean> e) {
                    return size() > FAILED_PROOFS_MAX;
                }
            };

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

    /** The active players this node holds proof against. */
    java.util.Set<NodeId> liars() {
        if (liars.isEmpty()) {
            return java.util.Set.of();
        }
        liars.keySet().removeIf(p -> !state.isActive(p));
        return java.util.Collections.unmodifiableSet(liars.keySet());
    }

    /**
     * Keeps {@code proof} if it proves a lie of an active player this node holds no proof against yet; true when
     * it is new. Proofs are self-certifying, so where one came from does not matter.
     */
    boolean prove(io.dicemesh.protocol.LiarProof proof) {
        if (!NodeId.isWellFormed(proof.getPlayer()) || liars().contains(NodeId.of(proof.getPlayer()))) {
            return false;
        }
        // a proof that failed fails again (it depends on nothing but its player sitting here): check it once
        com.google.protobuf.ByteString key = com.google.protobuf.ByteString.copyFrom(
                io.dicemesh.crypto.Sha256.hash(proof.toByteArray()));
        if (failedProofs.containsKey(key) || LiarProofs.problem(state, proof, node::verify) != null) {
            failedProofs.put(key, Boolean.TRUE);
            return false;
        }
        liars.put(NodeId.of(proof.getPlayer()), proof);
        return true;
    }

    /** Keeps the new proofs among {@code proofs} (at most one per active player is checked). */
    void absorb(java.util.List<io.dicemesh.protocol.LiarProof> proofs) {
        int budget = state.active().size();
        for (io.dicemesh.protocol.LiarProof p : proofs) {
            if (budget-- <= 0) {
                return;
            }
            prove(p);
        }
    }

    /**
     * The proofs a Status naming {@code excluded} carries: one per proven liar in it (as many as fit), so every
     * stayer learns of the lie at once, and a round whose X leaves no quorum stands on them.
     */
    java.util.List<io.dicemesh.protocol.LiarProof> proofsFor(java.util.List<NodeId> excluded) {
        java.util.List<io.dicemesh.protocol.LiarProof> out = new java.util.ArrayList<>();
        long bytes = 0;
        for (NodeId p : excluded) {
            io.dicemesh.protocol.LiarProof proof = liars.get(p);
            if (proof != null && (bytes += proof.getSerializedSize()) <= LiarProofs.IN_STATUS_BYTES_MAX) {
                out.add(proof);
            }
        }
        return out;
    }

    /**
     * The proofs a certificate going without {@code excluded} must carry: one against each of them, when X leaves no
     * quorum. All of them, whatever their size (a Status carries at most 3 KiB of proofs, but a certificate short of
     * one would fail every audit and catch-up from this node's ledger); at most one per player, of 2 KiB each.
     */
    java.util.List<io.dicemesh.protocol.LiarProof> proofsNeededFor(java.util.List<NodeId> excluded) {
        if (excluded.isEmpty() || Exclusion.quorum(state.active().size(), excluded.size(),
                state.wireRules().getLiarsTolerated())) {
            return java.util.List.of();
        }
        java.util.List<io.dicemesh.protocol.LiarProof> out = new java.util.ArrayList<>();
        for (NodeId p : excluded) {
            io.dicemesh.protocol.LiarProof proof = liars.get(p);
            if (proof != null) {
                out.add(proof);
            }
        }
        return out;
    }

    /** Bytes of the proofs held: one per active player at most, each within LiarProofs.PROOF_BYTES_MAX. */
    long liarProofBytes() {
        long bytes = failedProofs.size() * FAILED_PROOF_ENTRY_BYTES;
        for (io.dicemesh.protocol.LiarProof p : liars.values()) {
            bytes += p.getSerializedSize();
        }
        return bytes;
    }

    /** The proof this node holds against {@code player}, or null. */
    io.dicemesh.protocol.LiarProof proofAgainst(NodeId player) {
        return liars.get(player);
    }

    /**
     * The players this node would go on without now (DESIGN 5b), in table order: proven liars at once, those whose
     * reveal of the roll in progress is missing past the dice timeout, and those silent for the absent timeout
     * while the table had work.
     */
    java.util.List<NodeId> gone(long nowMs) {
        java.util.List<NodeId> out = new java.util.ArrayList<>();
        if (!isSeated()) {
            return out;
        }
        java.util.Set<NodeId> proven = liars();
        if (busySinceMs < 0) {
            for (NodeId p : state.active()) {
                if (proven.contains(p)) {
                    out.add(p);
                }
            }
            return out;
        }
        java.util.List<NodeId> active = state.active();
        boolean revealsLate = state.awaitingReveals() && dice.revealsSinceMs >= 0
                && nowMs - dice.revealsSinceMs >= diceTimeoutMs();
        java.util.List<NodeId> missing = revealsLate ? dice.missingReveals(active) : java.util.List.of();
        long absentMs = node.safety.absentTimeoutMs(state.wireRules().getAbsentTimeoutMs());
        for (NodeId p : active) {
            if (p.equals(node.me)) {
                continue;
            }
            long silentSince = Math.max(lastHeardMs.getOrDefault(p, busySinceMs), busySinceMs);
            if (proven.contains(p) || missing.contains(p) || (absentMs > 0 && nowMs - silentSince >= absentMs)) {
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

    /**
     * The X this node names for a view: the players gone, if a round without them may decide; else the proven
     * liars among them, whose round needs no quorum; else none.
     */
    java.util.List<NodeId> excludedFor(int view, long nowMs) {
        java.util.List<NodeId> gone = view >= 1 ? gone(nowMs) : java.util.List.of();
        if (Exclusion.quorum(state.active().size(), gone.size(), state.wireRules().getLiarsTolerated())) {
            return gone;
        }
        java.util.List<NodeId> proven = new java.util.ArrayList<>();
        for (io.dicemesh.protocol.LiarProof proof : proofsFor(gone)) { // as many as a Status carries; the rest later
            proven.add(NodeId.of(proof.getPlayer()));
        }
        return Exclusion.allLiars(state.active().size(), proven, liars()) ? proven : java.util.List.of();
    }

    /** A player an Evict tx names whom this node does not find gone (it will not vote for it), or null. */
    NodeId evictionRefused(io.dicemesh.protocol.Evict evict, long nowMs) {
        java.util.List<NodeId> gone = gone(nowMs);
        for (io.dicemesh.protocol.Eviction e : evict.getEvictionsList()) {
            NodeId p = NodeId.of(e.getPlayer());
            // a liar's eviction carries its proof, which the validator checked: no judgement of this node's needed
            if (!gone.contains(p) && e.getCause() != io.dicemesh.protocol.EvictionCause.EVICTION_LIAR) {
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
        drop(out, v, reason, null);
    }

    /** Drops {@code v}, naming {@code blamed} as at fault (see {@link Event.Dropped}). */
    void drop(Out out, Verified v, String reason, NodeId blamed) {
        out.emit(new Event.Dropped(v.sender(), v.kind().name(), reason + " (table " + state.id() + ")", blamed));
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
