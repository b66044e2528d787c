package io.dicemesh.node.core;

import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;

/**
 * The one place that sorts every message for a table before any handler sees it (as Besu's QBFT controller sorts
 * past, current and future, and TigerBeetle's ignore filters drop the rest): the table, the slot, the view, the
 * sender's seat and the shape of the fields are checked here once. Sizes were checked by the verifier per kind
 * ({@link WireLimits#envelopeBytesMax}). Handlers then assert what the gate guaranteed instead of checking again.
 * Never throws, whatever the message.
 */
final class TableGate {
    /** Slots ahead of the open one whose messages are kept for later; further ahead this node is behind. */
    static final int FUTURE_SLOTS_MAX = 2;
    /** Views are signed as uint32; anything from here up is junk (and could not be doubled safely). */
    static final int VIEW_LIMIT = Integer.MAX_VALUE / 2;

    /** Where a message belongs. */
    enum Verdict {
        /** About a slot or roll this node has finished: the sender may be behind (slot messages get help). */
        PAST,
        /** For the open slot, the current dice round or the intent pool: its handler takes it. */
        CURRENT,
        /** For the next slots or roll: kept (bounded per sender) until this node gets there. */
        FUTURE,
        /** For a slot further ahead: this node is behind; it asks for certificates and keeps nothing. */
        AHEAD,
        /** Nothing this table acts on: dropped with the reason. */
        JUNK,
        /**
         * Junk that no honest node could send, whatever state this node or the table is in (a field of the wrong
         * size, a signature that fails, signed for another player): dropped, and blamed on its signer when it
         * came on the signer's own channel. A message that is merely early, late or from a seat this node thinks
         * empty is {@link #JUNK}: a lagging node, or one that has not seen an eviction, must not blame honest peers.
         */
        MALFORMED
    }

    /**
     * The gate's verdict. {@code seq} and {@code view} are the slot and view the message names (0 when none),
     * {@code index} the sender's position among the active players (-1 when it is not one), {@code proposal} the
     * verified Proposal inside a Prepare.
     */
    record Sorted(Verdict verdict, String reason, long seq, int view, int index, Verified proposal) {
        boolean is(Verdict v) {
            return verdict == v;
        }
    }

    private final TableContext t;

    TableGate(TableContext t) {
        this.t = t;
    }

    Sorted sort(Verified v) {
        if (t.haltedBecause != null && v.kind() != Body.KindCase.CERTIFICATE_QUERY) {
            return junk("the table is halted: " + t.haltedBecause);
        }
        return switch (v.kind()) {
            case INTENT_BATCH -> batch(v);
            case DICE_COMMITMENT -> commitment(v);
            case DICE_REVEAL -> reveal(v);
            case PREPARE -> prepare(v);
            case VOTE -> vote(v);
            case STATUS -> status(v);
            case NACK -> nack(v);
            case CERTIFICATE_QUERY -> t.state.seatOf(v.sender()) >= 0 ? current(0, 0, -1)
                    : junk("certificate query from someone who never sat at the table");
            case CERTIFICATE_REPLY -> reply(v);
            default -> junk("not a table message");
        };
    }

    // ------------------------------------------------------------------ intents and dice

    private Sorted batch(Verified v) {
        IntentBatch b = v.body().getIntentBatch();
        int index = t.state.active().indexOf(v.sender());
        if (!v.sender().matches(b.getPlayer())) {
            return malformed("intent batch signed for another player");
        }
        if (index < 0) {
            return junk("intent batch from someone not seated");
        }
        if (b.getIntentsCount() == 0 || b.getIntentsCount() > WireLimits.INTENTS_PER_BATCH_MAX) {
            return malformed("intent batch with " + b.getIntentsCount() + " intents");
        }
        long last = t.state.lastBatchNo(t.state.seatOf(v.sender()));
        if (b.getBatchNo() <= last) {
            return sorted(Verdict.PAST, "batch already applied", 0, 0, index);
        }
        if (b.getBatchNo() > last + IntentPool.AHEAD_MAX) {
            return junk("intent batch " + b.getBatchNo() + " is more than " + IntentPool.AHEAD_MAX + " ahead");
        }
        return current(0, 0, index);
    }

    private Sorted commitment(Verified v) {
        DiceCommitment c = v.body().getDiceCommitment();
        int index = t.state.active().indexOf(v.sender());
        if (c.getCommitment().size() != Sha256.BYTES) {
            return malformed("commitment of " + c.getCommitment().size() + " bytes");
        }
        if (index < 0) {
            return junk("commitment from someone not seated");
        }
        long roll = t.state.rollNo();
        if (c.getRollNo() == roll && c.getAttempt() != t.state.diceAttempt()) {
            // a later attempt: its sender committed an eviction this node has not, so it asks for certificates
            return c.getAttempt() < t.state.diceAttempt() ? sorted(Verdict.PAST, "an abandoned attempt", 0, 0, index)
                    : sorted(Verdict.AHEAD, "commitment for a later attempt of roll " + roll, 0, 0, index);
        }
        if (c.getRollNo() == roll) {
            return t.state.awaitingReveals() ? sorted(Verdict.PAST, "commitments of this roll are committed", 0, 0,
                    index) : current(0, 0, index);
        }
        if (c.getRollNo() == roll + 1) {
            return sorted(Verdict.FUTURE, "the sender finished this roll", 0, 0, index);
        }
        return c.getRollNo() < roll ? sorted(Verdict.PAST, "a finished roll", 0, 0, index)
                : junk("commitment for roll " + c.getRollNo() + ", this table is at roll " + roll);
    }

