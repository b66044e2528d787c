package io.dicemesh.node.net;

import static io.dicemesh.node.net.Nets.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.WireLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real transports on 127.0.0.1 with port 0: connecting, exchanging, gossip, races, reconnects, liveness. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NettyTransportTest {
    private static final long WAIT_MS = 10_000;

    private final Cluster cluster = new Cluster();

    @AfterEach
    void closeAll() throws Exception {
        cluster.close();
    }

    private static void exchange(NettyTransport from, Identity fromId, Inbox fromInbox, NettyTransport to,
            Inbox toInbox, String text) throws InterruptedException {
        assertTrue(from.send(to.nodeId(), Nets.app(fromId, text)), "send " + text);
        Inbox.Received r = toInbox.poll(WAIT_MS);
        assertNotNull(r, "nothing received: " + text);
        assertEquals(from.nodeId(), r.from());
        assertEquals(from.nodeId(), r.message().sender());
        assertEquals(Body.KindCase.GENESIS_QUERY, r.message().kind());
        assertEquals(text, Nets.textOf(r.message()));
    }

    @Test
    void twoTransportsHandshakeAndExchangeBothWays() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        Inbox inA = new Inbox();
        Inbox inB = new Inbox();
        NettyTransport ta = cluster.start(a, Nets.fast(), inA);
        NettyTransport tb = cluster.start(b, Nets.fast(List.of(Nets.addressOf(ta))), inB);
        await("a and b connected", WAIT_MS, () -> ta.connectedPeers().equals(Set.of(b.nodeId()))
                && tb.connectedPeers().equals(Set.of(a.nodeId())));
        await("up events", WAIT_MS, () -> inA.isUp(b.nodeId()) && inB.isUp(a.nodeId()));
        for (int i = 0; i < 20; i++) {
            exchange(ta, a, inA, tb, inB, "a to b #" + i);
            exchange(tb, b, inB, ta, inA, "b to a #" + i);
        }
        TransportStats sa = ta.stats();
        assertTrue(sa.framesOut() >= 20 + 1 && sa.framesIn() >= 20 + 1, sa.toString()); // and a PeerList greeting
        assertTrue(sa.bytesIn() > 0 && sa.bytesOut() > 0, sa.toString());
        assertEquals(0, sa.rejected().values().stream().mapToLong(Long::longValue).sum(), sa.toString());
        assertEquals(tb.advertisedAddr(), ta.knownAddresses().get(b.nodeId()), "b's signed record reached a");
        assertEquals("127.0.0.1:" + tb.boundPort(), tb.advertisedAddr());
        assertEquals(1, ta.openChannels());
    }

    @Test
    void handshakesRunOnTheTransportsOwnTlsThreadWhichEndsWithIt() throws Exception {
        Identity a = Nets.identity();
        NettyTransport ta = cluster.start(a, Nets.fast(), new Inbox());
        String tlsThread = "dicemesh-tls-" + a.nodeId().shortHex() + "-";
        assertTrue(threadsNamed(tlsThread).isEmpty(), "started on the first handshake's work, not before");
        NettyTransport tb = cluster.start(Nets.identity(), Nets.fast(List.of(Nets.addressOf(ta))), new Inbox());
        await("connected", WAIT_MS, () -> ta.connectedPeers().equals(Set.of(tb.nodeId())));
        assertEquals(1, threadsNamed(tlsThread).size(), "the inbound handshake's key agreement and checks ran there");
        ta.close();
        for (Thread t : threadsNamed(tlsThread)) {
            t.join(WAIT_MS);
            assertFalse(t.isAlive(), "the TLS thread outlived close()");
        }
    }

    @Test
    void dialsLeaveFromTheConfiguredAddress() throws Exception {
        InetAddress from = InetAddress.getByName("127.0.0.7");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout((int) WAIT_MS);
            cluster.start(Nets.identity(), Nets.fast(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort()))).withDialFrom(from), new Inbox());
            try (java.net.Socket dialed = listener.accept()) {
                assertEquals(from, dialed.getInetAddress(), "the dial left from 127.0.0.7");
            }
        }
    }

    private static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    }

    @Test
    void threeTransportsConnectViaJoinAndEveryPairExchanges() throws Exception {
        Identity[] ids = {Nets.identity(), Nets.identity(), Nets.identity()};
        Inbox[] in = {new Inbox(), new Inbox(), new Inbox()};
        NettyTransport[] t = new NettyTransport[3];
        t[0] = cluster.start(ids[0], Nets.fast(), in[0]);
        t[1] = cluster.start(ids[1], Nets.fast(List.of(Nets.addressOf(t[0]))), in[1]);
        t[2] = cluster.start(ids[2], Nets.fast(List.of(Nets.addressOf(t[0]), Nets.addressOf(t[1]))), in[2]);
        await("a full mesh of three", WAIT_MS, () -> t[0].connectedPeers().size() == 2
                && t[1].connectedPeers().size() == 2 && t[2].connectedPeers().size() == 2);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i != j) {
                    exchange(t[i], ids[i], in[i], t[j], in[j], i + " to " + j);
                }
            }
        }
        assertEquals(Set.of(ids[1].nodeId(), ids[2].nodeId()), t[0].connectedPeers());
    }

    @Test
    void gossipLetsAPeerDialAnotherAtItsAdvertisedAddress() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        Identity c = Nets.identity();
        Inbox inA = new Inbox();
        Inbox inC = new Inbox();
        NettyTransport tb = cluster.start(b, Nets.fast(), new Inbox());
        NettyTransport ta = cluster.start(a, Nets.fast(List.of(Nets.addressOf(tb))), inA);
        NettyTransport tc = cluster.start(c, Nets.fast(List.of(Nets.addressOf(tb))), inC);
        await("a learns c's address from b", WAIT_MS, () -> tc.advertisedAddr().equals(
                ta.knownAddresses().get(c.nodeId())));
        assertFalse(ta.connectedPeers().contains(c.nodeId()), "a only dials c when it wants c");
        ta.wantPeers(Set.of(c.nodeId()));
        await("a connects to c", WAIT_MS, () -> ta.connectedPeers().contains(c.nodeId())
                && tc.connectedPeers().contains(a.nodeId()));
        exchange(ta, a, inA, tc, inC, "hello c");
        exchange(tc, c, inC, ta, inA, "hello a");
    }

    @Test
    void simultaneousDialsEndWithExactlyOneConnection() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (Cluster local = new Cluster()) {
                Identity a = Nets.identity();
                Identity b = Nets.identity();
                NettyTransport ta = local.start(a, Nets.fast(), new Inbox());
                NettyTransport tb = local.start(b, Nets.fast(), new Inbox());
                CountDownLatch go = new CountDownLatch(1);
                Thread other = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    tb.join(Nets.addressOf(ta));
                });
                other.start();
                go.countDown();
                ta.join(Nets.addressOf(tb));
                other.join();
                await("round " + round + ": both see each other", WAIT_MS,
                        () -> ta.connectedPeers().contains(b.nodeId()) && tb.connectedPeers().contains(a.nodeId()));
                await("round " + round + ": one channel left on each side", WAIT_MS,
                        () -> ta.openChannels() == 1 && tb.openChannels() == 1);
                Thread.sleep(200); // let any further redial show itself
                assertEquals(1, ta.openChannels(), "round " + round);
                assertEquals(1, tb.openChannels(), "round " + round);
                InetSocketAddress aLocal = (InetSocketAddress) ta.boundChannel(b.nodeId()).channel().localAddress();
                InetSocketAddress bRemote = (InetSocketAddress) tb.boundChannel(a.nodeId()).channel().remoteAddress();
                assertEquals(aLocal, bRemote, "round " + round + ": both ends bound the same TCP connection");
            }
        }
    }

    @Test
    void aWantedPeerIsRedialedAfterItRestartsOnTheSamePort() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        Inbox inA = new Inbox();
        NettyTransport ta = cluster.start(a, Nets.fast(), inA);
        NettyTransport tb = cluster.start(b, Nets.fast(List.of(Nets.addressOf(ta))), new Inbox());
        await("connected", WAIT_MS, () -> ta.connectedPeers().contains(b.nodeId())
                && ta.knownAddresses().containsKey(b.nodeId()));
        ta.wantPeers(Set.of(b.nodeId()));
        int port = tb.boundPort();
        tb.close();
        await("a sees b down", WAIT_MS, () -> !ta.connectedPeers().contains(b.nodeId()));
        Thread.sleep(300); // a's redials are refused meanwhile and back off
        TransportConfig samePort = new TransportConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                null, List.of(), 2_000, 100, 2_000, 20, 200, TransportConfig.OUTBOUND_QUEUE_BYTES_MIN, 64, 100);
        Inbox inB2 = new Inbox();
        long restartedNs = System.nanoTime();
        NettyTransport tb2 = cluster.start(b, samePort, inB2);
        await("a redials the restarted b", 5_000, () -> ta.connectedPeers().contains(b.nodeId())
                && tb2.connectedPeers().contains(a.nodeId()));
        long reconnectMs = (System.nanoTime() - restartedNs) / 1_000_000;
        assertTrue(reconnectMs < 2_000, "reconnected after " + reconnectMs + " ms");
        exchange(ta, a, inA, tb2, inB2, "welcome back");
        await("a saw b up twice", WAIT_MS, () -> inA.ups.get() == 2);
        assertEquals(1, inA.downs.get());
    }

    @Test
    void aPortInUseFailsStartNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TransportConfig c = TransportConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    taken.getLocalPort()), List.of());
            NettyTransport t = cluster.track(new NettyTransport(Nets.identity(), c, new EnvelopeVerifier(),
                    new Inbox()));
            IOException e = assertThrows(IOException.class, t::start);
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address in use", e.getMessage());
            assertThrows(IllegalStateException.class, t::start, "a failed transport cannot be restarted");
            assertFalse(t.send(Nets.identity().nodeId(), Nets.app(Nets.identity(), "x")));
        }
    }

    @Test
    void joiningItselfClosesAndIsNotRetried() throws Exception {
        Identity a = Nets.identity();
        NettyTransport ta = cluster.start(a, Nets.fast(), new Inbox());
        ta.join(Nets.addressOf(ta));
        await("both ends of the self connection closed", WAIT_MS,
                () -> ta.stats().disconnects(DisconnectCause.SELF_CONNECTION) == 2);
        Thread.sleep(300);
        assertEquals(2, ta.stats().disconnects(DisconnectCause.SELF_CONNECTION), "no redial of itself");
        assertTrue(ta.connectedPeers().isEmpty());
        assertEquals(0, ta.openChannels());
    }

    @Test
    void sendsToUnconnectedPeersOrOverTheFrameLimitAreDroppedAndCounted() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        NettyTransport ta = cluster.start(a, Nets.fast(), new Inbox());
        NettyTransport tb = cluster.start(b, Nets.fast(List.of(Nets.addressOf(ta))), new Inbox());
        await("connected", WAIT_MS, () -> ta.connectedPeers().contains(b.nodeId()));
        assertFalse(ta.send(Nets.identity().nodeId(), Nets.app(a, "nobody")));
        assertFalse(ta.send(b.nodeId(), Nets.big(a, WireLimits.FRAME_BYTES_MAX)));
        TransportStats s = ta.stats();
        assertEquals(1, s.drops(DropCause.NOT_CONNECTED));
        assertEquals(1, s.drops(DropCause.OVERSIZE));
        assertEquals(2, s.droppedSends());
        tb.close();
        ta.close();
        assertFalse(ta.send(b.nodeId(), Nets.app(a, "closed")));
        assertEquals(1, ta.stats().drops(DropCause.NOT_RUNNING));
        ta.close(); // idempotent
    }

    @Test
    void heartbeatsKeepAQuietConnectionOpen() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        TransportConfig quick = new TransportConfig(Nets.loopbackAnyPort(), null, List.of(), 2_000, 50, 300, 20, 200,
                TransportConfig.OUTBOUND_QUEUE_BYTES_MIN, 64, 10_000);
        NettyTransport ta = cluster.start(a, quick, new Inbox());
        NettyTransport tb = cluster.start(b, new TransportConfig(Nets.loopbackAnyPort(), null,
                List.of(Nets.addressOf(ta)), 2_000, 50, 300, 20, 200, TransportConfig.OUTBOUND_QUEUE_BYTES_MIN, 64,
                10_000), new Inbox());
        await("connected", WAIT_MS, () -> ta.connectedPeers().contains(b.nodeId()));
        Thread.sleep(1_200); // four idle timeouts with nothing but heartbeats
        assertTrue(ta.connectedPeers().contains(b.nodeId()));
        assertEquals(0, ta.stats().disconnects(DisconnectCause.IDLE_TIMEOUT));
        assertEquals(0, tb.stats().disconnects(DisconnectCause.IDLE_TIMEOUT));
        assertTrue(ta.stats().framesIn() > 10, "pings and pongs flowed: " + ta.stats());
    }

    @Test
    void aSilentPeerIsClosedAfterTheIdleTimeout() throws Exception {
        TransportConfig quick = new TransportConfig(Nets.loopbackAnyPort(), null, List.of(), 2_000, 50, 300, 20, 200,
                TransportConfig.OUTBOUND_QUEUE_BYTES_MIN, 64, 10_000);
        NettyTransport ta = cluster.start(Nets.identity(), quick, new Inbox());
        try (RawPeer silent = RawPeer.connect(ta.boundPort())) {
            silent.handshake();
            await("bound", WAIT_MS, () -> ta.connectedPeers().contains(silent.identity.nodeId()));
            assertTrue(silent.closedByPeerWithin(WAIT_MS));
        }
        await("counted", WAIT_MS, () -> ta.stats().disconnects(DisconnectCause.IDLE_TIMEOUT) == 1);
    }

    @Test
    void aConnectionThatNeverHandshakesTimesOut() throws Exception {
        TransportConfig quick = new TransportConfig(Nets.loopbackAnyPort(), null, List.of(), 200, 100, 2_000, 20, 200,
                TransportConfig.OUTBOUND_QUEUE_BYTES_MIN, 64, 10_000);
        NettyTransport ta = cluster.start(Nets.identity(), quick, new Inbox());
        try (RawPeer mute = RawPeer.connect(ta.boundPort())) {
            assertTrue(mute.closedByPeerWithin(WAIT_MS));
        }
        await("counted", WAIT_MS, () -> ta.stats().disconnects(DisconnectCause.HANDSHAKE_TIMEOUT) == 1);
    }

    private static TransportConfig withConnectionsMax(int connectionsMax, List<InetSocketAddress> join) {
        return new TransportConfig(Nets.loopbackAnyPort(), null, join, 2_000, 100, 2_000, 20, 200,
                TransportConfig.OUTBOUND_QUEUE_BYTES_MIN, connectionsMax, 10_000);
    }

    /**
     * Finding 2: strangers fill the inbound budget and no more; a peer this node wants still gets in, in the place
     * of the stranger silent longest.
     */
    @Test
    void strangersFillOnlyTheInboundBudgetAndAWantedPeerTakesOnesPlace() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        NettyTransport ta = cluster.start(a, withConnectionsMax(8, List.of()), new Inbox());
        int inboundMax = ConnectionBudget.Limits.of(8).inboundMax();
        List<RawPeer> strangers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < inboundMax; i++) {
                RawPeer p = RawPeer.connect(ta.boundPort());
                strangers.add(p);
                p.handshake();
                int bound = i + 1; // one at a time: an address gets few handshakes at once
                await("stranger bound", WAIT_MS, () -> ta.connectedPeers().size() == bound);
            }
            await("the strangers bound", WAIT_MS, () -> ta.connectedPeers().size() == inboundMax);
            try (RawPeer extra = RawPeer.connect(ta.boundPort())) {
                try {
                    extra.handshake();
                } catch (java.io.IOException refusedBeforeTls) {
                    // refused at once: the full inbound budget begins few handshakes
                }
                assertTrue(extra.closedByPeerWithin(WAIT_MS), "one more stranger is refused");
            }
            await("refusal counted", WAIT_MS, () -> ta.stats().limited(Limited.INBOUND_CHANNEL)
                    + ta.stats().limited(Limited.NEW_CONNECTION_RATE) == 1);
            ta.wantPeers(Set.of(b.nodeId()));
            NettyTransport tb = cluster.start(b, withConnectionsMax(8, List.of(Nets.addressOf(ta))), new Inbox());
            await("the wanted peer bound", WAIT_MS, () -> ta.connectedPeers().contains(b.nodeId())
                    && tb.connectedPeers().contains(a.nodeId()));
            assertEquals(1, ta.stats().limited(Limited.EVICTED_FOR_WANTED));
            await("the evicted stranger's close counted", WAIT_MS, // counted when its channel goes inactive
                    () -> ta.stats().disconnects(DisconnectCause.EVICTED_FOR_WANTED) == 1);
            assertEquals(inboundMax, ta.connectedPeers().size(), "one stranger made room; the rest stay");
        } finally {
            for (RawPeer p : strangers) {
                p.close();
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ta.wantPeers(Set.of(Nets.identity().nodeId(),
                Nets.identity().nodeId(), Nets.identity().nodeId(), Nets.identity().nodeId(),
                Nets.identity().nodeId(), Nets.identity().nodeId(), Nets.identity().nodeId(),
                Nets.identity().nodeId(), Nets.identity().nodeId())));
    }

    /**
     * A table peer's frames are verified without a budget until the core reports it sent more junk than it may;
     * then they are verified at a stranger's rate: the channel pauses, and nothing sent is lost.
     */
    @Test
    void aTablePeerThatKeepsSendingJunkIsVerifiedAtAStrangersRate() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        Inbox inbox = new Inbox();
        NettyTransport ta = cluster.start(a, Nets.fast(), inbox);
        ta.wantPeers(Set.of(b.nodeId()));
        int burst = 2 * PeerChannel.STRANGER_VERIFIES_PER_SECOND;
        try (RawPeer pb = RawPeer.connect(ta.boundPort(), b, 0)) {
            pb.handshake();
            await("b bound", WAIT_MS, () -> ta.connectedPeers().contains(b.nodeId()));
            for (int i = 0; i < burst; i++) {
                pb.send(Nets.app(b, "table work " + i));
            }
            await("every frame of the table peer delivered", WAIT_MS, () -> inbox.size() >= burst);
            assertEquals(0, ta.stats().limited(Limited.FRAME), "a table peer is not throttled");

            for (int i = 0; i < JunkBudget.JUNK_BURST; i++) {
                ta.reportJunk(b.nodeId());
            }
            assertEquals(0, ta.stats().limited(Limited.SUSPECT_PEER), "the burst of junk is allowed");
            ta.reportJunk(b.nodeId());
            ta.reportJunk(b.nodeId());
            assertEquals(1, ta.stats().limited(Limited.SUSPECT_PEER), "suspect once, however much more");
            ta.reportJunk(Nets.identity().nodeId()); // a stranger is throttled already: not tracked
            assertEquals(1, ta.stats().limited(Limited.SUSPECT_PEER));

            for (int i = 0; i < burst; i++) {
                pb.send(Nets.app(b, "more " + i));
            }
            await("the suspect peer's channel paused", WAIT_MS, () -> ta.stats().limited(Limited.FRAME) >= 1);
            await("and caught up as the budget refilled", WAIT_MS, () -> inbox.size() >= 2 * burst);
        }
    }

    /**
     * Connections that never handshake hold at most their prefix's share of handshakes, and a full handshaking
     * budget never keeps a real handshake out: it takes the place of the oldest silent one of the busiest prefix.
     */
    @Test
    void silentConnectionsNeverKeepARealHandshakeOut() throws Exception {
        NettyTransport ta = cluster.start(Nets.identity(), withConnectionsMax(64, List.of()), new Inbox());
        ConnectionBudget.Limits limits = ConnectionBudget.Limits.of(64);
        java.net.InetAddress hog = java.net.InetAddress.getByName("127.0.0.2");
        List<RawPeer> silent = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < limits.handshakingPerAddressMax(); i++) {
                silent.add(RawPeer.connectFrom(hog, ta.boundPort()));
            }
            await("admitted", WAIT_MS, () -> ta.openChannels() == limits.handshakingPerAddressMax());
            try (RawPeer more = RawPeer.connectFrom(hog, ta.boundPort())) {
                assertTrue(more.closedByPeerWithin(WAIT_MS), "the address's share is full");
            }
            for (int i = 0; silent.size() < limits.handshakingMax(); i++) {
                silent.add(RawPeer.connectFrom(java.net.InetAddress.getByName("127.0.1." + (i + 1)), ta.boundPort()));
            }
            await("the budget full", WAIT_MS, () -> ta.openChannels() == limits.handshakingMax());
            try (RawPeer real = RawPeer.connectFrom(java.net.InetAddress.getByName("127.0.2.1"), ta.boundPort())) {
                real.handshake();
                await("a real handshake binds", WAIT_MS, () -> ta.connectedPeers().contains(real.identity.nodeId()));
            }
            assertTrue(silent.get(0).closedByPeerWithin(WAIT_MS), "the oldest of the busiest prefix made room");
            assertEquals(2, ta.stats().limited(Limited.HANDSHAKING_CONNECTION));
        } finally {
            for (RawPeer p : silent) {
                p.close();
            }
        }
    }

    @Test
    void peerEventsAndMessagesReachTheHandlerInOrder() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        Map<NodeId, String> seen = new HashMap<>();
        StringBuilder order = new StringBuilder();
        InboundHandler recorder = new InboundHandler() {
            @Override
            public synchronized void onMessage(NodeId from, Verified message) {
                order.append('m');
                seen.put(from, Nets.textOf(message));
            }

            @Override
            public synchronized void onPeerUp(NodeId peer) {
                order.append('u');
            }

            @Override
            public synchronized void onPeerDown(NodeId peer) {
                order.append('d');
            }
        };
        NettyTransport ta = cluster.start(a, Nets.fast(), recorder);
        NettyTransport tb = cluster.start(b, Nets.fast(List.of(Nets.addressOf(ta))), new Inbox());
        await("connected", WAIT_MS, () -> tb.connectedPeers().contains(a.nodeId()));
        assertTrue(tb.send(a.nodeId(), Nets.app(b, "first")));
        await("received", WAIT_MS, () -> {
            synchronized (recorder) {
                return seen.containsKey(b.nodeId());
            }
        });
        tb.close();
        await("down", WAIT_MS, () -> {
            synchronized (recorder) {
                return order.toString().endsWith("d");
            }
        });
        synchronized (recorder) {
            assertEquals("umd", order.toString());
        }
    }

    @Test
    void closeFromAHandlerCallbackIsRefusedInsteadOfWaitingForItself() throws Exception {
        Identity a = Nets.identity();
        Identity b = Nets.identity();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        NettyTransport[] ta = new NettyTransport[1];
        ta[0] = cluster.start(a, Nets.fast(), (from, message) -> {
            try {
                ta[0].close();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        NettyTransport tb = cluster.start(b, Nets.fast(List.of(Nets.addressOf(ta[0]))), new Inbox());
        await("connected", WAIT_MS, () -> tb.connectedPeers().contains(a.nodeId()));
        assertTrue(tb.send(a.nodeId(), Nets.app(b, "close yourself")));
        await("the handler ran", WAIT_MS, () -> failure.get() != null);
        assertInstanceOf(IllegalStateException.class, failure.get());
        assertTrue(ta[0].connectedPeers().contains(b.nodeId()), "still running");
    }
}
