package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Hello;
import io.dicemesh.protocol.HelloAck;
import io.dicemesh.protocol.Ping;
import io.dicemesh.protocol.WireLimits;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The handshake state machine, fed messages directly: no sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandshakeTest {
    private final EnvelopeVerifier verifier = new EnvelopeVerifier();
    private final Identity alice = Nets.identity();
    private final Identity bob = Nets.identity();
    private final Identity mallory = Nets.identity();

    private static byte[] nonce() {
        byte[] n = new byte[WireLimits.NONCE_BYTES];
        Nets.RANDOM.nextBytes(n);
        return n;
    }

    private Verified verified(Envelope e) {
        return assertInstanceOf(Verified.class, verifier.verify(e));
    }

    private static Envelope hello(Identity signer, ByteString nodeId, byte[] nonce, int version, String addr) {
        return Signatures.seal(signer, Body.newBuilder().setHello(Hello.newBuilder().setNodeId(nodeId)
                .setListenAddr(addr).setNonce(ByteString.copyFrom(nonce)).setVersion(version)).build());
    }

    private static Envelope ack(Identity signer, Identity answered, byte[] nonce) {
        return Signatures.seal(signer, Body.newBuilder().setHelloAck(HelloAck.newBuilder()
                .setPeerId(answered.nodeId().byteString()).setPeerNonce(ByteString.copyFrom(nonce))).build());
    }

    private Handshake.Failed failed(Handshake.Step step, Handshake.Failure failure) {
        Handshake.Failed f = assertInstanceOf(Handshake.Failed.class, step);
        assertEquals(failure, f.failure(), f.detail());
        return f;
    }

    @Test
    void bothSidesBindToEachOtherAfterHelloAndAck() {
        Handshake a = new Handshake(alice, "127.0.0.1:7001", nonce(), null);
        Handshake b = new Handshake(bob, "127.0.0.1:7002", nonce(), alice.nodeId());
        Envelope ackFromB = assertInstanceOf(Handshake.Reply.class, b.onMessage(verified(a.hello()))).envelope();
        Envelope ackFromA = assertInstanceOf(Handshake.Reply.class, a.onMessage(verified(b.hello()))).envelope();
        assertEquals(Handshake.State.AWAITING_ACK, a.state());
        assertEquals(bob.nodeId(), a.claimedPeer());
        Handshake.Done doneA = assertInstanceOf(Handshake.Done.class, a.onMessage(verified(ackFromB)));
        Handshake.Done doneB = assertInstanceOf(Handshake.Done.class, b.onMessage(verified(ackFromA)));
        assertEquals(bob.nodeId(), doneA.peer());
        assertEquals("127.0.0.1:7002", doneA.listenAddr());
        assertEquals(alice.nodeId(), doneB.peer());
        assertEquals(Handshake.State.BOUND, a.state());
        assertEquals(Handshake.State.BOUND, b.state());
    }

    @Test
    void theHelloCarriesTheSendersIdFreshNonceAndVersion() {
        byte[] n = nonce();
        Hello h = verified(new Handshake(alice, "", n, null).hello()).body().getHello();
        assertEquals(alice.nodeId().byteString(), h.getNodeId());
        assertEquals(ByteString.copyFrom(n), h.getNonce());
        assertEquals(WireLimits.PROTOCOL_VERSION, h.getVersion());
        assertEquals("", h.getListenAddr());
    }

    @Test
    void aHelloAckSigningTheWrongNonceFails() {
        Handshake a = new Handshake(alice, "", nonce(), null);
        a.onMessage(verified(new Handshake(bob, "", nonce(), null).hello()));
        Handshake.Failed f = failed(a.onMessage(verified(ack(bob, alice, nonce()))), Handshake.Failure.INVALID);
        assertTrue(f.detail().contains("nonce"), f.detail());
        assertEquals(Handshake.State.FAILED, a.state());
    }

    /** A listen address that names a host would be looked up when dialed, on an event loop: refused. */
    @Test
    void aHelloAdvertisingAHostNameFails() {
        Handshake a = new Handshake(alice, "", nonce(), null);
        Envelope named = hello(mallory, mallory.nodeId().byteString(), nonce(), WireLimits.PROTOCOL_VERSION,
                "slow-dns.example:7000");
        Handshake.Failed f = failed(a.onMessage(verified(named)), Handshake.Failure.INVALID);
        assertTrue(f.detail().contains("not an IP address"), f.detail());
    }

    @Test
    void aHelloWhoseNodeIdIsNotItsSenderFails() {
        Handshake a = new Handshake(alice, "", nonce(), null);
        Envelope forged = hello(mallory, bob.nodeId().byteString(), nonce(), WireLimits.PROTOCOL_VERSION, "");
        Handshake.Failed f = failed(a.onMessage(verified(forged)), Handshake.Failure.INVALID);
        assertTrue(f.detail().contains("node_id"), f.detail());
    }

    @Test
    void aHelloAckFromAnotherSignerThanTheHelloFails() {
        byte[] n = nonce();
        Handshake a = new Handshake(alice, "", n, null);
        a.onMessage(verified(new Handshake(bob, "", nonce(), null).hello()));
        failed(a.onMessage(verified(ack(mallory, alice, n))), Handshake.Failure.INVALID);
    }

    @Test
    void aHelloAckAnsweringAnotherNodesHelloFails() {
        byte[] n = nonce();
        Handshake a = new Handshake(alice, "", n, null);
        a.onMessage(verified(new Handshake(bob, "", nonce(), null).hello()));
        failed(a.onMessage(verified(ack(bob, mallory, n))), Handshake.Failure.INVALID);
    }

    @Test
    void aMessageBeforeTheHandshakeIsAnUnexpectedKind() {
        Handshake a = new Handshake(alice, "", nonce(), null);
        Envelope ping = Signatures.seal(bob, Body.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build());
        failed(a.onMessage(verified(ping)), Handshake.Failure.UNEXPECTED_KIND);

        Handshake b = new Handshake(alice, "", nonce(), null);
        b.onMessage(verified(new Handshake(bob, "", nonce(), null).hello()));
        failed(b.onMessage(verified(Nets.app(bob, "too early"))), Handshake.Failure.UNEXPECTED_KIND);
    }

    @Test
    void anAckBeforeTheHelloOrASecondHelloFails() {
        byte[] n = nonce();
        Handshake a = new Handshake(alice, "", n, null);
        failed(a.onMessage(verified(ack(bob, alice, n))), Handshake.Failure.INVALID);

        Handshake b = new Handshake(alice, "", nonce(), null);
        Envelope bobHello = new Handshake(bob, "", nonce(), null).hello();
        b.onMessage(verified(bobHello));
        failed(b.onMessage(verified(bobHello)), Handshake.Failure.INVALID);
    }

    @Test
    void aHelloFromItselfIsASelfConnection() {
        Handshake a = new Handshake(alice, "", nonce(), null);
        failed(a.onMessage(verified(new Handshake(alice, "", nonce(), null).hello())),
                Handshake.Failure.SELF_CONNECTION);
    }

    @Test
    void aDialedIdAnsweredByAnotherNodeIsTheWrongPeer() {
        Handshake a = new Handshake(alice, "", nonce(), bob.nodeId());
        failed(a.onMessage(verified(new Handshake(mallory, "", nonce(), null).hello())),
                Handshake.Failure.WRONG_PEER);
    }

    @Test
    void aHelloWithAnotherVersionABadNonceOrABadAddressFails() {
        ByteString bobId = bob.nodeId().byteString();
        Envelope v2 = hello(bob, bobId, nonce(), WireLimits.PROTOCOL_VERSION + 1, "");
        failed(new Handshake(alice, "", nonce(), null).onMessage(verified(v2)), Handshake.Failure.INVALID);
        Envelope shortNonce = hello(bob, bobId, new byte[8], WireLimits.PROTOCOL_VERSION, "");
        failed(new Handshake(alice, "", nonce(), null).onMessage(verified(shortNonce)), Handshake.Failure.INVALID);
        Envelope badAddr = hello(bob, bobId, nonce(), WireLimits.PROTOCOL_VERSION, "no port here");
        failed(new Handshake(alice, "", nonce(), null).onMessage(verified(badAddr)), Handshake.Failure.INVALID);
    }

    @Test
    void aFinishedHandshakeTakesNoMoreMessages() {
        Handshake a = new Handshake(alice, "", nonce(), null);
        a.onMessage(verified(new Handshake(alice, "", nonce(), null).hello()));
        assertThrows(IllegalStateException.class, () -> a.onMessage(verified(Nets.app(bob, "x"))));
    }

    @Test
    void theTransitionTableAllowsOnlyForwardMoves() {
        for (Handshake.State from : Handshake.State.values()) {
            assertFalse(from.canMoveTo(Handshake.State.AWAITING_HELLO), from + " -> AWAITING_HELLO");
        }
        assertTrue(Handshake.State.AWAITING_HELLO.canMoveTo(Handshake.State.AWAITING_ACK));
        assertFalse(Handshake.State.AWAITING_HELLO.canMoveTo(Handshake.State.BOUND));
        assertTrue(Handshake.State.AWAITING_ACK.canMoveTo(Handshake.State.BOUND));
        assertFalse(Handshake.State.BOUND.canMoveTo(Handshake.State.FAILED));
        assertFalse(Handshake.State.FAILED.canMoveTo(Handshake.State.BOUND));
    }

    @Test
    void aNonceMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new Handshake(alice, "", new byte[16], null));
    }
}
