package io.dicemesh.node.net;

import io.dicemesh.crypto.EnvelopeVerifier;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS 1.3 for the mesh, through the JDK's provider: every connection is mutually authenticated with the two nodes'
 * {@link NodeCertificate}s, and nothing older than TLS 1.3 is spoken. The trust manager accepts exactly the
 * certificates {@link NodeCertificate#check} accepts, so a handshake with anything else fails before it completes;
 * which node a completed channel is with is read back from the session ({@link #peerOf}).
 */
public final class MeshTls {
    static final String PROTOCOL = "TLSv1.3";
    private static final char[] NO_PASSWORD = new char[0];

    static {
        applyJdkLimits();
    }

    /**
     * Holds the JDK's TLS to what a node needs: a handshake message of at most 8 KiB (the JDK allows 32 KiB; a
     * node's certificate is under 1 KiB, so a stranger may make this node hold no more before it is proven) and a
     * certificate chain of one. The JDK reads these once, when its TLS classes first load, and only if the operator
     * set nothing: the launcher calls this first thing, and so does this class's loading, for embedders.
     */
    public static void applyJdkLimits() {
        if (System.getProperty("jdk.tls.maxHandshakeMessageSize") == null) {
            System.setProperty("jdk.tls.maxHandshakeMessageSize", "8192");
        }
        if (System.getProperty("jdk.tls.maxCertificateChainLength") == null) {
            System.setProperty("jdk.tls.maxCertificateChainLength", "1");
        }
    }

    private final NodeCertificate certificate;
    private final EnvelopeVerifier verifier;
    private final SSLContext context;

    MeshTls(NodeCertificate certificate, EnvelopeVerifier verifier, SecureRandom random) {
        this.certificate = certificate;
        this.verifier = verifier;
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", certificate.keyPair().getPrivate(), NO_PASSWORD,
                    new Certificate[] {certificate.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);
            context = SSLContext.getInstance(PROTOCOL);
            context.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new NodeTrust()}, random);
            // Every handshake is a full one: a resumed session would skip the certificate check of this connection.
            context.getClientSessionContext().setSessionCacheSize(1);
            context.getClientSessionContext().setSessionTimeout(1);
            context.getServerSessionContext().setSessionCacheSize(1);
            context.getServerSessionContext().setSessionTimeout(1);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    NodeCertificate certificate() {
        return certificate;
    }

    /** A new engine for one connection: the dialing side is the TLS client; both sides must present certificates. */
    SSLEngine newEngine(boolean client) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(client);
        engine.setSSLParameters(parameters(engine.getSSLParameters()));
        return engine;
    }

    /** TLS 1.3 only, certificates required of both sides, no host-name check (a node is named by its key). */
    static SSLParameters parameters(SSLParameters defaults) {
        defaults.setProtocols(new String[] {PROTOCOL});
        defaults.setNeedClientAuth(true);
        defaults.setEndpointIdentificationAlgorithm(null);
        return defaults;
    }

    /** The JDK's context, for a blocking test client that speaks to the mesh. */
    SSLContext context() {
        return context;
    }

    /**
     * Who a completed handshake is with, checked again from the session's peer certificate (so a resumed or
     * otherwise unchecked session can never bind a channel).
     */
    NodeCertificate.PeerHello peerOf(SSLSession session) throws CertificateException {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new CertificateException("the peer presented no certificate");
        }
        X509Certificate[] x509 = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            if (!(chain[i] instanceof X509Certificate c)) {
                throw new CertificateException("the peer's certificate is not X.509");
            }
            x509[i] = c;
        }
        return NodeCertificate.check(x509, verifier);
    }

    /** Trusts a certificate exactly when {@link NodeCertificate#check} does, on either side. */
    private final class NodeTrust extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain) throws CertificateException {
            NodeCertificate.check(chain, verifier);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
