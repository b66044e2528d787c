package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table's next slot (seq = last committed + 1) at this node, as one state machine. Slot is the only writer
 * of its fields: every change is a named transition, checked against this table of allowed moves (an illegal one
 * is a bug and stops the node):
 *
 * <pre>
 *   from       to         transition   when
 *   IDLE       WAITING    start        the slot's first traffic, or this node holds work for it
 *   IDLE       VOTED      restoreLock  a restart finds this node's lock in the ledger
 *   IDLE       COMMITTED  commit       a certificate arrives before anything else
 *   WAITING    WAITING    enterView    the view deadline passed, or a peer's Status of a higher view is followed
 *   WAITING    VOTED      vote         a valid Prepare of the current or a higher view (R1, R2, R3 checked)
 *   WAITING    COMMITTED  commit       a certificate: every player's vote on one tx
 *   VOTED      WAITING    enterView    as from WAITING; the lock stays
 *   VOTED      VOTED      vote         only in a higher view, and only for the locked tx (R2)
 *   VOTED      COMMITTED  commit
 *   COMMITTED  (none)                  the table opens a new Slot for the next seq
 * </pre>
 *
 * Safety rules are asserted where they are written: views only grow; one vote per view and never below the
 * current view (R1); the lock never moves (R2). What the slot remembers of others (proposals, txs, votes,
 * Statuses) is bounded in count and bytes. Indexes are positions in the table's active player list, which cannot
 * change while the slot is open.
 */
final class Slot {
    /** The phases of the table above. */
    enum Phase {
        IDLE, WAITING, VOTED, COMMITTED;

        boolean canMoveTo(Phase next) {
            return switch (this) {
                case IDLE -> next == WAITING || next == VOTED || next == COMMITTED;
                case WAITING, VOTED -> next == WAITING || next == VOTED || next == COMMITTED;
                case COMMITTED -> false;
            };
        }
    }

    /** Distinct txs remembered per slot (and vote tallies, besides this node's own). */
    static final int TXS_MAX = 16;
    /** Tallies (tx, X) one player's votes may open per slot: an honest one re-votes its lock under a new X. */
    static final int TALLIES_OPENED_PER_PLAYER_MAX = 2;
    /** Bytes of txs (with the Prepares that carried them) remembered per slot. */
    static final long TX_BYTES_MAX = 3L << 20;
    /** Proposals remembered per slot (one per view; the lowest view is forgotten first). */
    static final int PROPOSALS_MAX = 16;

    final long seq;
    final int players;
    private final Safety safety;
    private Phase phase = Phase.IDLE;
    private int view;
    private Lock lock;
    private Envelope myStatus;
    /** The X this node named in its Status for the current view (0: none). */
    private long myStatusExcluded;
    private int votedView = -1;
    private int proposedView = -1;
    private long startedMs = -1;
    /** When this node last followed a peer's Status into a higher view: how fast it may do so is capped. */
    private long followedAtMs = Long.MIN_VALUE;
    private final Timer deadline = new Timer("view-deadline");
    /** Halfway to the deadline this node repeats its vote or Status once, so a lost message costs no view. */
    private final Timer nudge = new Timer("nudge");

    private final TreeMap<Integer, Envelope> proposals = new TreeMap<>();
    /** The Prepare that carried each tx, and the tx, by tx hash, in arrival order. */
    private final LinkedHashMap<ByteString, Envelope> preparesByTxHash = new LinkedHashMap<>();
    private final Map<ByteString, ByteString> txByHash = new LinkedHashMap<>();
    private long txBytes;
    /**
     * Per tx hash and excluded set (a bit per player index: the players the vote's round goes without), each
     * player's vote (the first one kept); per player, its first vote and that vote's tx.
     */
    private final Map<Tally, Envelope[]> votesByHash = new LinkedHashMap<>();
    private final Map<Integer, Envelope> firstVote = new TreeMap<>();
    private final int[] tallyOpened;
    /** This node's index, once it voted (its own votes bypass the tally caps). */
    private int myIndexForVotes = -1;
    private final Map<Integer, ByteString> firstVoteHash = new TreeMap<>();
    /** Per view (the current one and up to VIEWS_AHEAD_MAX above), each player's Status and the X it names. */
    private final TreeMap<Integer, Envelope[]> statuses = new TreeMap<>();
    private final TreeMap<Integer, long[]> statusExcluded = new TreeMap<>();

    /** Votes are tallied per tx and per excluded set (DESIGN 5b). */
    record Tally(ByteString txHash, long excluded) {
    }

