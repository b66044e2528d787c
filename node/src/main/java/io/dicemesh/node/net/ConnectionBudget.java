package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Connection budgets, without sockets (DESIGN section 4): separate ones for channels still handshaking (accepted,
 * not yet proven), for bound inbound channels and for this node's own dials, each accepted address capped to a share
 * of the first two, and room always made for peers this node shares a table with. A stranger, or many, can fill
 * the inbound budgets but never the outbound one the node dials its tables' peers with, and a wanted peer that
 * dials in while the inbound budget is full takes the place of a peer nobody wants. Thread-safe.
 *
 * @param <M> a channel
 */
final class ConnectionBudget<M extends ConnectionBudget.Member> {

    /** A channel as far as budgets care. */
    interface Member {
        boolean openedBySelf();

        /** The address of the other end (for the per-address caps). */
        InetAddress remoteAddress();

        /** The proven peer once bound, else null. */
        NodeId peer();

        /** When it last received a frame (a monotonic clock): the longest silent unwanted channel is evicted first. */
        long lastReadNs();
    }

    /**
     * The budgets.
     *
     * @param handshakingMax           accepted channels still handshaking
     * @param handshakingPerAddressMax of those, from one address
     * @param inboundMax               bound channels the peer dialed
     * @param inboundPerAddressMax     of those, from one address, unless the peer is wanted
     * @param outboundMax              channels this node dialed, handshaking or bound
     * @param inboundHandshakesPerSecond accepted connections begun per second (each TLS handshake costs this node
     *                                   a few milliseconds of CPU; more are closed at once)
     */
    record Limits(int handshakingMax, int handshakingPerAddressMax, int inboundMax, int inboundPerAddressMax,
            int outboundMax, int inboundHandshakesPerSecond) {
        /**
         * Shares of {@link TransportConfig#connectionsMax} C: half for the node's own dials, half for bound inbound
         * channels, an eighth more for handshakes; one address gets at most a sixteenth of handshakes and an eighth
         * of the inbound channels (at least 4 of each); {@link #INBOUND_HANDSHAKES_PER_SECOND} new inbound
         * connections a second.
         */
        static Limits of(int connectionsMax) {
            int half = Math.max(1, connectionsMax / 2);
            return new Limits(Math.max(4, connectionsMax / 8), Math.max(4, connectionsMax / 16), half,
                    Math.max(4, connectionsMax / 8), half, INBOUND_HANDSHAKES_PER_SECOND);
        }
    }

    /**
     * New inbound connections per second: a full TLS handshake costs this node about 2.5 ms of CPU (TlsBenchmark),
     * so this bounds what strangers can spend of it to a quarter of a core.
     */
    static final int INBOUND_HANDSHAKES_PER_SECOND = 100;

    /** What {@link #bind} decided. */
    record Bind<M>(boolean admitted, M evicted, String refusal) {
    }

    private enum Stage { HANDSHAKING, INBOUND, OUTBOUND }

    private final Limits limits;
    private final Predicate<NodeId> wanted;
    private final TokenBucket inboundStarts;
    private final Map<M, Stage> stages = new HashMap<>();
    private final Map<InetAddress, Integer> handshakingByAddress = new HashMap<>();
    private final Map<InetAddress, Integer> inboundByAddress = new HashMap<>();
    private int handshaking;
    private int inbound;
    private int outbound;

    ConnectionBudget(Limits limits, Predicate<NodeId> wanted) {
        this.limits = limits;
        this.wanted = wanted;
        this.inboundStarts = new TokenBucket(limits.inboundHandshakesPerSecond(), limits.inboundHandshakesPerSecond());
    }

    Limits limits() {
        return limits;
    }

    /** Whether another dial fits the outbound budget. */
    synchronized boolean outboundRoom() {
        return outbound < limits.outboundMax();
    }

    /**
     * Admits a channel that just opened, or says why not (the caller closes it at once).
     *
     * @return null when admitted
     */
    synchronized String admit(M m) {
        return admit(m, System.nanoTime());
    }

