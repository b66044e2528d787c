package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers when each peer last got something this node does at most once per interval (a signed reply, a
 * query), for a bounded number of peers: the least recently seen is forgotten first, so any number of keys costs
 * at most {@code peersMax} entries. Keyed by the channel peer a message came from, never by a signer alone.
 */
final class RateLimiter {
    private final int peersMax;
    private final LinkedHashMap<NodeId, Long> lastMs;

    RateLimiter(int peersMax) {
        this.peersMax = peersMax;
        this.lastMs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<NodeId, Long> eldest) {
                return size() > RateLimiter.this.peersMax;
            }
        };
    }

    /** True (and remembered) when {@code peer} may be served now: its last time was {@code intervalMs} ago. */
    boolean allow(NodeId peer, long nowMs, long intervalMs) {
        Long last = lastMs.get(peer);
        if (last != null && nowMs - last < intervalMs) {
            return false;
        }
        lastMs.put(peer, nowMs);
        return true;
    }

    void forget(NodeId peer) {
        lastMs.remove(peer);
    }

    int size() {
        return lastMs.size();
    }
}
