package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much malformed junk each table peer may send: table messages, signed by the peer and sent on its own channel,
 * that no honest node could send in any state (the core's {@code TableGate.Verdict.MALFORMED}, named in
 * {@code Event.Dropped#blamed}). A table peer's frames are verified without a budget, because its table's work must
 * not wait; one that spends its allowance becomes <em>suspect</em> for {@link #SUSPECT_MS}, and its frames are then
 * verified within its channel's stranger budget. Honest peers send none (junk that depends on this node's own state,
 * such as a view or batch too far ahead of a lagging node, is never blamed); a seated player sending validly signed
 * garbage sends hundreds a second. Thread safe: reported from the engine thread, read per frame on the event loops.
 */
final class JunkBudget {
    /** Junk a table peer may send per second, sustained. */
    static final int JUNK_PER_SECOND = 20;
    /** Junk a table peer may send in a burst. */
    static final int JUNK_BURST = 200;
    /** How long a peer stays suspect after its last junk over the allowance. */
    static final long SUSPECT_MS = 10_000;
    /** Peers tracked at most (only table peers are reported, and their number is bounded by the connections). */
    static final int ENTRIES_MAX = 4096;

    private static final class Entry {
        final TokenBucket allowance = new TokenBucket(JUNK_PER_SECOND, JUNK_BURST);
        volatile long suspectUntilNs;
        volatile boolean suspect;
    }

    private final ConcurrentHashMap<NodeId, Entry> entries = new ConcurrentHashMap<>();

    /**
     * One junk message from {@code peer} at {@code nowNs}; true when this one made it suspect (it was not before),
     * for the caller to say so once.
     */
    boolean report(NodeId peer, long nowNs) {
        Entry e = entries.get(peer);
        if (e == null) {
            if (entries.size() >= ENTRIES_MAX) {
                return false; // retain() trims to the table peers on the next tick
            }
            e = entries.computeIfAbsent(peer, p -> new Entry());
        }
        synchronized (e) {
            if (e.allowance.tryTake(nowNs)) {
                return false;
            }
            boolean was = e.suspect && nowNs - e.suspectUntilNs < 0;
            e.suspectUntilNs = nowNs + SUSPECT_MS * 1_000_000;
            e.suspect = true;
            return !was;
        }
    }

    /** Whether {@code peer} spent its allowance of junk within the last {@link #SUSPECT_MS}. */
    boolean isSuspect(NodeId peer, long nowNs) {
        Entry e = entries.get(peer);
        return e != null && e.suspect && nowNs - e.suspectUntilNs < 0;
    }

    /** Forgets every peer not in {@code tablePeers} (they are strangers now, throttled as such). */
    void retain(Set<NodeId> tablePeers) {
        entries.keySet().retainAll(tablePeers);
    }
}
