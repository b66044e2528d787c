package io.dicemesh.simulator.bench;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Ping;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What this machine's parts cost, measured before a benchmark so its figures can be read against them: a synced
 * small append (the vote a participant makes durable), a loopback round trip (the hops to and from the
 * coordinator), and Ed25519 verifies a second on one core. Their sum is the critical path of one commit.
 *
 * @param fsyncP50Us         median of {@link #FSYNCS} 64-byte appends each followed by a force to disk
 * @param loopbackRttP50Us   median of {@link #ROUND_TRIPS} 64-byte ping-pongs over a loopback TCP connection
 * @param verifiesPerSecond  Ed25519 verifies of a signed Ping a second, on one core
 */
public record Calibration(double fsyncP50Us, double loopbackRttP50Us, double verifiesPerSecond) {
    static final int FSYNCS = 200;
    static final int ROUND_TRIPS = 2_000;
    static final int VERIFIES = 5_000;

    /**
     * One commit's critical path here: a round trip (the prepare out, the vote back), a synced vote, and the
     * signature checks on its way (the prepare and one vote).
     */
    public double criticalPathMs() {
        return (loopbackRttP50Us + fsyncP50Us + 2 * 1e6 / verifiesPerSecond) / 1000;
    }

    /** Measures, writing its probe file in {@code dir}; bounded (a few hundred ms on this machine). */
    public static Calibration measure(Path dir) throws IOException {
        return new Calibration(measureFsyncP50Us(dir), measureLoopbackRttP50Us(), measureVerifiesPerSecond());
    }

    static double measureFsyncP50Us(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, "fsync-probe", ".bin");
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long[] us = new long[FSYNCS];
            ByteBuffer b = ByteBuffer.allocate(64);
            for (int i = 0; i < FSYNCS; i++) {
                b.clear();
                long t0 = System.nanoTime();
                ch.write(b);
                ch.force(false);
                us[i] = (System.nanoTime() - t0) / 1_000;
            }
            return median(us);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    static double measureLoopbackRttP50Us() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    byte[] b = new byte[64];
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        in.readFully(b);
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the measuring side sees it as a failed read
                }
            }, "calibration-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(loopback, server.getLocalPort()), 5_000);
                s.setSoTimeout(5_000);
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] b = new byte[64];
                long[] us = new long[ROUND_TRIPS];
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    long t0 = System.nanoTime();
                    out.write(b);
                    out.flush();
                    in.readFully(b);
                    us[i] = (System.nanoTime() - t0) / 1_000;
                }
                return median(us);
            }
        }
    }

    static double measureVerifiesPerSecond() {
        Identity id = Identity.generate(new SecureRandom());
        Envelope e = Signatures.seal(id, Body.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build());
        io.dicemesh.crypto.EnvelopeVerifier verifier = new io.dicemesh.crypto.EnvelopeVerifier();
        for (int i = 0; i < VERIFIES; i++) { // warm the JIT first
            verifier.verify(e);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < VERIFIES; i++) {
            if (!(verifier.verify(e) instanceof io.dicemesh.crypto.Verified)) {
                throw new IllegalStateException("a genuine signature did not verify");
            }
        }
        return VERIFIES / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
