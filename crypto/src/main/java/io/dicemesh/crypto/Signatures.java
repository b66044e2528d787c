package io.dicemesh.crypto;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import java.nio.charset.StandardCharsets;

/**
 * Domain-separated signing (DESIGN section 3): every signature is Ed25519 over {@code "dicemesh/v1/" || body}, so
 * a dicemesh signature can never be replayed as a signature of anything else.
 */
public final class Signatures {
    /** Prefix of every signed message. */
    public static final String DOMAIN = "dicemesh/v1/";

    private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.US_ASCII);

    private Signatures() {
    }

    /** The exact bytes that are signed for a body. */
    public static byte[] signedMessage(byte[] body) {
        byte[] m = new byte[DOMAIN_BYTES.length + body.length];
        System.arraycopy(DOMAIN_BYTES, 0, m, 0, DOMAIN_BYTES.length);
        System.arraycopy(body, 0, m, DOMAIN_BYTES.length, body.length);
        return m;
    }

    public static byte[] sign(Identity identity, byte[] body) {
        return identity.signRaw(signedMessage(body));
    }

    /** Signs a body and wraps it as an envelope from this identity. */
    public static Envelope seal(Identity identity, Body body) {
        return sealBytes(identity, body.toByteArray());
    }

    public static Envelope sealBytes(Identity identity, byte[] body) {
        return Envelope.newBuilder()
                .setProtocolVersion(WireLimits.PROTOCOL_VERSION)
                .setSender(identity.nodeId().byteString())
                .setBody(ByteString.copyFrom(body))
                .setSignature(ByteString.copyFrom(sign(identity, body)))
                .build();
    }
}