    /** A certificate this slot holds: the tx hash and the votes that prove it, in player (or stayer) order. */
    record Certified(ByteString txHash, List<Envelope> votes) {
    }

    /** Every Status of one view that justifies it: from every player outside X, each naming X. */
    record Justification(List<Envelope> statuses, long excluded) {
    }

    Slot(long seq, int players, Safety safety) {
        this.seq = seq;
        this.players = players;
        this.safety = safety;
        this.tallyOpened = new int[players];
    }

    // ------------------------------------------------------------------ transitions

    private void move(Phase next, String transition) {
        Safety.check(phase.canMoveTo(next), "slot transitions", () -> "slot " + seq + " cannot " + transition
                + " from " + phase + " to " + next);
        phase = next;
    }

    /** IDLE to WAITING: the slot is under way here; its view deadline runs from now. */
    void start(long nowMs, long timeoutMs) {
        if (phase != Phase.IDLE) {
            return;
        }
        move(Phase.WAITING, "start");
        startedMs = nowMs;
        armDeadline(nowMs, timeoutMs);
    }

    /**
     * Leaves the current view for {@code newView} with this node's Status for it (already durable when sent).
     * {@code followed}: moved by a peer's Status rather than by this node's own deadline.
     */
    void enterView(int newView, Envelope status, long excluded, int myIndex, boolean followed, long nowMs,
            long timeoutMs) {
        Safety.check(newView > view, "views only grow", () -> "slot " + seq + " from view " + view + " to "
                + newView);
        move(Phase.WAITING, "enterView");
        view = newView;
        myStatus = status;
        myStatusExcluded = excluded;
        if (followed) {
            followedAtMs = nowMs;
        }
        pruneBelow(newView);
        recordStatus(myIndex, newView, excluded, status);
        armDeadline(nowMs, timeoutMs);
    }

    /** This node votes YES: {@code lock} is durable before its vote leaves. R1 and R2 are asserted here. */
    void vote(Lock newLock, int myIndex, long nowMs, long timeoutMs) {
        int v = newLock.view();
        Safety.check(v >= view && v != votedView, "R1: one vote per view, none below the current view",
                () -> "slot " + seq + " vote in view " + v + " while in view " + view + ", last voted in "
                        + votedView);
        Safety.check(lock == null || lock.txHash().equals(newLock.txHash()) || safety.lockMayMove(),
                "R2: a lock never moves", () -> "slot " + seq + " locked in view " + lock.view()
                        + " on another tx, now view " + v);
        move(Phase.VOTED, "vote");
        if (v > view) { // a valid Prepare in a higher view proves every player, this node included, moved there
            view = v;
            pruneBelow(v);
            armDeadline(nowMs, timeoutMs);
        }
        lock = newLock;
        votedView = v;
        myIndexForVotes = myIndex;
        recordVote(myIndex, newLock.txHash(), newLock.excluded(), newLock.vote());
    }

    /** Any open phase to COMMITTED: the slot is decided; nothing about it changes any more. */
    void commit() {
        move(Phase.COMMITTED, "commit");
        deadline.disarm();
        nudge.disarm();
    }

    /** After a restart: the lock this node synced before its vote left, exactly as stored. */
    void restoreLock(Lock stored, int myIndex) {
        Safety.check(lock == null && phase == Phase.IDLE, "a restored lock is the stored one",
                () -> "slot " + seq + " restores a lock twice");
        move(Phase.VOTED, "restoreLock");
        lock = stored;
        votedView = stored.view();
        view = Math.max(view, stored.view());
        proposals.put(stored.view(), stored.proposal());
        rememberTx(stored.txHash(), stored.tx(), stored.prepare());
        myIndexForVotes = myIndex;
        recordVote(myIndex, stored.txHash(), stored.excluded(), stored.vote());
    }

    /** After a restart: this node's last Status, exactly as stored (its view is the highest it left). */
    void restoreStatus(int statusView, Envelope status, long excluded, int myIndex) {
        if (phase == Phase.IDLE) {
            move(Phase.WAITING, "restoreStatus");
        }
        view = Math.max(view, statusView);
        myStatus = status;
        myStatusExcluded = excluded;
        recordStatus(myIndex, statusView, excluded, status);
    }

    // ------------------------------------------------------------------ timers

    /** Arms the view deadline {@code timeoutMs} from now, and the nudge halfway there. */
    void armDeadline(long nowMs, long timeoutMs) {
        deadline.armAt(nowMs + timeoutMs);
        nudge.armAt(nowMs + timeoutMs / 2);
    }

