package io.dicemesh.node.net;

import static io.dicemesh.node.net.Nets.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer that stops reading gets backpressure: sends are refused and counted, memory stays bounded. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BackpressureTest {
    private static final int PAYLOAD_BYTES = 64 * 1024;
    private static final int SENDS = 10_000;
    /** Generous room for what the kernel buffers hold on loopback besides the transport's own queue. */
    private static final long KERNEL_BUFFERS_BYTES_MAX = 32L << 20;

    private final Cluster cluster = new Cluster();

    @AfterEach
    void closeAll() throws Exception {
        cluster.close();
    }

    @Test
    void aPeerThatStopsReadingMakesSendReturnFalseOnceTheBoundIsReached() throws Exception {
        Identity a = Nets.identity();
        int queueBytesMax = TransportConfig.OUTBOUND_QUEUE_BYTES_MIN;
        TransportConfig config = new TransportConfig(Nets.loopbackAnyPort(), null, List.of(), 2_000, 10_000, 60_000,
                20, 200, queueBytesMax, 64, 60_000);
        NettyTransport ta = cluster.start(a, config, new Inbox());
        try (RawPeer slow = RawPeer.connect(ta.boundPort(), Nets.identity(), 4096)) {
            slow.handshake();
            NodeId peer = slow.identity.nodeId();
            await("bound", 10_000, () -> ta.connectedPeers().contains(peer));

            Envelope msg = Nets.big(a, PAYLOAD_BYTES);
            int wireBytes = FrameCodec.wireBytes(msg.getSerializedSize());
            int accepted = 0;
            long maxPendingBytes = 0;
            for (int i = 0; i < SENDS; i++) {
                if (ta.send(peer, msg)) {
                    accepted++;
                }
                var outbound = ta.boundChannel(peer).channel().unsafe().outboundBuffer();
                if (outbound != null) {
                    maxPendingBytes = Math.max(maxPendingBytes, outbound.totalPendingWriteBytes());
                }
            }
            int refused = SENDS - accepted;
            TransportStats s = ta.stats();
            assertTrue(accepted >= 1, "the first sends fit");
            assertTrue((long) accepted * wireBytes <= queueBytesMax + KERNEL_BUFFERS_BYTES_MAX,
                    accepted + " sends of " + wireBytes + " bytes accepted by a peer that reads nothing");
            assertTrue(maxPendingBytes <= queueBytesMax + wireBytes, "queue reached " + maxPendingBytes + " bytes");
            assertEquals(refused, s.drops(DropCause.BACKPRESSURE), s.toString());
            assertEquals(refused, s.droppedSends());
            assertTrue(ta.connectedPeers().contains(peer), "a slow peer is throttled, not disconnected");

            // Once it reads again, the queue drains below the low water mark and sends are accepted again.
            await("sends accepted again after the peer reads", 10_000, () -> {
                try {
                    slow.drain(20);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return ta.send(peer, msg);
            });
        }
    }
}
