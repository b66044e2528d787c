package io.dicemesh.node.net;

import static io.dicemesh.node.net.Nets.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Hello;
import io.dicemesh.protocol.HelloAck;
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

    /** A stranger gets a few KiB per frame until it has proven who it is: a longer length fails at the prefix. */
    @Test
    void aFrameOverAFewKibBeforeTheHandshakeIsRejectedAtItsPrefix() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            int length = WireLimits.HANDSHAKE_FRAME_BYTES_MAX + 1;
            raw.sendBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                    (byte) length});
            assertDisconnectedFor(raw, RejectReason.OVERSIZE);
        }
    }

    @Test
    void garbageBytesAreAMalformedEnvelope() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            byte[] garbage = new byte[4 + 16];
            garbage[3] = 16;
            Arrays.fill(garbage, 4, garbage.length, (byte) 0xFF);
            raw.sendBytes(garbage);
            assertDisconnectedFor(raw, RejectReason.MALFORMED_ENVELOPE);
        }
    }

    @Test
    void anOversizeLengthPrefixIsRejectedBeforeThePayload() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
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

    @Test
    void aMessageBeforeTheHandshake() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.send(Nets.app(raw.identity, "let me in"));
            assertDisconnectedFor(raw, RejectReason.UNEXPECTED_KIND);
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

    @Test
    void aHelloAckSigningTheWrongNonceFailsTheHandshake() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.send(new Handshake(raw.identity, "", new byte[32], null).hello());
            Verified nodeHello = raw.readVerified();
            byte[] wrongNonce = nodeHello.body().getHello().getNonce().toByteArray();
            wrongNonce[0] ^= 1;
            assertInstanceOf(Verified.class, raw.readVerified()); // the node's own HelloAck to us
            raw.send(Signatures.seal(raw.identity, Body.newBuilder().setHelloAck(HelloAck.newBuilder()
                    .setPeerId(a.nodeId().byteString()).setPeerNonce(ByteString.copyFrom(wrongNonce))).build()));
            assertHandshakeFailed(raw);
        }
    }

    @Test
    void aHelloClaimingAnotherNodesIdFailsTheHandshake() throws Exception {
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.send(Signatures.seal(raw.identity, Body.newBuilder().setHello(Hello.newBuilder()
                    .setNodeId(b.nodeId().byteString()).setNonce(ByteString.copyFrom(new byte[32]))
                    .setVersion(WireLimits.PROTOCOL_VERSION)).build()));
            assertHandshakeFailed(raw);
        }
        assertTrue(ta.connectedPeers().contains(b.nodeId()), "b's real channel stays bound");
    }

    /**
     * Text a peer supplies reaches the log escaped: a Hello whose listen address carries a line break and a forged
     * log line fails the handshake, and the WARN line shows the break as \n on one line (no forged second line).
     */
    @Test
    void aListenAddressWithALineBreakCannotForgeALogLine() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                PeerChannel.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (RawPeer raw = RawPeer.connect(ta.boundPort())) {
            raw.send(Signatures.seal(raw.identity, Body.newBuilder().setHello(Hello.newBuilder()
                    .setNodeId(raw.identity.nodeId().byteString()).setNonce(ByteString.copyFrom(new byte[32]))
                    .setVersion(WireLimits.PROTOCOL_VERSION)
                    .setListenAddr("\u202e1.2.3.4:5\n12:00:00.000 INFO  [main] NodeDaemon - node stopped")).build()));
            assertHandshakeFailed(raw);
        } finally {
            logger.detachAppender(lines);
        }
        String warn = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("listen_addr")).findFirst().orElseThrow(() -> new AssertionError(
                        "no log line names the listen address: " + lines.list));
        assertTrue(!warn.contains("\n") && !warn.contains("\u202e") && warn.contains("\\n") && warn.contains("\\u202e"),
                warn);
    }

    private void assertHandshakeFailed(RawPeer raw) throws Exception {
        int receivedBefore = inA.size();
        assertTrue(raw.closedByPeerWithin(WAIT_MS));
        await("handshake failure counted", WAIT_MS,
                () -> ta.stats().disconnects(DisconnectCause.HANDSHAKE_FAILED) == 1);
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
