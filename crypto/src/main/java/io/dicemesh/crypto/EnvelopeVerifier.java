package io.dicemesh.crypto;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.UnknownFields;
import io.dicemesh.protocol.WireLimits;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks envelopes before anything reads their bodies: size, version, sender key, fields unknown to this build,
 * then the Ed25519 signature over {@code "dicemesh/v1/" || body} as received, and only then parses the body, which
 * must carry no unknown field either (embedded envelopes included) and stay within its kind's size
 * ({@link WireLimits#envelopeBytesMax}). Never throws on bad input. Thread safe; caches decoded public keys
 * (bounded) because decoding a key costs about as much as half a verify. A verifier made by {@link #remembering}
 * also skips the signature check of a signature it found valid before ({@link SignatureMemo}); every other check
 * runs each time.
 */
public final class EnvelopeVerifier {
    /** Most decoded public keys kept; the cache is cleared when it would grow past this. */
    public static final int KEY_CACHE_ENTRIES_MAX = 4096;

    private final ConcurrentHashMap<NodeId, Object> keys = new ConcurrentHashMap<>();
    private final SignatureScheme scheme;
    private final SignatureMemo memo;

    /** A verifier of Ed25519 signatures that checks every signature every time. */
    public EnvelopeVerifier() {
        this(SignatureScheme.ed25519());
    }

    public EnvelopeVerifier(SignatureScheme scheme) {
        this(scheme, null);
    }

    private EnvelopeVerifier(SignatureScheme scheme, SignatureMemo memo) {
        this.scheme = scheme;
        this.memo = memo;
    }

    /** A verifier that remembers the signatures it found valid (what a node uses: see {@link SignatureMemo}). */
    public static EnvelopeVerifier remembering(SignatureScheme scheme) {
        return new EnvelopeVerifier(scheme, new SignatureMemo());
    }

    /** The memo of a {@link #remembering} verifier (its counts), else null. */
    public SignatureMemo memo() {
        return memo;
    }

    /** Parses and verifies one frame (an Envelope without its length prefix). */
    public VerifyResult open(byte[] frame) {
        if (frame.length > WireLimits.FRAME_BYTES_MAX) {
            return new Rejection(RejectReason.OVERSIZE, frame.length + " bytes > " + WireLimits.FRAME_BYTES_MAX);
        }
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            return new Rejection(RejectReason.MALFORMED_ENVELOPE, "unparseable (" + frame.length + " bytes)");
        }
        return verify(envelope);
    }

    /** Verifies an already parsed envelope, e.g. one embedded in a tx or a justification. */
    public VerifyResult verify(Envelope envelope) {
        if (envelope.getSerializedSize() > WireLimits.FRAME_BYTES_MAX) {
            return new Rejection(RejectReason.OVERSIZE, "envelope over " + WireLimits.FRAME_BYTES_MAX + " bytes");
        }
        if (envelope.getProtocolVersion() != WireLimits.PROTOCOL_VERSION) {
            return new Rejection(RejectReason.WRONG_VERSION, "version " + envelope.getProtocolVersion()
                    + ", this node speaks " + WireLimits.PROTOCOL_VERSION);
        }
        if (!envelope.getUnknownFields().asMap().isEmpty()) {
            return new Rejection(RejectReason.UNKNOWN_FIELDS, "in the envelope");
        }
        if (!NodeId.isWellFormed(envelope.getSender())) {
            return new Rejection(RejectReason.BAD_SENDER, "sender is " + envelope.getSender().size()
                    + " bytes, not " + WireLimits.ID_BYTES);
        }
        NodeId sender = NodeId.of(envelope.getSender());
        Object point = decodedKey(sender);
        if (point == null) {
            return new Rejection(RejectReason.BAD_SENDER, "sender " + sender.shortHex() + " is not a curve point");
        }
        if (envelope.getSignature().size() != WireLimits.SIGNATURE_BYTES) {
            return new Rejection(RejectReason.BAD_SIGNATURE, "signature is " + envelope.getSignature().size()
                    + " bytes, not " + WireLimits.SIGNATURE_BYTES);
        }
        byte[] message = Signatures.signedMessage(envelope.getBody().toByteArray());
        byte[] signature = envelope.getSignature().toByteArray();
        byte[] digest = memo == null ? null : memo.digest(sender.rawBytes(), signature, message);
        if (memo == null || !memo.passedBefore(digest)) {
            if (!scheme.verify(point, message, signature)) {
                return new Rejection(RejectReason.BAD_SIGNATURE, "from " + sender.shortHex());
            }
            if (memo != null) {
                memo.passed(digest);
            }
        }
        Body body;
        try {
            body = Body.parseFrom(envelope.getBody());
        } catch (InvalidProtocolBufferException e) {
            return new Rejection(RejectReason.MALFORMED_BODY, "from " + sender.shortHex());
        }
        if (body.getKindCase() == Body.KindCase.KIND_NOT_SET) {
            return new Rejection(RejectReason.UNKNOWN_KIND, "from " + sender.shortHex());
        }
        int bytesMax = WireLimits.envelopeBytesMax(body.getKindCase());
        if (envelope.getSerializedSize() > bytesMax) {
            return new Rejection(RejectReason.OVERSIZE, body.getKindCase() + " of " + envelope.getSerializedSize()
                    + " bytes > " + bytesMax + " from " + sender.shortHex());
        }
        if (UnknownFields.anyIn(body)) {
            return new Rejection(RejectReason.UNKNOWN_FIELDS, "in a " + body.getKindCase() + " from "
                    + sender.shortHex());
        }
        return new Verified(envelope, sender, body);
    }

    /** Verifies and also requires one body kind (for envelopes embedded where only that kind may stand). */
    public VerifyResult verify(Envelope envelope, Body.KindCase expected) {
        VerifyResult r = verify(envelope);
        if (r instanceof Verified v && v.kind() != expected) {
            return new Rejection(RejectReason.UNEXPECTED_KIND, "want " + expected + ", got " + v.kind());
        }
        return r;
    }

    private Object decodedKey(NodeId id) {
        Object cached = keys.get(id);
        if (cached != null) {
            return cached;
        }
        Object point = scheme.decodeKey(id.rawBytes());
        if (point != null) {
            if (keys.size() >= KEY_CACHE_ENTRIES_MAX) {
                keys.clear();
            }
            keys.put(id, point);
        }
        return point;
    }
}
