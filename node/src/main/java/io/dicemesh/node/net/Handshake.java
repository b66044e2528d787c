package io.dicemesh.node.net;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Hello;
import io.dicemesh.protocol.HelloAck;
import io.dicemesh.protocol.WireLimits;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;

/**
 * The handshake of one connection, without sockets (DESIGN section 4). Both sides send a Hello with a fresh nonce;
 * each answers the other's Hello with a HelloAck signing that nonce. The connection is bound to the peer's id only
 * once a valid HelloAck for this side's own nonce arrives from the id that sent the Hello. On one TCP connection the
 * peer's Hello always precedes its HelloAck (it sends the Hello when the connection opens, the HelloAck only after
 * reading ours), so anything else is a failure.
 *
 * <p>Not thread-safe: a connection's handshake runs on that connection's event loop.
 */
final class Handshake {

    /** Where the handshake stands; {@link #canMoveTo} is the table of legal moves. */
    enum State {
        AWAITING_HELLO, AWAITING_ACK, BOUND, FAILED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case AWAITING_HELLO -> next == AWAITING_ACK || next == FAILED;
                case AWAITING_ACK -> next == BOUND || next == FAILED;
                case BOUND, FAILED -> false;
            };
        }
    }

    /** How a handshake failed. */
    enum Failure {
        /** A non-handshake message arrived before the handshake completed (counted as unexpected-kind). */
        UNEXPECTED_KIND,
        /** The Hello or HelloAck broke a rule: wrong nonce, id not matching the sender, bad version or address. */
        INVALID,
        /** The peer's id is not the one this side dialed. */
        WRONG_PEER,
        /** The peer is this node. */
        SELF_CONNECTION
    }

    /** What the caller does next. */
    sealed interface Step {
    }

    /** Send this HelloAck; the handshake continues. */
    record Reply(Envelope envelope) implements Step {
    }

    /** The connection is now proven to be with {@code peer}; {@code listenAddr} is what it says in its Hello. */
    record Done(NodeId peer, String listenAddr) implements Step {
    }

    record Failed(Failure failure, String detail) implements Step {
    }

    private final Identity self;
    private final byte[] nonce;
    private final NodeId expectedPeer;
    private final Envelope hello;
    private State state = State.AWAITING_HELLO;
    private NodeId peer;
    private String peerListenAddr;

    /**
     * @param listenAddr   this node's advertised {@code host:port}, or empty when it accepts no connections
     * @param nonce        32 fresh random bytes
     * @param expectedPeer the id this side dialed, or null when it is not known (inbound, or a join address)
     */
    Handshake(Identity self, String listenAddr, byte[] nonce, NodeId expectedPeer) {
        this.self = Objects.requireNonNull(self);
        if (nonce.length != WireLimits.NONCE_BYTES) {
            throw new IllegalArgumentException("a handshake nonce is " + WireLimits.NONCE_BYTES + " bytes");
        }
        this.nonce = nonce.clone();
        this.expectedPeer = expectedPeer;
        this.hello = Signatures.seal(self, Body.newBuilder().setHello(Hello.newBuilder()
                .setNodeId(self.nodeId().byteString())
                .setListenAddr(listenAddr)
                .setNonce(ByteString.copyFrom(nonce))
                .setVersion(WireLimits.PROTOCOL_VERSION)).build());
    }

    /** This side's Hello, to send as soon as the connection opens. */
    Envelope hello() {
        return hello;
    }

    State state() {
        return state;
    }

    /** The peer's id once its Hello was accepted (before it is proven), else null. */
    NodeId claimedPeer() {
        return peer;
    }

    /** Handles one verified message received before the handshake completed. */
    Step onMessage(Verified message) {
        if (state == State.BOUND || state == State.FAILED) {
            throw new IllegalStateException("handshake already " + state + "; the caller must not feed it more");
        }
        Body body = message.body();
        if (state == State.AWAITING_HELLO && body.hasHello()) {
            return onHello(message.sender(), body.getHello());
        }
        if (state == State.AWAITING_ACK && body.hasHelloAck()) {
            return onAck(message.sender(), body.getHelloAck());
        }
        if (body.hasHello() || body.hasHelloAck()) {
            return fail(Failure.INVALID, body.getKindCase() + " while " + state.name().toLowerCase(Locale.ROOT));
        }
        return fail(Failure.UNEXPECTED_KIND, body.getKindCase() + " before the handshake completed");
    }

    private Step onHello(NodeId sender, Hello h) {
        if (!sender.matches(h.getNodeId())) {
            return fail(Failure.INVALID, "Hello node_id does not match its envelope sender " + sender.shortHex());
        }
        if (h.getVersion() != WireLimits.PROTOCOL_VERSION) {
            return fail(Failure.INVALID, "Hello speaks version " + h.getVersion() + ", this node "
                    + WireLimits.PROTOCOL_VERSION);
        }
        if (h.getNonce().size() != WireLimits.NONCE_BYTES) {
            return fail(Failure.INVALID, "Hello nonce is " + h.getNonce().size() + " bytes");
        }
        if (!h.getListenAddr().isEmpty()) {
            try {
                HostPort.parseLiteral(h.getListenAddr());
            } catch (IllegalArgumentException e) {
                return fail(Failure.INVALID, "Hello listen_addr: " + e.getMessage());
            }
        }
        if (sender.equals(self.nodeId())) {
            return fail(Failure.SELF_CONNECTION, "connected to itself");
        }
        if (expectedPeer != null && !expectedPeer.equals(sender)) {
            return fail(Failure.WRONG_PEER, "dialed " + expectedPeer.shortHex() + " but " + sender.shortHex()
                    + " answered");
        }
        peer = sender;
        peerListenAddr = h.getListenAddr();
        move(State.AWAITING_ACK);
        Envelope ack = Signatures.seal(self, Body.newBuilder().setHelloAck(HelloAck.newBuilder()
                .setPeerId(h.getNodeId())
                .setPeerNonce(h.getNonce())).build());
        return new Reply(ack);
    }

    private Step onAck(NodeId sender, HelloAck ack) {
        if (!sender.equals(peer)) {
            return fail(Failure.INVALID, "HelloAck signed by " + sender.shortHex() + ", Hello came from "
                    + peer.shortHex());
        }
        if (!self.nodeId().matches(ack.getPeerId())) {
            return fail(Failure.INVALID, "HelloAck answers a Hello of another node");
        }
        if (!MessageDigest.isEqual(nonce, ack.getPeerNonce().toByteArray())) {
            return fail(Failure.INVALID, "HelloAck signs the wrong nonce");
        }
        move(State.BOUND);
        return new Done(peer, peerListenAddr);
    }

    private Failed fail(Failure failure, String detail) {
        move(State.FAILED);
        return new Failed(failure, detail);
    }

    private void move(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("handshake cannot move from " + state + " to " + next);
        }
        state = next;
    }
}
