package io.dicemesh.node.net;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLSocket;

/**
 * A blocking mesh connection for tools and tests: TLS 1.3 with a node certificate of {@code identity}, then
 * length-prefixed envelopes, exactly as a {@link NettyTransport} speaks. It proves the node at the other end the same
 * way a transport does ({@link #peer}). Not thread-safe.
 */
public final class MeshSocket implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final NodeId peer;
    private final java.security.cert.X509Certificate peerCertificate;

    private MeshSocket(SSLSocket socket, NodeId peer) throws IOException {
        this.socket = socket;
        this.peer = peer;
        this.peerCertificate = (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and runs the handshake.
     *
     * @throws IOException when the node cannot be reached, TLS fails, or its certificate proves no node
     */
    public static MeshSocket connect(InetSocketAddress address, Identity identity, int timeoutMs) throws IOException {
        return connect(null, address, NodeCertificate.create(identity, "", new SecureRandom()), timeoutMs);
    }

    /** A node's TLS credentials made ahead (a key and a certificate cost milliseconds each to make). */
    public static final class Credentials {
        private final NodeCertificate certificate;

        private Credentials(NodeCertificate certificate) {
            this.certificate = certificate;
        }
    }

    /** Makes the certificate {@code identity} presents, for {@link #connect(java.net.InetAddress, InetSocketAddress, Credentials, int)}. */
    public static Credentials credentials(Identity identity) {
        return new Credentials(NodeCertificate.create(identity, "", new SecureRandom()));
    }

    /** Connects from a chosen local address (null: any) with credentials made ahead, and runs the handshake. */
    public static MeshSocket connect(java.net.InetAddress from, InetSocketAddress address, Credentials credentials,
            int timeoutMs) throws IOException {
        return connect(from, address, credentials.certificate, timeoutMs);
    }

    /**
     * Connects from a chosen local address (null: any) and runs the handshake.
     *
     * @throws IOException when the node cannot be reached, TLS fails, or its certificate proves no node
     */
    public static MeshSocket connect(java.net.InetAddress from, InetSocketAddress address, Identity identity,
            int timeoutMs) throws IOException {
        return connect(from, address, NodeCertificate.create(identity, "", new SecureRandom()), timeoutMs);
    }

    /**
     * The relay of finding 1 in TLS form, for attack tests: presents the signed Hello of the node behind
     * {@code borrowedFrom} (another node's certificate) inside a certificate of a fresh key of our own. A node must
     * refuse it: the Hello names another key, and TLS proves we hold only ours.
     *
     * <p>In TLS 1.3 the client finishes before the server has checked its certificate, so this may return; the
     * node's refusal then arrives as the end of the stream on the first read (a frame read means it bound).
     *
     * @throws IOException when the node refuses during the handshake
     */
    public static MeshSocket connectWithBorrowedHello(InetSocketAddress address,
            java.security.cert.X509Certificate borrowedFrom, int timeoutMs) throws IOException {
        Envelope hello;
        try {
            hello = NodeCertificate.helloEnvelope(borrowedFrom);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a node certificate: " + e.getMessage(), e);
        }
        SecureRandom random = new SecureRandom();
        return connect(null, address, NodeCertificate.withHello(NodeCertificate.newKeyPair(random), hello, random),
                timeoutMs);
    }

    private static MeshSocket connect(java.net.InetAddress from, InetSocketAddress address, NodeCertificate cert,
            int timeoutMs) throws IOException {
        SecureRandom random = new SecureRandom();
        MeshTls tls = new MeshTls(cert, new EnvelopeVerifier(), random);
        Socket plain = new Socket();
        try {
            plain.setSoTimeout(timeoutMs);
            if (from != null) {
                plain.bind(new InetSocketAddress(from, 0));
            }
            plain.connect(address, timeoutMs);
            SSLSocket ssl = (SSLSocket) tls.context().getSocketFactory().createSocket(plain,
                    address.getAddress().getHostAddress(), address.getPort(), true);
            ssl.setUseClientMode(true);
            ssl.setSSLParameters(MeshTls.parameters(ssl.getSSLParameters()));
            ssl.startHandshake();
            return new MeshSocket(ssl, tls.peerOf(ssl.getSession()).peer());
        } catch (CertificateException e) {
            plain.close();
            throw new IOException("the node's certificate proves no node: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** The certificate the node presented. */
    public java.security.cert.X509Certificate peerCertificate() {
        return peerCertificate;
    }

    /** The node the handshake proved is at the other end. */
    public NodeId peer() {
        return peer;
    }

    public void send(Envelope envelope) throws IOException {
        sendRaw(FrameCodec.encode(envelope));
    }

    /** Writes bytes as they are, inside TLS (for sending what no honest node sends). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one frame's envelope bytes (without the length prefix); at most the frame limit. */
    public byte[] readFrame() throws IOException {
        int length = in.readInt();
        if (length < 0 || length > WireLimits.FRAME_BYTES_MAX) {
            throw new IOException("a frame of " + Integer.toUnsignedString(length) + " bytes");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    public void setSoTimeout(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
