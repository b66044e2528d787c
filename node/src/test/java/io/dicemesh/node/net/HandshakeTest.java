package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Hello;
import io.dicemesh.protocol.Ping;
import io.dicemesh.protocol.WireLimits;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node certificate and what a completed handshake may bind, without sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandshakeTest {
    private final EnvelopeVerifier verifier = new EnvelopeVerifier();
    private final Identity alice = Nets.identity();
    private final Identity lena = Nets.identity();
    private final Identity mallory = Nets.identity();

    private static Envelope hello(Identity signer, ByteString nodeId, KeyPair tlsKey, int version, String addr) {
        return Signatures.seal(signer, Body.newBuilder().setHello(Hello.newBuilder().setNodeId(nodeId)
                .setListenAddr(addr).setTlsKeySha256(ByteString.copyFrom(Sha256.hash(tlsKey.getPublic()
                        .getEncoded()))).setVersion(version)).build());
    }

    private NodeCertificate.PeerHello check(NodeCertificate c) throws CertificateException {
        return NodeCertificate.check(new X509Certificate[] {c.certificate()}, verifier);
    }

    private void assertRefused(NodeCertificate c, String why) {
        CertificateException e = assertThrows(CertificateException.class, () -> check(c));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void aNodesOwnCertificateProvesItsIdAndListenAddress() throws Exception {
        NodeCertificate c = NodeCertificate.create(alice, "127.0.0.1:7001", Nets.RANDOM);
        NodeCertificate.PeerHello proven = check(c);
        assertEquals(alice.nodeId(), proven.peer());
        assertEquals("127.0.0.1:7001", proven.listenAddr());
        assertEquals(proven.listenAddr(), check(NodeCertificate.create(alice, "127.0.0.1:7001", Nets.RANDOM))
                .listenAddr());
    }

    @Test
    void eachCertificateHasItsOwnFreshKey() {
        NodeCertificate a = NodeCertificate.create(alice, "", Nets.RANDOM);
        NodeCertificate b = NodeCertificate.create(alice, "", Nets.RANDOM);
        assertTrue(!a.certificate().getPublicKey().equals(b.certificate().getPublicKey()));
    }

    /** Finding 1 in certificate form: a relay copies another node's signed Hello into a certificate of its key. */
    @Test
    void anotherNodesHelloInACertificateOfAnotherKeyIsRefused() {
        NodeCertificate lenas = NodeCertificate.create(lena, "127.0.0.1:7002", Nets.RANDOM);
        Envelope lenasHello = helloOf(lenas);
        NodeCertificate relayed = NodeCertificate.withHello(NodeCertificate.newKeyPair(Nets.RANDOM), lenasHello,
                Nets.RANDOM);
        assertRefused(relayed, "signed for another TLS key");
    }

    @Test
    void aHelloNamingAnotherNodeThanItsSignerIsRefused() {
        KeyPair key = NodeCertificate.newKeyPair(Nets.RANDOM);
        Envelope lie = hello(mallory, lena.nodeId().byteString(), key, WireLimits.PROTOCOL_VERSION, "");
        assertRefused(NodeCertificate.withHello(key, lie, Nets.RANDOM), "names a node other than its signer");
    }

    @Test
    void anotherVersionAHostNameOrAnotherKindIsRefused() {
        KeyPair key = NodeCertificate.newKeyPair(Nets.RANDOM);
        ByteString id = mallory.nodeId().byteString();
        assertRefused(NodeCertificate.withHello(key, hello(mallory, id, key, WireLimits.PROTOCOL_VERSION + 1, ""),
                Nets.RANDOM), "protocol version");
        assertRefused(NodeCertificate.withHello(key, hello(mallory, id, key, WireLimits.PROTOCOL_VERSION,
                "example.com:7000"), Nets.RANDOM), "listen address");
        Envelope ping = Signatures.seal(mallory, Body.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build());
        assertRefused(NodeCertificate.withHello(key, ping, Nets.RANDOM), "unexpected-kind");
    }

    @Test
    void aForgedSignatureOrUnparseableHelloIsRefused() {
        KeyPair key = NodeCertificate.newKeyPair(Nets.RANDOM);
        Envelope good = hello(mallory, mallory.nodeId().byteString(), key, WireLimits.PROTOCOL_VERSION, "");
        byte[] sig = good.getSignature().toByteArray();
        sig[0] ^= 1;
        assertRefused(NodeCertificate.withHello(key, good.toBuilder().setSignature(ByteString.copyFrom(sig)).build(),
                Nets.RANDOM), "bad-signature");
        Envelope junk = Envelope.newBuilder().setBody(ByteString.copyFromUtf8("not a body")).build();
        assertRefused(NodeCertificate.withHello(key, junk, Nets.RANDOM), "Hello");
    }

    @Test
    void aChainOfTwoOrNoneIsRefused() {
        NodeCertificate c = NodeCertificate.create(alice, "", Nets.RANDOM);
        assertThrows(CertificateException.class, () -> NodeCertificate.check(
                new X509Certificate[] {c.certificate(), c.certificate()}, verifier));
        assertThrows(CertificateException.class, () -> NodeCertificate.check(new X509Certificate[0], verifier));
        assertThrows(CertificateException.class, () -> NodeCertificate.check(null, verifier));
    }

    @Test
    void aConnectionToItselfOrToAnotherNodeThanDialedIsNotBound() throws Exception {
        NodeCertificate.PeerHello lenaProven = check(NodeCertificate.create(lena, "", Nets.RANDOM));
        assertEquals(Handshake.Failure.SELF_CONNECTION, assertInstanceOf(Handshake.Failed.class,
                Handshake.decide(lena.nodeId(), null, lenaProven)).failure());
        assertEquals(Handshake.Failure.WRONG_PEER, assertInstanceOf(Handshake.Failed.class,
                Handshake.decide(alice.nodeId(), mallory.nodeId(), lenaProven)).failure());
        Handshake.Done done = assertInstanceOf(Handshake.Done.class, Handshake.decide(alice.nodeId(), lena.nodeId(),
                lenaProven));
        assertEquals(lena.nodeId(), done.peer());
        assertEquals(lena.nodeId(), assertInstanceOf(Handshake.Done.class,
                Handshake.decide(alice.nodeId(), null, lenaProven)).peer());
    }

    /** The signed Hello inside a certificate, read back the way {@link NodeCertificate#check} reads it. */
    static Envelope helloOf(NodeCertificate c) {
        try {
            return NodeCertificate.helloEnvelope(c.certificate());
        } catch (CertificateException e) {
            throw new AssertionError(e);
        }
    }
}
