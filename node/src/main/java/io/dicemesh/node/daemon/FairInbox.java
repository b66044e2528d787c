package io.dicemesh.node.daemon;

import io.dicemesh.crypto.NodeId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine loop's inbox: bounded in bytes, each peer with its own share, drained round-robin across peers, so a
 * peer that floods the node fills only its own share and delays nobody else. Local work (client commands, reads,
 * link-ups) has its own bounded lane and is taken first. Many producers (Netty threads, the admin API), one
 * consumer (the engine thread).
 *
 * @param <T> what is queued
 */
final class FairInbox<T> {
    /** Bytes of peers' messages waiting at most, all peers together (beyond it, only the reserves). */
    static final long BYTES_MAX = 64L << 20;
    /** Bytes one peer's messages may take at most. */
    static final long PEER_BYTES_MAX = 8L << 20;
    /** Bytes every peer may queue even when the inbox is full: room for its votes and Statuses in any flood. */
    static final long PEER_RESERVE_BYTES = 256L << 10;
    /** Bytes the reserves may add to {@link #BYTES_MAX}, all peers together: the inbox never holds more than both. */
    static final long RESERVES_BYTES_MAX = 32L << 20;
    /** Messages one peer may have waiting. */
    static final int PEER_ENTRIES_MAX = 4096;
    /** Local tasks waiting at most. */
    static final int LOCAL_MAX = 4096;

    private record Entry<T>(T item, long bytes) {
    }

    private static final class PeerQueue<T> {
        final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
        long bytes;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<T> local = new ArrayDeque<>();
    private final Map<NodeId, PeerQueue<T>> peers = new HashMap<>();
    /** Peers with something waiting, in the order the consumer serves them. */
    private final ArrayDeque<NodeId> ready = new ArrayDeque<>();
    private long bytes;
    private int size;

    /** Queues a peer's message of {@code itemBytes}; false (nothing queued) when its share is full. */
    boolean offerPeer(NodeId peer, T item, long itemBytes) {
        lock.lock();
        try {
            PeerQueue<T> q = peers.get(peer);
            long queued = q == null ? 0 : q.bytes;
            int entries = q == null ? 0 : q.entries.size();
            boolean withinShare = queued + itemBytes <= PEER_BYTES_MAX && entries < PEER_ENTRIES_MAX;
            boolean room = bytes + itemBytes <= BYTES_MAX || (queued + itemBytes <= PEER_RESERVE_BYTES
                    && bytes + itemBytes <= BYTES_MAX + RESERVES_BYTES_MAX);
            if (!withinShare || !room) {
                return false;
            }
            if (q == null) {
                q = new PeerQueue<>();
                peers.put(peer, q);
                ready.add(peer);
            }
            q.entries.add(new Entry<>(item, itemBytes));
            q.bytes += itemBytes;
            bytes += itemBytes;
            size++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Queues local work; false when its lane is full. */
    boolean offerLocal(T item) {
        lock.lock();
        try {
            if (local.size() >= LOCAL_MAX) {
                return false;
            }
            local.add(item);
            size++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code waitMs} for something, then moves up to {@code max} items to {@code into}: local work
     * first, then one message per peer in turn.
     */
    void drainTo(List<T> into, int max, long waitMs) throws InterruptedException {
        lock.lock();
        try {
            long waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMs);
            while (size == 0 && waitNanos > 0) {
                waitNanos = notEmpty.awaitNanos(waitNanos);
            }
            int taken = 0;
            while (taken < max && !local.isEmpty()) {
                into.add(local.poll());
                taken++;
                size--;
            }
            while (taken < max && !ready.isEmpty()) {
                NodeId peer = ready.poll();
                PeerQueue<T> q = peers.get(peer);
                Entry<T> e = q.entries.poll();
                q.bytes -= e.bytes();
                bytes -= e.bytes();
                size--;
                into.add(e.item());
                taken++;
                if (q.entries.isEmpty()) {
                    peers.remove(peer);
                } else {
                    ready.add(peer);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Everything still queued (local first), emptying the inbox: for answering what is left at shutdown. */
    void drainAll(List<T> into) {
        lock.lock();
        try {
            into.addAll(local);
            local.clear();
            for (PeerQueue<T> q : peers.values()) {
                for (Entry<T> e : q.entries) {
                    into.add(e.item());
                }
            }
            peers.clear();
            ready.clear();
            bytes = 0;
            size = 0;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
