package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;

/**
 * What the transport hands up: only envelopes whose signature and sender were verified, of non-mesh kinds (the
 * transport itself consumes Hello, HelloAck, Ping, Pong, PeerList and PeerRecord). Called on Netty threads;
 * implementations must be thread-safe and must not block. Up and down events of one peer arrive in order, and a
 * peer's messages arrive between its up and its down.
 */
public interface InboundHandler {
    /**
     * A verified message. {@code from} is the peer id bound to the channel by the handshake; the envelope's own
     * sender may differ when the peer forwards an envelope someone else signed.
     */
    void onMessage(NodeId from, Verified message);

    default void onPeerUp(NodeId peer) {
    }

    default void onPeerDown(NodeId peer) {
    }
}
