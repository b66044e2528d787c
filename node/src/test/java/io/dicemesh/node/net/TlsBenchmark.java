package io.dicemesh.node.net;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the mesh's TLS costs, both ends in one thread with no sockets: a whole mutual TLS 1.3 handshake with node
 * certificates (both sides' key shares, certificate signatures and checks, including the Ed25519 check of each
 * certificate's Hello and the second check when a channel binds), and moving 64 KiB of frames through an
 * established pair (encrypt at one end, decrypt at the other).
 *
 * <p>Run: {@code mvn -q -o -pl node test-compile} and then
 * {@code java -cp "node/target/test-classes:node/target/classes:$(cat node/target/test-classpath.txt)"
 * org.openjdk.jmh.Main TlsBenchmark} (see the README's "Benchmarks").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TlsBenchmark {
    private static final int CHUNK = 64 * 1024;

    private MeshTls alice;
    private MeshTls bob;
    private SSLEngine sender;
    private SSLEngine receiver;
    private ByteBuffer plain;
    private ByteBuffer wire;
    private ByteBuffer out;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        EnvelopeVerifier verifier = new EnvelopeVerifier();
        alice = new MeshTls(NodeCertificate.create(Identity.generate(random), "127.0.0.1:7001", random), verifier,
                random);
        bob = new MeshTls(NodeCertificate.create(Identity.generate(random), "127.0.0.1:7002", random), verifier,
                random);
        sender = alice.newEngine(true);
        receiver = bob.newEngine(false);
        handshake(sender, receiver);
        plain = ByteBuffer.allocate(CHUNK);
        random.nextBytes(plain.array());
        wire = ByteBuffer.allocate(CHUNK + 4 * sender.getSession().getPacketBufferSize());
        out = ByteBuffer.allocate(CHUNK + receiver.getSession().getApplicationBufferSize());
    }

    /** One whole mutual handshake, and the check of who is at the other end that binding a channel does. */
    @Benchmark
    public Object handshake() throws Exception {
        SSLEngine client = alice.newEngine(true);
        SSLEngine server = bob.newEngine(false);
        handshake(client, server);
        alice.peerOf(client.getSession());
        return bob.peerOf(server.getSession());
    }

    /** 64 KiB of application data encrypted by one end and decrypted by the other. */
    @Benchmark
    public int move64KiB() throws SSLException {
        plain.clear();
        wire.clear();
        while (plain.hasRemaining()) {
            sender.wrap(plain, wire);
        }
        wire.flip();
        out.clear();
        while (wire.hasRemaining()) {
            receiver.unwrap(wire, out);
        }
        return out.position();
    }

    /** Drives a client and a server engine through their handshake in memory. */
    static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(packet * 4);
        ByteBuffer toClient = ByteBuffer.allocate(packet * 4);
        ByteBuffer sink = ByteBuffer.allocate(packet * 4);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int rounds = 0; rounds < 1_000; rounds++) {
            if (done(client) && done(server)) {
                return;
            }
            step(client, empty, toServer, toClient, sink);
            step(server, empty, toClient, toServer, sink);
        }
        throw new SSLException("handshake did not finish: " + client.getHandshakeStatus() + " / "
                + server.getHandshakeStatus());
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One step of one engine: wrap what it wants to send into {@code out}, unwrap what arrived in {@code in}. */
    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        while (true) {
            SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
            if (s == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = e.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (s == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                e.wrap(empty, out);
            } else if (s == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                    || s == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
                in.flip();
                SSLEngineResult r = e.unwrap(in, sink);
                in.compact();
                sink.clear();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0
                        && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                    return; // wait for the other side
                }
            } else {
                return;
            }
        }
    }
}
