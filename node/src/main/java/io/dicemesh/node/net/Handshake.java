package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import java.util.Objects;

/**
 * What a connection's completed TLS handshake means, without sockets (DESIGN section 4). TLS has proven the other
 * side holds the key of the certificate it presented, and {@link NodeCertificate#check} that the certificate's
 * Hello binds that key to a node id; this decides whether the channel may be bound to that id here: not this node
 * itself, and the node this side dialed when it dialed a known peer.
 */
final class Handshake {

    /** How a handshake failed. */
    enum Failure {
        /** TLS failed, or the peer's certificate broke a rule (no Hello, a bad signature, another key). */
        INVALID,
        /** The peer's id is not the one this side dialed. */
        WRONG_PEER,
        /** The peer is this node. */
        SELF_CONNECTION
    }

    /** What the caller does next. */
    sealed interface Step {
    }

    /** The connection is proven to be with {@code peer}; {@code listenAddr} is what its certificate's Hello says. */
    record Done(NodeId peer, String listenAddr) implements Step {
    }

    record Failed(Failure failure, String detail) implements Step {
    }

    private Handshake() {
    }

    /**
     * @param self         this node
     * @param expectedPeer the id this side dialed, or null when it is not known (inbound, or a join address)
     * @param proven       who the peer's checked certificate says it is
     */
    static Step decide(NodeId self, NodeId expectedPeer, NodeCertificate.PeerHello proven) {
        Objects.requireNonNull(proven, "proven");
        NodeId peer = proven.peer();
        if (peer.equals(self)) {
            return new Failed(Failure.SELF_CONNECTION, "connected to itself");
        }
        if (expectedPeer != null && !expectedPeer.equals(peer)) {
            return new Failed(Failure.WRONG_PEER, "dialed " + expectedPeer.shortHex() + " but " + peer.shortHex()
                    + " answered");
        }
        return new Done(peer, proven.listenAddr());
    }
}
