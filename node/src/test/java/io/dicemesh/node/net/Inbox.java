package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An InboundHandler for tests: keeps what arrived (bounded) and which peers are up. */
final class Inbox implements InboundHandler {
    static final int CAPACITY = 100_000;

    record Received(NodeId from, Verified message) {
    }

    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>(CAPACITY);
    private final Set<NodeId> up = ConcurrentHashMap.newKeySet();
    final AtomicInteger ups = new AtomicInteger();
    final AtomicInteger downs = new AtomicInteger();

    @Override
    public void onMessage(NodeId from, Verified message) {
        if (!received.offer(new Received(from, message))) {
            throw new IllegalStateException("test inbox full");
        }
    }

    @Override
    public void onPeerUp(NodeId peer) {
        up.add(peer);
        ups.incrementAndGet();
    }

    @Override
    public void onPeerDown(NodeId peer) {
        up.remove(peer);
        downs.incrementAndGet();
    }

    Received poll(long timeoutMs) throws InterruptedException {
        return received.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    int size() {
        return received.size();
    }

    void clear() {
        received.clear();
    }

    boolean isUp(NodeId peer) {
        return up.contains(peer);
    }
}
