package io.dicemesh.node.net;

import static io.dicemesh.node.net.Nets.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.primitives.Bytes;
import io.dicemesh.crypto.Identity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Finding 1, live: M sits between H and L and relays H's connection to L byte for byte (the old attack forwarded
 * H's Hello to L and L's HelloAck back). TLS binds the transcript to L's key end to end, so M reads nothing, and the
 * channel it relays cannot take over H's live link to L: H keeps the old one and traffic between them flows on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayAttackTest {
    private static final long WAIT_MS = 10_000;

    private final Cluster cluster = new Cluster();
    private ServerSocket relay;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        cluster.close();
    }

    @Test
    void aRelayedConnectionNeitherReadsNorTakesOverALiveLink() throws Exception {
        Identity h = Nets.identity();
        Identity l = Nets.identity();
        Inbox inL = new Inbox();
        NettyTransport tl = cluster.start(l, Nets.fast(), inL);
        NettyTransport th = cluster.start(h, Nets.fast(List.of(Nets.addressOf(tl))), new Inbox());
        await("H and L linked", WAIT_MS, () -> th.connectedPeers().contains(l.nodeId())
                && tl.connectedPeers().contains(h.nodeId()));
        PeerChannel hToL = th.boundChannel(l.nodeId());
        PeerChannel lToH = tl.boundChannel(h.nodeId());
        Thread.sleep(th.config().handshakeTimeoutMs() + 200); // the link is established (and heartbeats keep it live)

        relay = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread relayThread = new Thread(() -> relayOnce(tl.boundPort()), "relay");
        relayThread.setDaemon(true);
        relayThread.start();
        th.join(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.getLocalPort()));

        await("H refused the relayed channel", WAIT_MS,
                () -> th.stats().disconnects(DisconnectCause.DUPLICATE_CONNECTION) >= 1);
        assertSame(hToL, th.boundChannel(l.nodeId()), "H's live link to L was not replaced");
        assertSame(lToH, tl.boundChannel(h.nodeId()), "L's live link to H was not replaced");
        int before = inL.size();
        for (int i = 0; i < 10; i++) {
            assertTrue(th.send(l.nodeId(), Nets.app(h, "after the relay #" + i)));
        }
        await("H's messages reach L on the old link", WAIT_MS, () -> inL.size() >= before + 10);

        byte[] relayed;
        synchronized (seen) {
            relayed = seen.toByteArray();
        }
        assertTrue(relayed.length > 500, "the relay carried a TLS handshake: " + relayed.length + " bytes");
        assertFalse(Bytes.indexOf(relayed, l.nodeId().bytes()) >= 0, "L's node id is not visible to the relay");
        assertFalse(Bytes.indexOf(relayed, h.nodeId().bytes()) >= 0, "H's node id is not visible to the relay");
        assertFalse(Bytes.indexOf(relayed, tl.advertisedAddr().getBytes(StandardCharsets.US_ASCII)) >= 0,
                "L's certificate (with its address) is encrypted");
    }

    /** Accepts one connection and splices it to L, keeping a copy of every byte in both directions. */
    private void relayOnce(int lPort) {
        try (Socket fromH = relay.accept();
                Socket toL = new Socket(InetAddress.getLoopbackAddress(), lPort)) {
            Thread back = new Thread(() -> pump(toL, fromH), "relay-back");
            back.setDaemon(true);
            back.start();
            pump(fromH, toL);
            back.join(WAIT_MS);
        } catch (IOException | InterruptedException e) {
            // the relay's end: a closed socket
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (seen) {
                    seen.write(buf, 0, n);
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
