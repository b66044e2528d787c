package io.dicemesh.simulator.attack;

import io.dicemesh.node.net.MeshSocket;
import java.io.IOException;

/**
 * An attacker's connection to a node, with a thread that reads it until it ends. What the node sends is read whole
 * and dropped, so its replies never back up, and a close is seen as one. (Polling with a short read timeout instead
 * lost the bytes of a frame cut by the timeout: the next read then failed, and the attack took that for the node
 * closing the link.)
 */
final class NodeLink implements AutoCloseable {
    private final MeshSocket socket;
    private volatile String ended;
    /** Whether its end was counted (a link stays ended while its node is down). */
    boolean counted;

    private NodeLink(MeshSocket socket) {
        this.socket = socket;
    }

    /** Starts reading {@code socket}; from here on only the link's reader reads it. */
    static NodeLink of(MeshSocket socket) throws IOException {
        NodeLink link = new NodeLink(socket);
        socket.setSoTimeout(0); // the reader blocks until a frame or the end; closing the socket ends it
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    socket.readFrame();
                }
            } catch (IOException e) {
                link.ended(e);
            }
        }, "attack-link-reader");
        reader.setDaemon(true);
        reader.start();
        return link;
    }

    MeshSocket socket() {
        return socket;
    }

    /** Why the link ended (the node closed it, or a write or read failed), or null while it is up. */
    String ended() {
        return ended;
    }

    /** Records a failed write as the link's end (the first reason is kept). */
    void ended(IOException e) {
        if (ended == null) {
            ended = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** Waits up to {@code ms} for the node to end the link; true if it did. */
    boolean awaitEnd(long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (ended == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ended != null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
