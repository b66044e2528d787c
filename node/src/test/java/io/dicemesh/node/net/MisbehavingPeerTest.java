package io.dicemesh.node.net;

import static io.dicemesh.node.net.Nets.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Hello;
import io.dicemesh.protocol.PeerList;
import io.dicemesh.protocol.PeerRecord;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Raw clients that send garbage, oversize lengths, forgeries, wrong versions and out-of-order messages: each is
 * disconnected with its reason counted, while a legitimate peer keeps exchanging messages with the same node.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MisbehavingPeerTest {
    private static final long WAIT_MS = 10_000;

    private final Cluster cluster = new Cluster();
    private final Identity a = Nets.identity();
    private final Identity b = Nets.identity();
    private final Inbox inA = new Inbox();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger refusedSends = new AtomicInteger();
    private NettyTransport ta;
    private NettyTransport tb;
    private Thread legit;

    @BeforeEach
    void startNodeAndLegitimatePeer() {
        ta = cluster.start(a, Nets.fast(), inA);
        tb = cluster.start(b, Nets.fast(List.of(Nets.addressOf(ta))), new Inbox());
        await("legitimate peer connected", WAIT_MS, () -> ta.connectedPeers().contains(b.nodeId())
                && tb.connectedPeers().contains(a.nodeId()));
        legit = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                if (!tb.send(a.nodeId(), Nets.app(b, "legit " + i++))) {
                    refusedSends.incrementAndGet();
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "legit-sender");
        legit.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        stop.set(true);
        legit.join(WAIT_MS);
        cluster.close();
    }

    /** The raw client is cut off, exactly this reason is counted once, and the legitimate peer is unaffected. */
    private void assertDisconnectedFor(RawPeer raw, RejectReason reason) throws Exception {
        int receivedBefore = inA.size();
        assertTrue(raw.closedByPeerWithin(WAIT_MS), "the node should close the connection");
        await(reason.label() + " counted", WAIT_MS, () -> ta.stats().rejected(reason) == 1);
        await("disconnect counted", WAIT_MS, () -> ta.stats().disconnects(DisconnectCause.REJECTED_FRAME) == 1);
        TransportStats s = ta.stats();
        assertEquals(1, s.rejected().values().stream().mapToLong(Long::longValue).sum(), s.rejected().toString());
        assertLegitimatePeerUnaffected(receivedBefore);
    }

    private void assertLegitimatePeerUnaffected(int receivedBefore) {
        await("legitimate messages keep arriving", WAIT_MS, () -> inA.size() > receivedBefore + 20);
        assertTrue(ta.connectedPeers().contains(b.nodeId()));
        assertEquals(0, refusedSends.get(), "the legitimate peer's sends were never refused");
        assertEquals(0, ta.stats().disconnects(DisconnectCause.HANDSHAKE_TIMEOUT));
    }

    /** Anything but TLS on a new connection fails the handshake at once, not by a timeout. */
    @Test
    void bytesThatAreNotTlsFailTheHandshakeAtOnce() throws Exception {
        byte[] garbage = new byte[4 + 16];
        garbage[3] = 16;
        Arrays.fill(garbage, 4, garbage.length, (byte) 0xFF);
        int huge = WireLimits.FRAME_BYTES_MAX + 1;
        byte[] hugePrefix = {(byte) (huge >>> 24), (byte) (huge >>> 16), (byte) (huge >>> 8), (byte) huge, 0};
        byte[] plainFrame = FrameCodec.encode(Nets.app(Nets.identity(), "let me in"));
        int failures = 0;
        for (byte[] bytes : List.of(garbage, hugePrefix, plainFrame)) {
            try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
                long startNs = System.nanoTime();
                raw.sendBytes(bytes);
                assertHandshakeFailed(raw, ++failures);
                long tookMs = (System.nanoTime() - startNs) / 1_000_000;
                assertTrue(tookMs < ta.config().handshakeTimeoutMs(), "closed at once, not by a timeout: " + tookMs);
            }
        }
        assertEquals(0, ta.stats().rejected().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void anOversizeLengthPrefixIsRejectedBeforeThePayload() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.handshake();
            int length = WireLimits.FRAME_BYTES_MAX + 1;
            raw.sendBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                    (byte) length});
            long startNs = System.nanoTime();
            assertDisconnectedFor(raw, RejectReason.OVERSIZE);
            long tookMs = (System.nanoTime() - startNs) / 1_000_000;
            assertTrue(tookMs < ta.config().handshakeTimeoutMs(), "closed at once, not by a timeout: " + tookMs);
        }
    }

    @Test
    void garbageAfterTheHandshakeIsAMalformedEnvelope() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.handshake();
            byte[] garbage = new byte[4 + 16];
            garbage[3] = 16;
            Arrays.fill(garbage, 4, garbage.length, (byte) 0xFF);
            raw.sendBytes(garbage);
            assertDisconnectedFor(raw, RejectReason.MALFORMED_ENVELOPE);
        }
    }

    @Test
    void aForgedSignatureAfterAProperHandshake() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.handshake();
            await("bound", WAIT_MS, () -> ta.connectedPeers().contains(raw.identity.nodeId()));
            Envelope honest = Nets.app(raw.identity, "pay me");
            byte[] sig = honest.getSignature().toByteArray();
            sig[0] ^= 1;
            raw.send(honest.toBuilder().setSignature(ByteString.copyFrom(sig)).build());
            assertDisconnectedFor(raw, RejectReason.BAD_SIGNATURE);
            await("unbound", WAIT_MS, () -> !ta.connectedPeers().contains(raw.identity.nodeId()));
        }
        assertTrue(inA.size() > 0);
        assertTrue(drainAll().stream().allMatch(m -> m.from().equals(b.nodeId())), "nothing forged got through");
    }

    /** A channel speaks for its peer only: a validly signed message of another node, relayed on it, is refused. */
    @Test
    void aMessageSignedByAnotherNodeThanTheChannelsPeerIsRefused() throws Exception {
        Envelope bSaid = Nets.app(b, "b's own words");
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.handshake();
            raw.send(bSaid);
            assertDisconnectedFor(raw, RejectReason.BAD_SENDER);
        }
        assertTrue(drainAll().stream().allMatch(m -> m.from().equals(b.nodeId())
                && m.message().sender().equals(b.nodeId())), "the relayed message was not delivered as the raw peer's");
    }

    /** Self-standing statements (dice, Prepares, invites, accepts) are passed on by players: carried, not refused. */
    @Test
    void aRelayableStatementOfAnotherNodeIsDeliveredFromItsCarrier() throws Exception {
        Envelope bReveals = Signatures.seal(b, Body.newBuilder().setDiceReveal(io.dicemesh.protocol.DiceReveal
                .newBuilder().setTableId(ByteString.copyFrom(new byte[32]))).build());
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.handshake();
            await("bound", WAIT_MS, () -> ta.connectedPeers().contains(raw.identity.nodeId()));
            raw.send(bReveals);
            await("delivered", WAIT_MS, () -> {
                for (Inbox.Received r : drainAllQuietly()) {
                    if (r.message().sender().equals(b.nodeId()) && r.from().equals(raw.identity.nodeId())) {
                        return true;
                    }
                }
                return false;
            });
            assertTrue(ta.connectedPeers().contains(raw.identity.nodeId()), "the carrier stays connected");
        }
        assertEquals(0, ta.stats().rejected(RejectReason.BAD_SENDER));
    }

    private List<Inbox.Received> drainAllQuietly() {
        try {
            return drainAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Test
    void aWrongProtocolVersion() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.handshake();
            raw.send(Nets.app(raw.identity, "from the future").toBuilder()
                    .setProtocolVersion(WireLimits.PROTOCOL_VERSION + 1).build());
            assertDisconnectedFor(raw, RejectReason.WRONG_VERSION);
        }
    }

    @Test
    void aForgedPeerRecordInAGossipList() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.handshake();
            Envelope bRecord = Signatures.seal(raw.identity, Body.newBuilder().setPeerRecord(PeerRecord.newBuilder()
                    .setNodeId(b.nodeId().byteString()).setAddr("6.6.6.6:6666")
                    .setSeenAtMs(System.currentTimeMillis())).build());
            raw.send(Signatures.seal(raw.identity, Body.newBuilder().setPeerList(PeerList.newBuilder()
                    .addPeers(bRecord)).build()));
            assertDisconnectedFor(raw, RejectReason.BAD_SENDER);
        }
        assertEquals(tb.advertisedAddr(), ta.knownAddresses().get(b.nodeId()), "the forged address was not kept");
    }

    /**
     * Finding 1 with the certificate: a stranger presents b's signed Hello (copied from b's certificate) in a
     * certificate of its own key. It cannot sign the transcript for b's key, so the handshake fails and b's real
     * channel stays bound.
     */
    @Test
    void anotherNodesHelloInOurOwnCertificateFailsTheHandshake() throws Exception {
        PeerChannel bsChannel = ta.boundChannel(b.nodeId());
        Envelope bsHello = HandshakeTest.helloOf(tb.tls().certificate());
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            tlsFails(raw, NodeCertificate.withHello(NodeCertificate.newKeyPair(Nets.RANDOM), bsHello, Nets.RANDOM));
            assertHandshakeFailed(raw, 1);
        }
        assertEquals(bsChannel, ta.boundChannel(b.nodeId()), "b's real channel stays bound");
    }

    @Test
    void aHelloClaimingAnotherNodesIdFailsTheHandshake() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            java.security.KeyPair key = NodeCertificate.newKeyPair(Nets.RANDOM);
            tlsFails(raw, NodeCertificate.withHello(key, hello(raw.identity, b.nodeId().byteString(), key, ""),
                    Nets.RANDOM));
            assertHandshakeFailed(raw, 1);
        }
        assertTrue(ta.connectedPeers().contains(b.nodeId()), "b's real channel stays bound");
    }

    /**
     * Text a peer supplies reaches the log escaped or not at all: a certificate whose listen address carries a line
     * break and a forged log line fails the handshake, and no log line carries the break.
     */
    @Test
    void aListenAddressWithALineBreakCannotForgeALogLine() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                PeerChannel.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            java.security.KeyPair key = NodeCertificate.newKeyPair(Nets.RANDOM);
            tlsFails(raw, NodeCertificate.withHello(key, hello(raw.identity, raw.identity.nodeId().byteString(), key,
                    "\u202e1.2.3.4:5\n12:00:00.000 INFO  [main] NodeDaemon - node stopped"), Nets.RANDOM));
            assertHandshakeFailed(raw, 1);
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
        String failed = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("TLS handshake failed")).findFirst().orElseThrow(() -> new AssertionError(
                        "no log line tells of the failed handshake: " + lines.list));
        assertTrue(failed.contains("listen address"), failed);
        assertTrue(lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains("\n") || m.contains("\u202e")), lines.list.toString());
    }

    /**
     * A newer channel of a peer does not replace its live one on its say-so: the node keeps the old channel and
     * probes it; a channel that does not answer the probe is closed, and the peer's next dial binds.
     */
    @Test
    void aLiveChannelIsKeptOverANewerOneUntilItFailsAProbe() throws Exception {
        Identity twin = Nets.identity();
        try (RawPeer first = RawPeer.connect(ta.boundPort(), twin, 0)) {
            first.handshake();
            await("bound", WAIT_MS, () -> ta.connectedPeers().contains(twin.nodeId()));
            PeerChannel kept = ta.boundChannel(twin.nodeId());
            long establishedAtNs = System.nanoTime() + (ta.config().handshakeTimeoutMs() + 100) * 1_000_000;
            while (System.nanoTime() < establishedAtNs) { // past the pairing race, and live all along
                first.send(Nets.app(twin, "still here"));
                Thread.sleep(20);
            }
            // first keeps talking while the second handshakes (on a loaded machine that can take longer than the
            // 200 ms a channel stays live without a frame)
            java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
            Thread keeper = new Thread(() -> {
                try {
                    while (!refused.get()) {
                        first.send(Nets.app(twin, "still here"));
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    // the test fails below if the node hung up on first
                }
            }, "keeper");
            keeper.start();
            try (RawPeer second = RawPeer.connect(ta.boundPort(), twin, 0)) {
                second.handshake();
                assertTrue(second.closedByPeerWithin(WAIT_MS), "the newer channel is refused");
                assertSame(kept, ta.boundChannel(twin.nodeId()), "the live one stays bound");
            } finally {
                refused.set(true);
                keeper.join(WAIT_MS);
            }
            // first keeps talking but never answers the probe's Ping (nothing reads it here): only a Pong proves
            // the channel alive, so it is closed for that.
            Thread talker = new Thread(() -> {
                try {
                    while (ta.stats().disconnects(DisconnectCause.UNANSWERED_PROBE) == 0) {
                        first.send(Nets.app(twin, "talking, not listening"));
                        Thread.sleep(20);
                    }
                } catch (Exception closed) {
                    // the node hung up
                }
            }, "talker");
            talker.start();
            await("the unanswered probe closes the old channel", WAIT_MS,
                    () -> ta.stats().disconnects(DisconnectCause.UNANSWERED_PROBE) == 1);
            talker.join(WAIT_MS);
            assertEquals(0, ta.stats().disconnects(DisconnectCause.IDLE_TIMEOUT));
        }
        try (RawPeer again = RawPeer.connect(ta.boundPort(), twin, 0)) {
            again.handshake();
            await("the next dial binds", WAIT_MS, () -> ta.connectedPeers().contains(twin.nodeId()));
        }
    }

    /**
     * Review M2: a table peer replaying one signed Ping as fast as it can makes the node check no more signatures
     * than it answers Pings (an unanswered Ping is dropped before its check), and unasked-for Pongs cost none.
     */
    @Test
    void aPingFloodFromATablePeerCostsOnlyTheAnsweredPingsChecks() throws Exception {
        io.dicemesh.node.core.CountingScheme counting = new io.dicemesh.node.core.CountingScheme();
        Identity node = Nets.identity();
        NettyTransport counted = cluster.track(new NettyTransport(node, Nets.fast(),
                new io.dicemesh.crypto.EnvelopeVerifier(counting), new Inbox()));
        counted.start();
        Identity flooder = Nets.identity();
        counted.wantPeers(Set.of(flooder.nodeId())); // a table peer: no stranger budget applies
        try (RawPeer raw = RawPeer.connect(counted.boundPort(), flooder, 0)) {
            raw.handshake();
            await("bound", WAIT_MS, () -> counted.connectedPeers().contains(flooder.nodeId()));
            Thread.sleep(200); // the greeting is read
            long before = counting.verifications();
            byte[] ping = FrameCodec.encode(Signatures.seal(flooder, Body.newBuilder().setPing(
                    io.dicemesh.protocol.Ping.newBuilder().setNonce(7)).build()));
            byte[] pong = FrameCodec.encode(Signatures.seal(flooder, Body.newBuilder().setPong(
                    io.dicemesh.protocol.Pong.newBuilder().setNonce(7)).build()));
            long startNs = System.nanoTime();
            for (int i = 0; i < 5_000; i++) {
                raw.sendBytes(ping);
                raw.sendBytes(pong);
            }
            await("the flood is read", WAIT_MS, () -> counted.stats().limited(Limited.PING) >= 4_900);
            double seconds = (System.nanoTime() - startNs) / 1e9;
            long checks = counting.verifications() - before;
            assertTrue(checks <= PeerChannel.PONGS_PER_SECOND * (seconds + 2), checks + " checks in " + seconds + " s");
        }
    }

    private static Envelope hello(Identity signer, ByteString nodeId, java.security.KeyPair tlsKey, String addr) {
        return Signatures.seal(signer, Body.newBuilder().setHello(Hello.newBuilder().setNodeId(nodeId)
                .setListenAddr(addr).setTlsKeySha256(ByteString.copyFrom(io.dicemesh.crypto.Sha256.hash(
                        tlsKey.getPublic().getEncoded()))).setVersion(WireLimits.PROTOCOL_VERSION)).build());
    }

    /** Presents a forged certificate: the handshake fails on our side (the node's alert) or the node hangs up. */
    private static void tlsFails(RawPeer raw, NodeCertificate forged) {
        try {
            raw.handshake(forged);
            raw.readFrame(); // TLS 1.3: the client may finish before the server has checked its certificate
        } catch (java.io.IOException expected) {
            return;
        }
        throw new AssertionError("the node accepted a forged certificate");
    }

    private void assertHandshakeFailed(RawPeer raw, int failuresSoFar) throws Exception {
        int receivedBefore = inA.size();
        assertTrue(raw.closedByPeerWithin(WAIT_MS));
        await("handshake failure counted", WAIT_MS,
                () -> ta.stats().disconnects(DisconnectCause.HANDSHAKE_FAILED) == failuresSoFar);
        assertEquals(Set.of(b.nodeId()), ta.connectedPeers());
        assertLegitimatePeerUnaffected(receivedBefore);
    }

    private List<Inbox.Received> drainAll() throws InterruptedException {
        List<Inbox.Received> out = new ArrayList<>();
        Inbox.Received r;
        while ((r = inA.poll(0)) != null) {
            out.add(r);
        }
        return out;
    }
}