    boolean deadlineArmed() {
        return deadline.armed();
    }

    /** True once when the view deadline has passed (then disarmed). */
    boolean deadlineFires(long nowMs) {
        return isOpen() && deadline.fire(nowMs);
    }

    /** True once when the nudge is due (then disarmed). */
    boolean nudgeFires(long nowMs) {
        return isOpen() && nudge.fire(nowMs);
    }

    long earliestWake(long wakeMs) {
        return isOpen() ? nudge.earliest(deadline.earliest(wakeMs)) : wakeMs;
    }

    /** True when this node may follow a peer into a higher view now: at most once per {@code intervalMs}. */
    boolean mayFollow(long nowMs, long intervalMs) {
        return followedAtMs == Long.MIN_VALUE || nowMs - followedAtMs >= intervalMs;
    }

    // ------------------------------------------------------------------ reads

    Phase phase() {
        return phase;
    }

    boolean isIdle() {
        return phase == Phase.IDLE;
    }

    /** Under way here and not decided: WAITING or VOTED. */
    boolean isOpen() {
        return phase == Phase.WAITING || phase == Phase.VOTED;
    }

    boolean isCommitted() {
        return phase == Phase.COMMITTED;
    }

    int view() {
        return view;
    }

    Lock lock() {
        return lock;
    }

    Envelope myStatus() {
        return myStatus;
    }

    /** The X (a bit per player index) this node named for the current view; 0 in view 0 or when it named none. */
    long myExcluded() {
        return myStatus == null ? 0 : myStatusExcluded;
    }

    long startedMs() {
        return startedMs;
    }

    boolean votedIn(int v) {
        return votedView == v;
    }

    boolean proposedIn(int v) {
        return proposedView == v;
    }

    /** True when a view lies in the window of views this slot keeps Statuses and Prepares for. */
    boolean inWindow(int v) {
        return v >= view && v <= view + WireLimits.VIEWS_AHEAD_MAX;
    }

    // ------------------------------------------------------------------ what others said

    void markProposed(int v) {
        proposedView = Math.max(proposedView, v);
    }

    /** Keeps the first proposal seen for a view; returns an earlier, different one for it (evidence), if any. */
    Envelope recordProposal(int v, Envelope proposal) {
        Envelope known = proposals.get(v);
        if (known != null) {
            return Envelopes.sameStatement(known, proposal) ? null : known;
        }
        proposals.put(v, proposal);
        while (proposals.size() > PROPOSALS_MAX) {
            proposals.pollFirstEntry();
        }
        return null;
    }

    /**
     * Keeps a tx and the Prepare that carried it, within {@link #TXS_MAX} txs and {@link #TX_BYTES_MAX} bytes;
     * the oldest tx other than this node's lock is forgotten to make room. False when it cannot be kept.
     */
    boolean rememberTx(ByteString hash, ByteString tx, Envelope prepare) {
        if (txByHash.containsKey(hash)) {
            return true;
        }
        long size = tx.size() + Envelopes.heldBytes(prepare);
        if (size > TX_BYTES_MAX) {
            return false;
        }
        for (Iterator<ByteString> it = txByHash.keySet().iterator();
                it.hasNext() && (txByHash.size() >= TXS_MAX || txBytes + size > TX_BYTES_MAX); ) {
            ByteString old = it.next();
            if (lock == null || !lock.txHash().equals(old)) {
                txBytes -= txByHash.get(old).size() + Envelopes.heldBytes(preparesByTxHash.get(old));
                it.remove();
                preparesByTxHash.remove(old);
            }
        }
        if (txByHash.size() >= TXS_MAX || txBytes + size > TX_BYTES_MAX) {
            return false;
        }
        txByHash.put(hash, tx);
        preparesByTxHash.put(hash, prepare);
        txBytes += size;
        return true;
    }

    ByteString txOf(ByteString hash) {
        return txByHash.get(hash);
    }

    /** The Prepare this node voted on, else the first one it holds, else null: what a lagging peer needs. */
    Envelope prepareForPeers() {
        if (lock != null) {
            return lock.prepare();
        }
        return preparesByTxHash.isEmpty() ? null : preparesByTxHash.values().iterator().next();
    }