    synchronized String admit(M m, long nowNs) {
        if (stages.containsKey(m)) {
            throw new IllegalStateException("admitted twice");
        }
        if (m.openedBySelf()) {
            if (outbound >= limits.outboundMax()) {
                return "the outbound budget of " + limits.outboundMax() + " channels is full";
            }
            outbound++;
            stages.put(m, Stage.OUTBOUND);
            return null;
        }
        if (handshaking >= limits.handshakingMax()) {
            return "the handshaking budget of " + limits.handshakingMax() + " channels is full";
        }
        if (!inboundStarts.tryTake(nowNs)) {
            return "over " + limits.inboundHandshakesPerSecond() + " new connections a second";
        }
        InetAddress from = m.remoteAddress();
        if (handshakingByAddress.getOrDefault(from, 0) >= limits.handshakingPerAddressMax()) {
            return "its address has " + limits.handshakingPerAddressMax() + " handshakes under way already";
        }
        handshaking++;
        handshakingByAddress.merge(from, 1, Integer::sum);
        stages.put(m, Stage.HANDSHAKING);
        return null;
    }

    /**
     * A channel's handshake proved its peer. An outbound one stays in its budget; an inbound one moves from the
     * handshaking budget to the inbound one if that has room (overall and for its address), or, for a wanted peer,
     * by evicting the longest-silent bound inbound channel of a peer that is not wanted (the caller closes it).
     */
    synchronized Bind<M> bind(M m) {
        Stage stage = stages.get(m);
        if (stage != Stage.HANDSHAKING) {
            return new Bind<>(stage != null, null, stage == null ? "not admitted" : null);
        }
        InetAddress from = m.remoteAddress();
        leaveHandshaking(from);
        boolean isWanted = m.peer() != null && wanted.test(m.peer());
        boolean addressFull = inboundByAddress.getOrDefault(from, 0) >= limits.inboundPerAddressMax();
        M evicted = null;
        if (!isWanted && addressFull) {
            stages.remove(m);
            return new Bind<>(false, null, "its address has " + limits.inboundPerAddressMax()
                    + " inbound channels already");
        }
        if (inbound >= limits.inboundMax()) {
            evicted = isWanted ? unwantedVictim() : null;
            if (evicted == null) {
                stages.remove(m);
                return new Bind<>(false, null, "the inbound budget of " + limits.inboundMax() + " channels is full");
            }
            releaseInbound(evicted);
            stages.remove(evicted);
        }
        inbound++;
        inboundByAddress.merge(from, 1, Integer::sum);
        stages.put(m, Stage.INBOUND);
        return new Bind<>(true, evicted, null);
    }

    /** A channel closed: frees its place (idempotent; an evicted channel's place was freed when it was chosen). */
    synchronized void release(M m) {
        Stage stage = stages.remove(m);
        if (stage == null) {
            return;
        }
        switch (stage) {
            case HANDSHAKING -> leaveHandshaking(m.remoteAddress());
            case INBOUND -> releaseInbound(m);
            case OUTBOUND -> outbound--;
        }
    }

    synchronized int handshaking() {
        return handshaking;
    }

    synchronized int inbound() {
        return inbound;
    }

    synchronized int outbound() {
        return outbound;
    }

    private M unwantedVictim() {
        M victim = null;
        for (Map.Entry<M, Stage> e : stages.entrySet()) {
            M c = e.getKey();
            if (e.getValue() == Stage.INBOUND && (c.peer() == null || !wanted.test(c.peer()))
                    && (victim == null || c.lastReadNs() < victim.lastReadNs())) {
                victim = c;
            }
        }
        return victim;
    }

    private void leaveHandshaking(InetAddress from) {
        handshaking--;
        decrement(handshakingByAddress, from);
    }

    private void releaseInbound(M m) {
        inbound--;
        decrement(inboundByAddress, m.remoteAddress());
    }

    private static void decrement(Map<InetAddress, Integer> counts, InetAddress key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
