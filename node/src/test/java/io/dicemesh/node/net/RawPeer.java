package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Envelope;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLSocket;

/**
 * A hand-driven client on a blocking socket, for feeding a transport bad or odd traffic: raw bytes before
 * {@link #handshake}, TLS after it.
 */
final class RawPeer implements AutoCloseable {
    static final int READ_TIMEOUT_MS = 5_000;

    final Identity identity;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private final EnvelopeVerifier verifier = new EnvelopeVerifier();

    private RawPeer(Identity identity, Socket socket) throws IOException {
        this.identity = identity;
        useSocket(socket);
    }

    private void useSocket(Socket s) throws IOException {
        this.socket = s;
        this.in = new DataInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    /** @param receiveBufferBytes the socket's receive buffer (small to make backpressure quick), or 0 for default */
    static RawPeer connect(int port, Identity identity, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes);
        }
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MS);
        return new RawPeer(identity, s);
    }

    /** Connects from a source address of our choosing (any of 127.0.0.0/8 is loopback here). */
    static RawPeer connectFrom(InetAddress from, int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MS);
        return new RawPeer(Nets.identity(), s);
    }

    static RawPeer connect(int port) throws IOException {
        return connect(port, Nets.identity(), 0);
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(Envelope envelope) throws IOException {
        sendBytes(FrameCodec.encode(envelope));
    }

    /** Reads one frame (without its length prefix). */
    byte[] readFrame() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    Verified readVerified() throws IOException {
        return assertInstanceOf(Verified.class, verifier.open(readFrame()));
    }

    /** Runs the TLS handshake as an honest peer would; the transport must bind this connection to our id. */
    void handshake() throws IOException {
        handshake(NodeCertificate.create(identity, "", Nets.RANDOM));
    }

    /**
     * Runs TLS presenting {@code certificate} (which may be a forgery: the handshake then fails at the node, which
     * shows here as an IOException or as the connection closing right after).
     */
    void handshake(NodeCertificate certificate) throws IOException {
        MeshTls tls = new MeshTls(certificate, verifier, Nets.RANDOM);
        SSLSocket ssl = (SSLSocket) tls.context().getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.setSSLParameters(MeshTls.parameters(ssl.getSSLParameters()));
        ssl.setSoTimeout(READ_TIMEOUT_MS);
        ssl.startHandshake();
        useSocket(ssl);
    }

    /** Reads and discards until the transport closes the connection; false if it stays open for timeoutMs. */
    boolean closedByPeerWithin(long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        byte[] sink = new byte[64 * 1024];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return true; // connection reset
            }
        }
        return false;
    }

    /** Reads whatever has arrived, for up to timeoutMs; returns the bytes read. */
    long drain(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeoutMs));
        long total = 0;
        byte[] sink = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(sink)) > 0) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            // nothing more for now
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MS);
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
