package io.dicemesh.simulator.live;

import io.dicemesh.crypto.Identity;
import io.dicemesh.node.net.MeshSocket;
import io.dicemesh.protocol.Envelope;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/** A hand-made mesh peer on a blocking TLS socket, for sending a node what no honest node sends. */
final class RawMeshClient implements AutoCloseable {
    private final MeshSocket socket;
    private final Identity identity = Identity.generate(new SecureRandom());

    /** Connects and completes the TLS handshake, so what is sent next is judged as a message of a known peer. */
    RawMeshClient(int port) throws IOException {
        socket = MeshSocket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), identity, 10_000);
    }

    void send(Envelope envelope) throws IOException {
        socket.send(envelope);
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.sendRaw(bytes);
    }

    Identity identity() {
        return identity;
    }

    /** True once the node has closed the connection (reads end), within the socket timeout. */
    boolean disconnected() {
        try {
            while (true) {
                socket.readFrame();
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