    /**
     * Records a vote; returns the player's earlier vote for a different tx (evidence of a moved lock), if any. A
     * player opens at most {@link #TALLIES_OPENED_PER_PLAYER_MAX} tallies (one liar naming many X cannot crowd out
     * the rest); this node's own vote is always kept.
     */
    Envelope recordVote(int index, ByteString txHash, long excluded, Envelope vote) {
        ByteString first = firstVoteHash.get(index);
        if (first == null) {
            firstVoteHash.put(index, txHash);
            firstVote.put(index, vote);
        } else if (!first.equals(txHash)) {
            return firstVote.get(index);
        }
        Tally tally = new Tally(txHash, excluded);
        boolean mine = index == myIndexForVotes;
        if (!votesByHash.containsKey(tally) && !mine) {
            if (votesByHash.size() >= TXS_MAX || tallyOpened[index] >= TALLIES_OPENED_PER_PLAYER_MAX) {
                return null;
            }
            tallyOpened[index]++;
        }
        if (!votesByHash.containsKey(tally) && mine && votesByHash.size() >= TXS_MAX + players) {
            // this node's own tallies go beyond the cap, by at most one per player: drop one it has no vote in
            for (Iterator<Envelope[]> it = votesByHash.values().iterator(); it.hasNext(); ) {
                if (it.next()[index] == null) {
                    it.remove();
                    break;
                }
            }
        }
        Envelope[] votes = votesByHash.computeIfAbsent(tally, h -> new Envelope[players]);
        if (votes[index] == null) {
            votes[index] = vote;
        }
        return null;
    }

    /**
     * The slot's certificate, if this node holds one: a vote on one tx from every player (from any rounds), or from
     * every player outside some X, each naming that X (its quorum was checked when the votes were let in).
     */
    Certified certified() {
        for (Map.Entry<Tally, Envelope[]> e : votesByHash.entrySet()) {
            long x = e.getKey().excluded();
            if (x == 0) {
                continue;
            }
            List<Envelope> votes = new ArrayList<>();
            for (int i = 0; i < players && votes != null; i++) {
                if ((x & (1L << i)) == 0) {
                    if (e.getValue()[i] == null) {
                        votes = null;
                    } else {
                        votes.add(e.getValue()[i]);
                    }
                }
            }
            if (votes != null) {
                return new Certified(e.getKey().txHash(), votes);
            }
        }
        for (ByteString hash : hashes()) {
            Envelope[] all = votesOn(hash);
            if (complete(all)) {
                return new Certified(hash, List.of(all));
            }
        }
        return null;
    }

    private List<ByteString> hashes() {
        List<ByteString> out = new ArrayList<>();
        for (Tally t : votesByHash.keySet()) {
            if (!out.contains(t.txHash())) {
                out.add(t.txHash());
            }
        }
        return out;
    }

    /** The votes held on a tx from any round, in player order (null where missing). */
    Envelope[] votesOn(ByteString txHash) {
        Envelope[] out = new Envelope[players];
        for (Map.Entry<Tally, Envelope[]> e : votesByHash.entrySet()) {
            if (e.getKey().txHash().equals(txHash)) {
                for (int i = 0; i < players; i++) {
                    if (out[i] == null) {
                        out[i] = e.getValue()[i];
                    }
                }
            }
        }
        return out;
    }

    /** Each vote held from one player. */
    List<Envelope> votesOf(int index) {
        List<Envelope> out = new ArrayList<>();
        for (Envelope[] votes : votesByHash.values()) {
            if (votes[index] != null && !out.contains(votes[index])) {
                out.add(votes[index]);
            }
        }
        return out;
    }

    /**
     * Records a Status of a view in the window; returns this player's different Status for that view
     * (evidence), if any. A Status outside the window is not kept.
     */
    Envelope recordStatus(int index, int statusView, long excluded, Envelope status) {
        if (!inWindow(statusView)) {
            return null;
        }
        Envelope[] inView = statuses.computeIfAbsent(statusView, v -> new Envelope[players]);
        long[] xs = statusExcluded.computeIfAbsent(statusView, v -> new long[players]);
        if (inView[index] == null) {
            inView[index] = status;
            xs[index] = excluded;
            return null;
        }
        return Envelopes.sameStatement(inView[index], status) ? null : inView[index];
    }

