package io.dicemesh.node.net;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Rejection;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Hello;
import io.dicemesh.protocol.WireLimits;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed certificate a node presents in TLS 1.3, and the check of a peer's (DESIGN section 4; the way
 * libp2p's TLS handshake binds its host key). The certificate's key is a fresh P-256 key made when the transport
 * starts and never stored; an extension carries a {@link Hello} signed by the node's Ed25519 key that names the
 * SHA-256 of that certificate key. TLS 1.3 then proves the other side holds the certificate key by signing the
 * handshake transcript (both sides' fresh randomness and key shares) with it, so a channel whose handshake
 * completes is with the holder of the node key in the Hello: a relay can forward a certificate but not sign a
 * transcript for it.
 *
 * <p>Nothing else of the certificate matters: it is not chained to any authority, its name and dates are not
 * checked (the binding is the signed Hello plus the transcript signature), and its self-signature is not needed
 * because TLS proves possession of the key directly.
 */
final class NodeCertificate {
    /**
     * The extension holding the signed Hello: an OID under the UUID arc 2.25 (ITU-T X.667), which needs no
     * registration; the UUID is dicemesh's own.
     */
    static final ASN1ObjectIdentifier HELLO_EXTENSION =
            new ASN1ObjectIdentifier("2.25.206725290870944008468383020023984222127");

    /** Largest Hello envelope accepted inside a certificate. */
    static final int HELLO_BYTES_MAX = WireLimits.SMALL_MESSAGE_BYTES_MAX;

    private static final long VALIDITY_MS = 10L * 365 * 24 * 3_600_000L;

    /** What a valid certificate says: who the peer is and where it listens (empty if it accepts nothing). */
    record PeerHello(NodeId peer, String listenAddr) {
    }

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private NodeCertificate(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** A fresh certificate key and a certificate for it, carrying a Hello signed by {@code identity}. */
    static NodeCertificate create(Identity identity, String listenAddr, SecureRandom random) {
        KeyPair keyPair = newKeyPair(random);
        Envelope hello = Signatures.seal(identity, Body.newBuilder().setHello(Hello.newBuilder()
                .setNodeId(identity.nodeId().byteString())
                .setListenAddr(listenAddr)
                .setTlsKeySha256(ByteString.copyFrom(Sha256.hash(keyPair.getPublic().getEncoded())))
                .setVersion(WireLimits.PROTOCOL_VERSION)).build());
        return withHello(keyPair, hello, random);
    }

    /** A fresh P-256 key pair for a certificate. */
    static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a P-256 key: " + e.getMessage(), e);
        }
    }

    /** A certificate for {@code keyPair} carrying {@code hello} as given (tests use it to build forgeries). */
    static NodeCertificate withHello(KeyPair keyPair, Envelope hello, SecureRandom random) {
        try {
            X500Name name = new X500Name("CN=dicemesh node");
            long nowMs = System.currentTimeMillis();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, random).add(BigInteger.ONE), new Date(nowMs - 3_600_000L),
                    new Date(nowMs + VALIDITY_MS), name, keyPair.getPublic());
            builder.addExtension(HELLO_EXTENSION, false, new DEROctetString(hello.toByteArray()));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(keyPair.getPrivate()));
            return new NodeCertificate(keyPair, new JcaX509CertificateConverter().getCertificate(holder));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a TLS certificate: " + e.getMessage(), e);
        }
    }

    KeyPair keyPair() {
        return keyPair;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /**
     * Checks a peer's certificate chain and reads its Hello: exactly one certificate with a P-256 key, carrying a
     * validly signed Hello of this protocol version that names that key, from the node it claims to be, with an
     * IP-literal listen address (or none). Never trusts anything else in the certificate.
     *
     * @throws CertificateException saying what is wrong; the text may quote nothing the peer chose
     */
    static PeerHello check(X509Certificate[] chain, EnvelopeVerifier verifier) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("expected one self-signed certificate, got "
                    + (chain == null ? 0 : chain.length));
        }
        X509Certificate cert = chain[0];
        if (!(cert.getPublicKey() instanceof ECPublicKey key)
                || key.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new CertificateException("the certificate key is not a P-256 key");
        }
        Envelope envelope = helloEnvelope(cert);
        VerifyResult result = verifier.verify(envelope, Body.KindCase.HELLO);
        if (result instanceof Rejection rejection) {
            throw new CertificateException("the certificate's Hello: " + rejection.reason().label());
        }
        Verified verified = (Verified) result;
        Hello hello = verified.body().getHello();
        if (!verified.sender().matches(hello.getNodeId())) {
            throw new CertificateException("the certificate's Hello names a node other than its signer");
        }
        if (hello.getVersion() != WireLimits.PROTOCOL_VERSION) {
            throw new CertificateException("the peer speaks protocol version " + hello.getVersion() + ", this node "
                    + WireLimits.PROTOCOL_VERSION);
        }
        if (!ByteString.copyFrom(Sha256.hash(cert.getPublicKey().getEncoded())).equals(hello.getTlsKeySha256())) {
            throw new CertificateException("the certificate's Hello was signed for another TLS key");
        }
        if (!hello.getListenAddr().isEmpty()) {
            try {
                HostPort.parseLiteral(hello.getListenAddr());
            } catch (IllegalArgumentException e) {
                throw new CertificateException("the certificate's Hello has an unusable listen address");
            }
        }
        return new PeerHello(verified.sender(), hello.getListenAddr());
    }

    /** The signed Hello a node certificate carries, unverified. */
    static Envelope helloEnvelope(X509Certificate cert) throws CertificateException {
        byte[] extension = cert.getExtensionValue(HELLO_EXTENSION.getId());
        if (extension == null) {
            throw new CertificateException("the certificate carries no dicemesh Hello");
        }
        if (extension.length > HELLO_BYTES_MAX + 16) {
            throw new CertificateException("the certificate's Hello is over " + HELLO_BYTES_MAX + " bytes");
        }
        try {
            // getExtensionValue gives the DER OCTET STRING of extnValue, whose content is our own OCTET STRING.
            byte[] inner = ASN1OctetString.getInstance(extension).getOctets();
            byte[] helloBytes = ASN1OctetString.getInstance(inner).getOctets();
            return Envelope.parseFrom(helloBytes);
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            throw new CertificateException("the certificate's Hello does not parse");
        }
    }
}
