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
         * channels, an eighth more for handshakes; one source prefix ({@link #prefixOf}) gets at most C/64
         * handshakes at a time (at least 2) and C/8 of the inbound channels (at least 4);
         * {@link #INBOUND_HANDSHAKES_PER_SECOND} new inbound connections a second in all.
         */
        static Limits of(int connectionsMax) {
            int half = Math.max(1, connectionsMax / 2);
            return new Limits(Math.max(4, connectionsMax / 8), Math.max(2, connectionsMax / 64), half,
                    Math.max(4, connectionsMax / 8), half, INBOUND_HANDSHAKES_PER_SECOND);
        }
    }

    /**
     * New inbound connections per second: a full TLS handshake costs this node about 2.5 ms of CPU (TlsBenchmark),
     * so this bounds what strangers can spend of it to a quarter of a core.
     */
    static final int INBOUND_HANDSHAKES_PER_SECOND = 100;
    /**
     * New inbound connections per second while the inbound budget is full: only one of a peer this node shares a
     * table with can end bound, and such a peer is dialed by this node too.
     */
    static final int WHEN_FULL_HANDSHAKES_PER_SECOND = 5;
    /** New inbound connections one source prefix may open per second (a burst of twice that). */
    static final int PREFIX_HANDSHAKES_PER_SECOND = 10;
    static final int PREFIX_HANDSHAKES_BURST = 20;
    /** Source prefixes whose rate is remembered. */
    static final int PREFIXES_TRACKED_MAX = 4096;

    /** What {@link #bind} decided. */
    record Bind<M>(boolean admitted, M evicted, String refusal) {
    }

    private enum Stage { HANDSHAKING, INBOUND, OUTBOUND }

    private final Limits limits;
    private final Predicate<NodeId> wanted;
    private final TokenBucket inboundStarts;
    private final TokenBucket whenFullStarts;
    private final Map<M, Stage> stages = new java.util.LinkedHashMap<>();
    /** Each source prefix's rate of new inbound connections; the least recently used are forgotten first. */
    private final Map<InetAddress, TokenBucket> prefixStarts = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
            return size() > PREFIXES_TRACKED_MAX;
        }
    };
    private final Map<InetAddress, Integer> handshakingByAddress = new HashMap<>();
    private final Map<InetAddress, Integer> inboundByAddress = new HashMap<>();
    private int handshaking;
    private int inbound;
    private int outbound;

    ConnectionBudget(Limits limits, Predicate<NodeId> wanted) {
        this.limits = limits;
        this.wanted = wanted;
        this.inboundStarts = new TokenBucket(limits.inboundHandshakesPerSecond(), limits.inboundHandshakesPerSecond());
        this.whenFullStarts = new TokenBucket(WHEN_FULL_HANDSHAKES_PER_SECOND, WHEN_FULL_HANDSHAKES_PER_SECOND);
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
    synchronized Admission<M> admit(M m) {
        return admit(m, System.nanoTime());
    }

    /**
     * Admits a new channel. An inbound one must pass, in this order, its source prefix's share of handshakes, its
     * prefix's rate, and the rate of all; each check spends nothing of the later ones, so a prefix refused for its
     * share cannot drain the rate everyone else needs. When the handshaking budget is full the newcomer still gets
     * in: the oldest handshake of the prefix holding the most handshakes makes room (the caller closes it), so
     * connections that never handshake cannot keep a peer with a real handshake out, however fast they come.
     */
    synchronized Admission<M> admit(M m, long nowNs) {
        return admit(m, nowNs, false);
    }

    /**
     * {@link #admit(Object, long)}, where {@code fromWantedHost} says the connection comes from the IP a peer
     * this node shares a table with advertises: it skips the prefix and rate checks (a flood from elsewhere cannot
     * keep a table peer's reconnection out; TCP's handshake means nobody else connects from that IP unless they
     * share its host or network), and still counts against the handshaking budget.
     */
    synchronized Admission<M> admit(M m, long nowNs, boolean fromWantedHost) {
        if (stages.containsKey(m)) {
            throw new IllegalStateException("admitted twice");
        }
        if (m.openedBySelf()) {
            if (outbound >= limits.outboundMax()) {
                return Admission.refused("the outbound budget of " + limits.outboundMax() + " channels is full");
            }
            outbound++;
            stages.put(m, Stage.OUTBOUND);
            return Admission.admitted(null);
        }
        InetAddress from = prefixOf(m);
        if (fromWantedHost) {
            return beginHandshake(m, from);
        }
        if (handshakingByAddress.getOrDefault(from, 0) >= limits.handshakingPerAddressMax()) {
            return Admission.refused("its source prefix has " + limits.handshakingPerAddressMax()
                    + " handshakes under way already");
        }
        if (!prefixStarts.computeIfAbsent(from, k -> new TokenBucket(PREFIX_HANDSHAKES_PER_SECOND,
                PREFIX_HANDSHAKES_BURST)).tryTake(nowNs)) {
            return Admission.refused("its source prefix opened over " + PREFIX_HANDSHAKES_PER_SECOND
                    + " connections a second");
        }
        if (!inboundStarts.tryTake(nowNs)) {
            return Admission.refused("over " + limits.inboundHandshakesPerSecond() + " new connections a second");
        }
        if (inbound >= limits.inboundMax() && !whenFullStarts.tryTake(nowNs)) {
            // A handshake that can only end refused (or evicting a stranger, for a peer that wants this node)
            // costs milliseconds of CPU: while the inbound budget is full, few are begun.
            return Admission.refused("the inbound budget is full; over " + WHEN_FULL_HANDSHAKES_PER_SECOND
                    + " new connections a second while it is");
        }
        return beginHandshake(m, from);
    }

    private Admission<M> beginHandshake(M m, InetAddress from) {
        M evicted = null;
        if (handshaking >= limits.handshakingMax()) {
            evicted = oldestHandshakeOfBusiestPrefix();
            if (evicted == null) {
                return Admission.refused("the handshaking budget of " + limits.handshakingMax() + " is full");
            }
            release(evicted);
        }
        handshaking++;
        handshakingByAddress.merge(from, 1, Integer::sum);
        stages.put(m, Stage.HANDSHAKING);
        return Admission.admitted(evicted);
    }

    /** What {@link #admit} decided: admitted (perhaps in the place of {@code evicted}), or refused and why. */
    record Admission<M>(String refusal, M evicted) {
        static <M> Admission<M> admitted(M evicted) {
            return new Admission<>(null, evicted);
        }

        static <M> Admission<M> refused(String why) {
            return new Admission<>(why, null);
        }

        boolean ok() {
            return refusal == null;
        }
    }

    /**
     * The prefix one source holds: an IPv4 /24 and an IPv6 /64 (what one host or small network holds anyway), except
     * on loopback, where each address is its own (local test meshes use many of 127.0.0.0/8 as if separate hosts).
     */
    static InetAddress prefixOf(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return a;
        }
        byte[] b = a.getAddress();
        int keep = b.length == 4 ? 3 : 8;
        for (int i = keep; i < b.length; i++) {
            b[i] = 0;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an address of " + b.length + " bytes", e);
        }
    }

    private InetAddress prefixOf(M m) {
        return prefixOf(m.remoteAddress());
    }

    private M oldestHandshakeOfBusiestPrefix() {
        InetAddress busiest = null;
        int most = 0;
        for (Map.Entry<InetAddress, Integer> e : handshakingByAddress.entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                busiest = e.getKey();
            }
        }
        for (Map.Entry<M, Stage> e : stages.entrySet()) { // insertion order: the oldest first
            if (e.getValue() == Stage.HANDSHAKING && prefixOf(e.getKey()).equals(busiest)) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * A channel's handshake proved its peer. An outbound one stays in its budget; an inbound one moves from the
     * handshaking budget to the inbound one if that has room (overall and for its address), or, for a wanted peer,
     * by evicting the longest-silent bound inbound channel of a peer that is not wanted (the caller closes it).
     */
    synchronized Bind<M> bind(M m) {
        return bind(m, true);
    }

    /** @param mayEvict false when the peer already has a live channel (this one will not be kept): no eviction */
    synchronized Bind<M> bind(M m, boolean mayEvict) {
        Stage stage = stages.get(m);
        if (stage != Stage.HANDSHAKING) {
            return new Bind<>(stage != null, null, stage == null ? "not admitted" : null);
        }
        InetAddress from = prefixOf(m);
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
            evicted = isWanted && mayEvict ? unwantedVictim() : null;
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
            case HANDSHAKING -> leaveHandshaking(prefixOf(m));
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
        decrement(inboundByAddress, prefixOf(m));
    }

    private static void decrement(Map<InetAddress, Integer> counts, InetAddress key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