    /**
     * The Statuses that justify a Prepare in {@code forView}: every player's naming no X, or every player's
     * outside some X naming that X (in player order); null while neither is held.
     */
    Justification justification(int forView) {
        Envelope[] inView = statuses.get(forView);
        if (inView == null) {
            return null;
        }
        long[] xs = statusExcluded.get(forView);
        for (int candidate = 0; candidate < players; candidate++) {
            if (inView[candidate] == null) {
                continue;
            }
            long x = xs[candidate];
            List<Envelope> out = new ArrayList<>();
            for (int i = 0; i < players && out != null; i++) {
                if ((x & (1L << i)) != 0) {
                    continue;
                }
                if (inView[i] == null || xs[i] != x) {
                    out = null;
                } else {
                    out.add(inView[i]);
                }
            }
            if (out != null) {
                return new Justification(out, x);
            }
        }
        return null;
    }

    /** Every Status held from one player, in view order. */
    List<Envelope> statusesOf(int index) {
        List<Envelope> out = new ArrayList<>();
        for (Envelope[] inView : statuses.values()) {
            if (inView[index] != null) {
                out.add(inView[index]);
            }
        }
        return out;
    }

    /** The highest view any player has shown this node a Status for (0 when none). */
    int highestStatusView() {
        return statuses.isEmpty() ? 0 : statuses.lastKey();
    }

    /** Statuses of views below the current one can no longer justify anything: forget them. */
    private void pruneBelow(int v) {
        statuses.headMap(v).clear();
        statusExcluded.headMap(v).clear();
    }

    /** Bytes this slot holds for messages: txs, Prepares, proposals, votes and Statuses. */
    long heldBytes() {
        long bytes = txBytes;
        if (lock != null) { // the lock keeps its own Prepare and tx, which may differ from the ones kept above
            bytes += Envelopes.heldBytes(lock.prepare()) + lock.tx().size();
        }
        for (Envelope p : proposals.values()) {
            bytes += Envelopes.heldBytes(p);
        }
        for (Envelope[] votes : votesByHash.values()) {
            bytes += held(votes);
        }
        for (Envelope[] inView : statuses.values()) {
            bytes += held(inView);
        }
        for (Envelope v : firstVote.values()) {
            bytes += Envelopes.heldBytes(v);
        }
        return bytes;
    }

    /** The most {@link #heldBytes} can be at a table of {@code players}, every message at its kind's largest. */
    static long heldBytesMax(int players) {
        long vote = WireLimits.SMALL_MESSAGE_BYTES_MAX + 128L;
        long status = WireLimits.STATUS_BYTES_MAX + 128L;
        long lockBytes = WireLimits.FRAME_BYTES_MAX + 128L + WireLimits.TX_BYTES_MAX;
        return TX_BYTES_MAX + lockBytes + PROPOSALS_MAX * vote + (long) (TXS_MAX + players) * players * vote
                + players * vote
                + (WireLimits.VIEWS_AHEAD_MAX + 1L) * players * status;
    }

    private static long held(Envelope[] envelopes) {
        long bytes = 0;
        for (Envelope e : envelopes) {
            bytes += e == null ? 8 : Envelopes.heldBytes(e);
        }
        return bytes;
    }

    static boolean complete(Envelope[] envelopes) {
        for (Envelope e : envelopes) {
            if (e == null) {
                return false;
            }
        }
        return true;
    }

    /** The slot in one line, for diagnosing a stalled table. */
    String describe() {
        StringBuilder votes = new StringBuilder();
        for (Map.Entry<Tally, Envelope[]> e : votesByHash.entrySet()) {
            int n = 0;
            for (Envelope v : e.getValue()) {
                n += v == null ? 0 : 1;
            }
            votes.append(votes.length() == 0 ? "" : ",").append(Hex.shortOf(e.getKey().txHash()))
                    .append(e.getKey().excluded() == 0 ? "" : "/x" + Long.toBinaryString(e.getKey().excluded()))
                    .append(':').append(n);
        }
        return "slot=" + seq + " phase=" + phase + " view=" + view + " " + deadline + " " + nudge + " lock="
                + (lock == null ? "none" : "v" + lock.view() + ":" + Hex.shortOf(lock.txHash())) + " txs="
                + txByHash.size() + " votes=[" + votes + "] statusViews=" + statuses.keySet() + statusX();
    }

    /** Per view held, the X each player's Status names (x = none held), for diagnosis. */
    private String statusX() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<Integer, Envelope[]> e : statuses.entrySet()) {
            s.append(" v").append(e.getKey()).append(":");
            long[] xs = statusExcluded.get(e.getKey());
            for (int i = 0; i < players; i++) {
                s.append(e.getValue()[i] == null ? "-" : Long.toBinaryString(xs[i])).append(i + 1 < players ? "," : "");
            }
        }
        return s.toString();
    }
}
