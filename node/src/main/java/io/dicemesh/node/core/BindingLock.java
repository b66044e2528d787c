package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Tx;

/**
 * R3 with evictions: the highest lock a justification shows that may have a certificate, as far as this node can
 * tell. Any lock binds, except one on an Evict tx that this node knows was never certified, or that evicts this
 * node: an Evict tx counts only under a round whose X is exactly the players it evicts, voted by every player
 * outside X; so if this node is outside X and never voted for it (its only vote at a slot is its lock), no
 * certificate for it exists; and if it is in X, its stayers' locks already keep any other tx from counting. Without
 * this, one liar could show a made-up lock on an Evict tx naming an honest player and force everyone to vote for
 * it. An unknown tx always binds (this node cannot tell what it is).
 */
final class BindingLock {
    private BindingLock() {
    }

    static Locks.ShownLock of(TableContext t, Locks.Justified j) {
        for (Locks.ShownLock lock : j.locks()) { // highest view first
            if (!neverCertified(t, lock)) {
                return lock;
            }
        }
        return null;
    }

    /** Whether the lock's tx is known here to be an Evict tx. */
    static boolean isEvict(TableContext t, Locks.ShownLock lock) {
        Tx tx = tx(t, lock);
        return tx != null && tx.hasEvict();
    }

    private static boolean neverCertified(TableContext t, Locks.ShownLock lock) {
        Tx tx = tx(t, lock);
        if (tx == null || !tx.hasEvict()) {
            return false;
        }
        if (!(t.node.verify(lock.proposal()) instanceof Verified p)
                || !Evictions.evictedWire(tx).equals(p.body().getProposal().getExcludedList())) {
            return true; // proposed in a round whose X is not its evicted set: it can never count
        }
        if (Evictions.evictedWire(tx).contains(t.node.me.byteString())) {
            // this node's own eviction: it has no vote in the only round where that tx counts, so it can never
            // carry it; and it need not, since a certificate for it holds every stayer's vote, and their locks
            // never move, so no tx this node proposes instead can be certified (else one liar's made-up lock
            // would lock it on a tx that can never commit, for good)
            return true;
        }
        Lock mine = t.slot.lock();
        return mine == null || !mine.txHash().equals(lock.txHash());
    }

    private static Tx tx(TableContext t, Locks.ShownLock lock) {
        ByteString bytes = t.slot.txOf(lock.txHash());
        if (bytes == null) {
            return null;
        }
        try {
            return Tx.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