    private Sorted reveal(Verified v) {
        DiceReveal r = v.body().getDiceReveal();
        int index = t.state.active().indexOf(v.sender());
        if (r.getNonce().size() != WireLimits.NONCE_BYTES) {
            return malformed("reveal with a nonce of " + r.getNonce().size() + " bytes");
        }
        if (index < 0) {
            return junk("reveal from someone not seated");
        }
        long roll = t.state.rollNo();
        if (r.getRollNo() == roll && r.getAttempt() != t.state.diceAttempt()) {
            // a later attempt: its sender committed an eviction this node has not, so it asks for certificates
            return r.getAttempt() < t.state.diceAttempt() ? sorted(Verdict.PAST, "an abandoned attempt", 0, 0, index)
                    : sorted(Verdict.AHEAD, "reveal for a later attempt of roll " + roll, 0, 0, index);
        }
        if (r.getRollNo() == roll) {
            return t.state.awaitingReveals() ? current(0, 0, index)
                    : sorted(Verdict.FUTURE, "the sender committed the commitments first", 0, 0, index);
        }
        return r.getRollNo() < roll ? sorted(Verdict.PAST, "a finished roll", 0, 0, index)
                : junk("reveal for roll " + r.getRollNo() + ", this table is at roll " + roll);
    }

    // ------------------------------------------------------------------ the commit

    private Sorted prepare(Verified v) {
        int index = t.state.active().indexOf(v.sender());
        if (index < 0) {
            return junk("prepare from someone not seated"); // also: a closed table has no coordinator
        }
        Prepare p = v.body().getPrepare();
        VerifyResult pr = t.node.verify(p.getProposal());
        if (!(pr instanceof Verified pv) || pv.kind() != Body.KindCase.PROPOSAL) {
            return malformed("prepare whose proposal is not signed");
        }
        Proposal prop = pv.body().getProposal();
        if (!prop.getTableId().equals(t.state.id().bytes()) || !pv.sender().equals(v.sender())) {
            return malformed("prepare whose proposal is for another table or by another signer");
        }
        if (prop.getTxHash().size() != Sha256.BYTES || !validView(prop.getView())) {
            return malformed("prepare with a malformed proposal");
        }
        if (prop.getSeq() == t.slot.seq) {
            java.util.Set<com.google.protobuf.ByteString> tried = new java.util.HashSet<>();
            for (Envelope status : v.body().getPrepare().getJustificationList()) {
                absorbProofs(prop.getExcludedList(), parsedStatus(status).getLiarProofsList(), tried);
            }
        }
        String x = excludedProblem(prop.getExcludedList(), prop.getView(), v.sender());
        if (x != null) {
            return junk("prepare " + x);
        }
        Sorted s = bySeq(prop.getSeq(), prop.getView(), index, pv);
        if (s.is(Verdict.CURRENT) && prop.getView() > t.slot.view() + WireLimits.VIEWS_AHEAD_MAX) {
            return junk("prepare for view " + prop.getView() + ", more than " + WireLimits.VIEWS_AHEAD_MAX
                    + " above view " + t.slot.view());
        }
        return s;
    }

    private Sorted vote(Verified v) {
        Vote vote = v.body().getVote();
        if (vote.getTxHash().size() != Sha256.BYTES || !validView(vote.getView())) {
            return malformed("malformed vote");
        }
        String x = excludedProblem(vote.getExcludedList(), vote.getView(), v.sender());
        if (x != null && vote.getSeq() > t.state.seq()) {
            return junk("vote " + x);
        }
        int index = t.state.active().indexOf(v.sender());
        if (vote.getSeq() <= t.state.seq()) {
            return t.state.seatOf(v.sender()) >= 0 ? past(vote.getSeq(), index) // a player who left may lack it
                    : junk("vote from someone who never sat at the table");
        }
        if (index < 0) {
            return junk("vote from someone not seated");
        }
        Sorted s = bySeq(vote.getSeq(), vote.getView(), index, null);
        if (s.is(Verdict.CURRENT) && vote.getView() > t.slot.view() + WireLimits.VIEWS_AHEAD_MAX) {
            return junk("vote for view " + vote.getView() + ", more than " + WireLimits.VIEWS_AHEAD_MAX
                    + " above view " + t.slot.view());
        }
        return s;
    }

