package io.dicemesh.node.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.ledger.MemoryKvStore;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Prepare;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine loop's inbox: bounded in bytes, and a flooding peer cannot take the room of the others. */
@Timeout(30)
class EngineLoopInboxTest {
    private static Identity identity(String label) {
        return Identity.fromSeed(Sha256.hash(label.getBytes(StandardCharsets.UTF_8)));
    }

    /** A validly signed message of about {@code bytes} bytes from {@code signer}. */
    private static Verified message(Identity signer, int bytes) {
        Envelope e = Signatures.seal(signer, Body.newBuilder().setPrepare(Prepare.newBuilder()
                .setTx(ByteString.copyFrom(new byte[bytes]))).build());
        return (Verified) new EnvelopeVerifier().verify(e);
    }

    @Test
    void aFloodingPeerGetsOnlyItsShareOfTheInboxAndOthersStillGetIn() throws Exception {
        Identity me = identity("me");
        NodeEngine engine = new NodeEngine(me, EngineConfig.defaults(), new EnvelopeVerifier(), new MemoryKvStore(),
                b -> { });
        EngineLoop loop = new EngineLoop(engine, new MemoryKvStore(), new EngineLoop.Outbound() {
            @Override
            public void send(NodeId to, Envelope envelope) {
            }

            @Override
            public void onEvent(Event event) {
            }
        }, EngineLoop.Clock.monotonic());
        loop.start();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> blocked = loop.read(e -> {
            busy.countDown();
            try {
                return release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS), "the engine thread never ran the read");
        try {
            Identity flooder = identity("flooder");
            Verified big = message(flooder, 512 * 1024);
            long acceptedBytes = 0;
            for (int i = 0; i < 200; i++) {
                if (loop.deliver(flooder.nodeId(), big)) {
                    acceptedBytes += big.envelope().getSerializedSize();
                }
            }
            assertTrue(acceptedBytes <= 16L << 20, "one peer queued " + (acceptedBytes >> 20) + " MiB");
            Identity other = identity("other");
            assertTrue(loop.deliver(other.nodeId(), message(other, 100)), "another peer was shut out");
        } finally {
            release.countDown();
            blocked.get(10, TimeUnit.SECONDS);
            loop.stop(5_000);
        }
    }
}
