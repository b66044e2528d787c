package io.dicemesh.simulator.live;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Hello;
import io.dicemesh.protocol.HelloAck;
import io.dicemesh.protocol.WireLimits;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/** A hand-made mesh peer on a plain socket, for sending a node what no honest node sends. */
final class RawMeshClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Identity identity = Identity.generate(new SecureRandom());

    RawMeshClient(int port) throws IOException {
        socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Completes the signed handshake, so what is sent next is judged as a message of a known peer. */
    void handshake() throws IOException {
        byte[] nonce = new byte[WireLimits.NONCE_BYTES];
        new SecureRandom().nextBytes(nonce);
        send(Signatures.seal(identity, Body.newBuilder().setHello(Hello.newBuilder()
                .setNodeId(identity.nodeId().byteString()).setNonce(ByteString.copyFrom(nonce))
                .setVersion(WireLimits.PROTOCOL_VERSION)).build()));
        boolean acked = false;
        boolean answered = false;
        while (!acked || !answered) {
            Body body = Body.parseFrom(Envelope.parseFrom(readFrame()).getBody());
            if (body.hasHello()) {
                send(Signatures.seal(identity, Body.newBuilder().setHelloAck(HelloAck.newBuilder()
                        .setPeerId(body.getHello().getNodeId()).setPeerNonce(body.getHello().getNonce())).build()));
                answered = true;
            } else if (body.hasHelloAck()) {
                acked = true;
            }
        }
    }

    void send(Envelope envelope) throws IOException {
        byte[] bytes = envelope.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Identity identity() {
        return identity;
    }

    private byte[] readFrame() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    /** True once the node has closed the connection (reads end), within the socket timeout. */
    boolean disconnected() {
        try {
            while (true) {
                readFrame();
            }
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
