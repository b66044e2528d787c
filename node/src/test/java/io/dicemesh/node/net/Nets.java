package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.GenesisQuery;
import io.dicemesh.protocol.TableInvite;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared helpers of the transport tests: identities, fast configs, app envelopes, waiting. */
final class Nets {
    static final SecureRandom RANDOM = new SecureRandom();

    private Nets() {
    }

    static Identity identity() {
        return Identity.generate(RANDOM);
    }

    static InetSocketAddress loopbackAnyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Short timings so that tests finish quickly: 100 ms heartbeats, 2 s idle, 20-200 ms reconnects. */
    static TransportConfig fast(List<InetSocketAddress> join) {
        return new TransportConfig(loopbackAnyPort(), null, join, 2_000, 100, 2_000, 20, 200,
                TransportConfig.OUTBOUND_QUEUE_BYTES_MIN, 64, 100);
    }

    static TransportConfig fast() {
        return fast(List.of());
    }

    static InetSocketAddress addressOf(NettyTransport t) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), t.boundPort());
    }

    /** A small application message (a non-mesh kind, so the transport hands it up). */
    static Envelope app(Identity from, String text) {
        return Signatures.seal(from, Body.newBuilder().setGenesisQuery(GenesisQuery.newBuilder()
                .setTableId(ByteString.copyFrom(text, StandardCharsets.UTF_8))).build());
    }

    /** An application message carrying {@code payloadBytes} bytes. */
    static Envelope big(Identity from, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        RANDOM.nextBytes(payload);
        return Signatures.seal(from, Body.newBuilder().setTableInvite(TableInvite.newBuilder()
                .setGenesis(ByteString.copyFrom(payload))).build());
    }

    static String textOf(Verified v) {
        return v.body().getGenesisQuery().getTableId().toStringUtf8();
    }

    /** Polls until the condition holds, failing with {@code what} after {@code timeoutMs}. */
    static void await(String what, long timeoutMs, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMs + " ms waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }
}