    private Sorted status(Verified v) {
        Status s = v.body().getStatus();
        int index = t.state.active().indexOf(v.sender());
        if (index < 0) {
            // a player evicted while it was connected still asks for its slot: help it learn what happened
            return t.state.seatOf(v.sender()) >= 0 && s.getSeq() <= t.state.seq() ? past(s.getSeq(), index)
                    : junk("status from someone not seated");
        }
        if (s.getView() < 1 || !validView(s.getView())) {
            return malformed("status for view " + s.getView());
        }
        if (s.getSeq() == t.slot.seq) {
            absorbProofs(s.getExcludedList(), s.getLiarProofsList(), new java.util.HashSet<>());
        }
        String x = excludedProblem(s.getExcludedList(), s.getView(), v.sender());
        if (x != null) {
            return junk("status " + x);
        }
        Sorted sorted = bySeq(s.getSeq(), s.getView(), index, null);
        if (sorted.is(Verdict.CURRENT) && s.getView() < t.slot.view()) {
            return junk("status of view " + s.getView() + ", below this node's view " + t.slot.view());
        }
        return sorted; // a view far above is the handler's to follow, at a capped pace, or to drop
    }

    private Sorted nack(Verified v) {
        int index = t.state.active().indexOf(v.sender());
        if (index < 0) {
            return junk("nack from someone not seated");
        }
        return v.body().getNack().getSeq() == t.slot.seq ? current(t.slot.seq, v.body().getNack().getView(),
                index) : junk("nack for another slot");
    }

    private Sorted reply(Verified v) {
        if (t.state.closed()) {
            return junk("certificates for a closed table");
        }
        if (t.state.seatOf(v.sender()) < 0) {
            return junk("certificates from someone who never sat at the table");
        }
        return current(0, 0, t.state.active().indexOf(v.sender()));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Learns the liars a message's X names with proof: at most one proof per player it names that is not proven
     * yet, so junk proofs cost a bounded few signature checks.
     */
    private void absorbProofs(java.util.List<com.google.protobuf.ByteString> raw,
            java.util.List<io.dicemesh.protocol.LiarProof> proofs, java.util.Set<com.google.protobuf.ByteString> tried) {
        if (raw.isEmpty() || proofs.isEmpty()) {
            return;
        }
        for (io.dicemesh.protocol.LiarProof p : proofs) {
            if (raw.contains(p.getPlayer()) && tried.add(p.getPlayer())) {
                t.prove(p);
            }
        }
    }

    /** A justification's Status, parsed but not verified (its proofs verify themselves); empty if it is none. */
    private static Status parsedStatus(Envelope e) {
        try {
            return Body.parseFrom(e.getBody()).getStatus();
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            return Status.getDefaultInstance();
        }
    }

    /** What is wrong with the X a slot message names (DESIGN 5b), or null. */
    private String excludedProblem(java.util.List<com.google.protobuf.ByteString> raw, int view,
            io.dicemesh.crypto.NodeId sender) {
        if (raw.isEmpty()) {
            return null;
        }
        java.util.List<io.dicemesh.crypto.NodeId> x = Exclusion.parse(t.state, raw, t.liars());
        if (x == null) {
            return "names players to go without that are not active, not in table order, or too many";
        }
        if (view < 1) {
            return "goes without players in view 0";
        }
        return x.contains(sender) ? "is signed by a player its round goes without" : null;
    }

    private Sorted bySeq(long seq, int view, int index, Verified proposal) {
        if (seq <= t.state.seq()) {
            return new Sorted(Verdict.PAST, "slot " + seq + " is committed", seq, view, index, proposal);
        }
        if (seq == t.slot.seq) {
            return new Sorted(Verdict.CURRENT, null, seq, view, index, proposal);
        }
        if (seq <= t.slot.seq + FUTURE_SLOTS_MAX) {
            return new Sorted(Verdict.FUTURE, "slot " + seq + " is not open yet", seq, view, index, proposal);
        }
        return new Sorted(Verdict.AHEAD, "slot " + seq + " is far ahead of slot " + t.slot.seq, seq, view, index,
                proposal);
    }

    private static boolean validView(int view) {
        return view >= 0 && view < VIEW_LIMIT;
    }

    private Sorted past(long seq, int index) {
        return new Sorted(Verdict.PAST, "slot " + seq + " is committed", seq, 0, index, null);
    }

    private static Sorted current(long seq, int view, int index) {
        return new Sorted(Verdict.CURRENT, null, seq, view, index, null);
    }

    private static Sorted sorted(Verdict verdict, String reason, long seq, int view, int index) {
        return new Sorted(verdict, reason, seq, view, index, null);
    }

    private static Sorted malformed(String reason) {
        return new Sorted(Verdict.MALFORMED, reason, 0, 0, -1, null);
    }

    private static Sorted junk(String reason) {
        return new Sorted(Verdict.JUNK, reason, 0, 0, -1, null);
    }
}
