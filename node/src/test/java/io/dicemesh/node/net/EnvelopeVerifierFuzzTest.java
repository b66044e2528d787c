package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.crypto.Rejection;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.PeerRecord;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link EnvelopeVerifier} with raw bytes, and with envelopes built to shape: a body of any kind whose fields
 * the fuzzer fills (embedded envelopes included), signed for real, then spoiled in one way the fuzzer picks (see
 * {@link Fault}): unknown fields at any depth, a size just over or just within its kind's limit
 * ({@link WireLimits#envelopeBytesMax}), a damaged signature, sender or version, or body bytes mutated before they
 * are signed. What must hold:
 *
 * <ul>
 *   <li>{@code open} and {@code verify} never throw and agree with each other;
 *   <li>a Verified envelope re-serializes and verifies again to the same kind, sender and body; its body carries no
 *       field unknown to this build anywhere (checked by a walk of this test's own), and it is within its kind's
 *       limit;
 *   <li>an envelope built to be valid is Verified, and one spoiled in one way is rejected for that reason.
 * </ul>
 *
 * <p>The committed inputs (in {@code EnvelopeVerifierFuzzTestInputs/}) are real signed envelopes of most kinds, read
 * as raw bytes ({@code raw-*}, some with unknown fields or a repeated field), one built envelope of each kind and of
 * each fault ({@code built-*}), and inputs fuzzing found.
 */
class EnvelopeVerifierFuzzTest {
    /** Fields the filler sets per execution, over all nesting levels. */
    private static final int FIELDS_MAX = 48;
    /** Nesting of messages the filler builds (embedded envelopes end a branch). */
    private static final int DEPTH_MAX = 4;
    /** Byte-level edits to a body before it is signed. */
    private static final int EDITS_MAX = 8;

    /** The kinds of a Body, in field order. */
    private static final List<FieldDescriptor> KINDS = Body.getDescriptor().getOneofs().get(0).getFields();

    /** Made when the class initializes, in the first (unfuzzed) invocation: keys, and envelopes to embed. */
    private static final Identity[] SIGNERS = {identity("a"), identity("b"), identity("c")};
    private static final List<Envelope> EMBEDDABLE = embeddable(SIGNERS[0]);

    /** One way to spoil an envelope, or none. */
    enum Fault {
        NONE, UNKNOWN_IN_ENVELOPE, UNKNOWN_IN_BODY, OVER_LIMIT, AT_LIMIT, FLIPPED_BODY_BIT, OTHER_SIGNER,
        SENDER_OF_WRONG_LENGTH, RANDOM_SENDER, SIGNATURE_OF_WRONG_LENGTH, WRONG_VERSION, EDITED_BODY, NO_KIND
    }

    private final EnvelopeVerifier verifier = new EnvelopeVerifier();

    @FuzzTest
    @Timeout(30)
    void verifierNeverThrowsAndVerifiesOnlySignedKnownFieldsWithinLimits(FuzzedDataProvider data) {
        if (data.consumeInt(0, 3) == 0) {
            byte[] raw = data.consumeRemainingAsBytes();
            VerifyResult r = verifier.open(raw);
            assertNotNull(r, "open answered null");
            if (r instanceof Verified v) {
                checkVerified(v);
            }
            return;
        }
        Fault fault = data.pickValue(Fault.values());
        Identity signer = SIGNERS[data.consumeInt(0, SIGNERS.length - 1)];
        FieldDescriptor kind = KINDS.get(data.consumeInt(0, KINDS.size() - 1));
        Filler filler = new Filler(data, fault == Fault.UNKNOWN_IN_BODY ? data.consumeInt(0, 7) : -1);
        Body body = fault == Fault.NO_KIND ? Body.getDefaultInstance() : filler.body(kind);
        if (fault == Fault.OVER_LIMIT || fault == Fault.AT_LIMIT) {
            int delta = fault == Fault.OVER_LIMIT ? data.consumeInt(1, 3) : data.consumeInt(-3, 0);
            body = Padding.to(body, kind, signer, WireLimits.envelopeBytesMax(body.getKindCase()) + delta);
            if (body == null) {
                return; // this kind has no field to pad
            }
        }
        byte[] bodyBytes = body.toByteArray();
        if (fault == Fault.EDITED_BODY) {
            bodyBytes = edited(bodyBytes, data);
        }
        Spoiled spoiled = spoil(fault, data, Signatures.sealBytes(signer, bodyBytes), body, bodyBytes, filler);
        Envelope envelope = spoiled.envelope();

        VerifyResult opened = verifier.open(envelope.toByteArray());
        VerifyResult verified = verifier.verify(envelope);
        assertNotNull(opened, "open answered null");
        assertEquals(describe(opened), describe(verified), "open and verify disagree");
        String what = fault + " " + kind.getName() + " of " + envelope.getSerializedSize() + " bytes";
        if (spoiled.reasons().isEmpty()) {
            Verified v = assertInstanceOf(Verified.class, opened, () -> what + " should verify");
            checkVerified(v);
            assertEquals(signer.nodeId(), v.sender());
        } else {
            Rejection r = assertInstanceOf(Rejection.class, opened, () -> what + " should be rejected for one of "
                    + spoiled.reasons());
            assertTrue(spoiled.reasons().contains(r.reason()), () -> what + " rejected as " + r + ", not for one of "
                    + spoiled.reasons());
        }
    }

    /** An envelope as spoiled, and the reasons it may be rejected for (none: it must verify). */
    private record Spoiled(Envelope envelope, Set<RejectReason> reasons) {
    }

    private static Spoiled spoil(Fault fault, FuzzedDataProvider data, Envelope envelope, Body body, byte[] bodyBytes,
            Filler filler) {
        Envelope.Builder e = envelope.toBuilder();
        Set<RejectReason> why = EnumSet.noneOf(RejectReason.class);
        switch (fault) {
            case NONE, AT_LIMIT, OVER_LIMIT, UNKNOWN_IN_BODY -> {
                // Judged below from the body: its size, and whether the filler planted an unknown field.
            }
            case UNKNOWN_IN_ENVELOPE -> {
                e.setUnknownFields(unknownFields(data));
                why.add(RejectReason.UNKNOWN_FIELDS);
            }
            case FLIPPED_BODY_BIT -> {
                byte[] b = bodyBytes.length == 0 ? new byte[1] : bodyBytes.clone();
                b[data.consumeInt(0, b.length - 1)] ^= (byte) (1 << data.consumeInt(0, 7));
                e.setBody(ByteString.copyFrom(b));
                why.add(RejectReason.BAD_SIGNATURE);
            }
            case OTHER_SIGNER -> {
                Identity other = SIGNERS[0].nodeId().byteString().equals(envelope.getSender()) ? SIGNERS[1]
                        : SIGNERS[0];
                e.setSender(other.nodeId().byteString());
                why.add(RejectReason.BAD_SIGNATURE);
            }
            case SENDER_OF_WRONG_LENGTH -> {
                int n = data.consumeInt(0, 40);
                e.setSender(ByteString.copyFrom(new byte[n == WireLimits.ID_BYTES ? 0 : n]));
                why.add(RejectReason.BAD_SENDER);
            }
            case RANDOM_SENDER -> {
                byte[] key = new byte[WireLimits.ID_BYTES];
                byte[] drawn = data.consumeBytes(WireLimits.ID_BYTES);
                System.arraycopy(drawn, 0, key, 0, drawn.length);
                if (ByteString.copyFrom(key).equals(envelope.getSender())) {
                    key[0] ^= 1;
                }
                e.setSender(ByteString.copyFrom(key));
                why.add(RejectReason.BAD_SENDER); // not a curve point
                why.add(RejectReason.BAD_SIGNATURE); // a point, but not the signer's
            }
            case SIGNATURE_OF_WRONG_LENGTH -> {
                int n = data.consumeInt(0, 80);
                byte[] sig = new byte[n == WireLimits.SIGNATURE_BYTES ? 0 : n];
                byte[] real = envelope.getSignature().toByteArray();
                System.arraycopy(real, 0, sig, 0, Math.min(sig.length, real.length));
                e.setSignature(ByteString.copyFrom(sig));
                why.add(RejectReason.BAD_SIGNATURE);
            }
            case WRONG_VERSION -> {
                int v = data.consumeInt();
                e.setProtocolVersion(v == WireLimits.PROTOCOL_VERSION ? v + 1 : v);
                why.add(RejectReason.WRONG_VERSION);
            }
            case EDITED_BODY -> why.addAll(independentVerdict(bodyBytes, envelope));
            case NO_KIND -> why.add(RejectReason.UNKNOWN_KIND);
        }
        Envelope spoiled = e.build();
        if (spoiled.getSerializedSize() > WireLimits.FRAME_BYTES_MAX) {
            return new Spoiled(spoiled, EnumSet.of(RejectReason.OVERSIZE));
        }
        if (fault == Fault.NONE || fault == Fault.AT_LIMIT || fault == Fault.OVER_LIMIT
                || fault == Fault.UNKNOWN_IN_BODY) {
            if (spoiled.getSerializedSize() > WireLimits.envelopeBytesMax(body.getKindCase())) {
                why.add(RejectReason.OVERSIZE);
            } else if (filler.planted) {
                why.add(RejectReason.UNKNOWN_FIELDS);
            }
        }
        return new Spoiled(spoiled, why);
    }

    /** What the verifier must say of a validly signed envelope with these body bytes, worked out independently. */
    private static Set<RejectReason> independentVerdict(byte[] bodyBytes, Envelope envelope) {
        Body body;
        try {
            body = Body.parseFrom(bodyBytes);
        } catch (InvalidProtocolBufferException e) {
            return EnumSet.of(RejectReason.MALFORMED_BODY);
        }
        if (body.getKindCase() == Body.KindCase.KIND_NOT_SET) {
            return EnumSet.of(RejectReason.UNKNOWN_KIND);
        }
        if (envelope.getSerializedSize() > WireLimits.envelopeBytesMax(body.getKindCase())) {
            return EnumSet.of(RejectReason.OVERSIZE);
        }
        return hasUnknownFields(body) ? EnumSet.of(RejectReason.UNKNOWN_FIELDS) : EnumSet.noneOf(RejectReason.class);
    }

    /** What every Verified must be: known fields only, within its kind's limit, and the same when read again. */
    private void checkVerified(Verified v) {
        Envelope e = v.envelope();
        assertNotEquals(Body.KindCase.KIND_NOT_SET, v.kind());
        assertTrue(e.getSerializedSize() <= WireLimits.envelopeBytesMax(v.kind()), () -> "a " + v.kind() + " of "
                + e.getSerializedSize() + " bytes verified");
        assertFalse(hasUnknownFields(e), "a verified envelope carries unknown fields");
        assertFalse(hasUnknownFields(v.body()), "a verified body carries unknown fields");
        assertEquals(NodeId.of(e.getSender()), v.sender());
        try {
            assertEquals(Body.parseFrom(e.getBody()), v.body(), "the body is not the one signed");
        } catch (InvalidProtocolBufferException ex) {
            fail("a verified body does not parse", ex);
        }
        Verified again = assertInstanceOf(Verified.class, verifier.open(e.toByteArray()),
                "a verified envelope does not verify once re-serialized");
        assertEquals(v.kind(), again.kind());
        assertEquals(v.sender(), again.sender());
        assertEquals(v.body(), again.body());
    }

    /** True when the message or any message in it (embedded envelopes included) carries an unknown field. */
    static boolean hasUnknownFields(Message m) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            return true;
        }
        for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
            if (f.getValue() instanceof Message nested && hasUnknownFields(nested)) {
                return true;
            }
            if (f.getValue() instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Message nested && hasUnknownFields(nested)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String describe(VerifyResult r) {
        return r instanceof Rejection rej ? rej.reason().toString() : r instanceof Verified v ? "verified "
                + v.kind() + " from " + v.sender() : String.valueOf(r);
    }

    /** Up to {@link #EDITS_MAX} byte edits: flip, overwrite, insert or delete one byte, or duplicate a run. */
    private static byte[] edited(byte[] bytes, FuzzedDataProvider data) {
        byte[] b = bytes;
        int edits = data.consumeInt(1, EDITS_MAX);
        for (int i = 0; i < edits; i++) {
            int at = data.consumeInt(0, b.length);
            int op = data.consumeInt(0, 4);
            if (op == 0 && at < b.length) {
                b[at] ^= (byte) (1 << data.consumeInt(0, 7));
            } else if (op == 1 && at < b.length) {
                b[at] = data.consumeByte();
            } else if (op == 2) {
                byte[] n = new byte[b.length + 1];
                System.arraycopy(b, 0, n, 0, at);
                n[at] = data.consumeByte();
                System.arraycopy(b, at, n, at + 1, b.length - at);
                b = n;
            } else if (op == 3 && at < b.length) {
                byte[] n = new byte[b.length - 1];
                System.arraycopy(b, 0, n, 0, at);
                System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                b = n;
            } else {
                int len = Math.min(data.consumeInt(1, 16), b.length - at);
                byte[] n = new byte[b.length + len];
                System.arraycopy(b, 0, n, 0, at + len);
                System.arraycopy(b, at, n, at + len, b.length - at);
                b = n;
            }
        }
        return b;
    }

    /** One to three fields no dicemesh message has (numbers from 100 up), of any wire type, groups included. */
    static UnknownFieldSet unknownFields(FuzzedDataProvider data) {
        UnknownFieldSet.Builder set = UnknownFieldSet.newBuilder();
        int n = data.consumeInt(1, 3);
        for (int i = 0; i < n; i++) {
            UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
            switch (data.consumeInt(0, 4)) {
                case 0 -> f.addVarint(data.consumeLong());
                case 1 -> f.addFixed32(data.consumeInt());
                case 2 -> f.addFixed64(data.consumeLong());
                case 3 -> f.addLengthDelimited(ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 32))));
                default -> f.addGroup(UnknownFieldSet.newBuilder().addField(1, UnknownFieldSet.Field.newBuilder()
                        .addVarint(data.consumeInt()).build()).build());
            }
            set.mergeField(data.consumeInt(100, 1 << 20), f.build());
        }
        return set.build();
    }

    private static Identity identity(String label) {
        return Identity.fromSeed(Sha256.hash(("dicemesh-fuzz/verifier/" + label).getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Envelope> embeddable(Identity id) {
        ByteString table = ByteString.copyFrom(Sha256.hash(new byte[] {2}));
        Envelope proposal = Signatures.seal(id, Body.newBuilder().setProposal(Proposal.newBuilder().setTableId(table)
                .setSeq(4).setView(1).setTxHash(table)).build());
        return List.of(proposal,
                Signatures.seal(id, Body.newBuilder().setVote(Vote.newBuilder().setTableId(table).setSeq(4)
                        .setView(1).setTxHash(table)).build()),
                Signatures.seal(id, Body.newBuilder().setStatus(Status.newBuilder().setTableId(table).setSeq(4)
                        .setView(2).setLockedProposal(proposal)).build()),
                Signatures.seal(id, Body.newBuilder().setPeerRecord(PeerRecord.newBuilder()
                        .setNodeId(id.nodeId().byteString()).setAddr("127.0.0.1:7600").setSeenAtMs(9)).build()),
                Signatures.seal(id, Body.newBuilder().setIntentBatch(IntentBatch.newBuilder().setTableId(table)
                        .setPlayer(id.nodeId().byteString()).setBatchNo(1)).build()));
    }

    /**
     * Fills messages field by field as the fuzzer says, through protobuf reflection, so that every kind and every
     * field (present and future) is reached. May plant unknown fields in the n-th message it builds.
     */
    private static final class Filler {
        private final FuzzedDataProvider data;
        private int plantAt;
        private int fieldsLeft = FIELDS_MAX;
        /** True once an unknown field was planted where the verifier must see it. */
        boolean planted;

        Filler(FuzzedDataProvider data, int plantAt) {
            this.data = data;
            this.plantAt = plantAt;
        }

        Body body(FieldDescriptor kind) {
            Body.Builder body = Body.newBuilder();
            body.setField(kind, message(body.newBuilderForField(kind), 1));
            if (plantAt >= 0 && !planted) { // fewer messages than the plant's position: plant it in the Body
                body.setUnknownFields(unknownFields(data));
                planted = true;
            }
            return body.build();
        }

        private Message message(Message.Builder b, int depth) {
            boolean plantHere = plantAt-- == 0;
            for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
                if (fieldsLeft <= 0 || !data.consumeBoolean()
                        || (f.getContainingOneof() != null && b.hasOneof(f.getContainingOneof()))) {
                    continue; // (a second member of a oneof would replace the first, planted fields and all)
                }
                fieldsLeft--;
                if (f.isRepeated()) {
                    int n = data.consumeInt(0, 3);
                    for (int i = 0; i < n; i++) {
                        Object v = value(b, f, depth);
                        if (v != null) {
                            b.addRepeatedField(f, v);
                        }
                    }
                } else {
                    Object v = value(b, f, depth);
                    if (v != null) {
                        b.setField(f, v);
                    }
                }
            }
            if (plantHere) {
                b.setUnknownFields(unknownFields(data));
                planted = true;
            }
            return b.build();
        }

        private Object value(Message.Builder parent, FieldDescriptor f, int depth) {
            return switch (f.getJavaType()) {
                case INT -> data.consumeInt();
                case LONG -> data.consumeLong();
                case BOOLEAN -> data.consumeBoolean();
                case FLOAT -> data.consumeFloat();
                case DOUBLE -> data.consumeDouble();
                case STRING -> data.consumeString(data.consumeInt(0, 32));
                case BYTE_STRING -> ByteString.copyFrom(data.consumeBytes(data.consumeBoolean()
                        ? WireLimits.ID_BYTES : data.consumeInt(0, 72)));
                case ENUM -> {
                    var values = f.getEnumType().getValues();
                    yield values.get(data.consumeInt(0, values.size() - 1));
                }
                case MESSAGE -> {
                    if (f.getMessageType().equals(Envelope.getDescriptor())) {
                        yield embedded();
                    }
                    yield depth >= DEPTH_MAX ? null : message(parent.newBuilderForField(f), depth + 1);
                }
            };
        }

        /** A real signed envelope (possibly given unknown fields), or one made of fuzzed fields. */
        private Envelope embedded() {
            int i = data.consumeInt(0, EMBEDDABLE.size());
            if (i == EMBEDDABLE.size()) {
                return Envelope.newBuilder().setProtocolVersion(data.consumeInt(0, 2))
                        .setSender(ByteString.copyFrom(data.consumeBytes(WireLimits.ID_BYTES)))
                        .setBody(ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 64))))
                        .setSignature(ByteString.copyFrom(data.consumeBytes(WireLimits.SIGNATURE_BYTES))).build();
            }
            Envelope e = EMBEDDABLE.get(i);
            if (plantAt-- == 0) {
                planted = true;
                return e.toBuilder().setUnknownFields(unknownFields(data)).build();
            }
            return e;
        }
    }

    /** Sets one bytes or string field so that the signed envelope comes to a given size. */
    private static final class Padding {
        private Padding() {
        }

        /** The body padded so its envelope is {@code target} bytes (or the nearest above), or null if it cannot be. */
        static Body to(Body body, FieldDescriptor kind, Identity signer, int target) {
            List<FieldDescriptor> path = new ArrayList<>();
            path.add(kind);
            if (!findPad(kind.getMessageType().getFields(), path)) {
                return null;
            }
            int len = 0;
            Body padded = body;
            for (int i = 0; i < 6; i++) {
                padded = (Body) withPad(body, path, len);
                int size = sizeOf(padded, signer);
                if (size == target || (size > target && i == 5)) {
                    break;
                }
                len = Math.max(0, len + target - size);
            }
            return padded;
        }

        /** Extends {@code path} to the first singular bytes or string field below it (not into envelopes). */
        private static boolean findPad(List<FieldDescriptor> fields, List<FieldDescriptor> path) {
            for (FieldDescriptor f : fields) {
                if (!f.isRepeated() && (f.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING
                        || f.getJavaType() == FieldDescriptor.JavaType.STRING)) {
                    path.add(f);
                    return true;
                }
            }
            for (FieldDescriptor f : fields) {
                if (!f.isRepeated() && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        && !f.getMessageType().equals(Envelope.getDescriptor())) {
                    path.add(f);
                    if (findPad(f.getMessageType().getFields(), path)) {
                        return true;
                    }
                    path.remove(path.size() - 1);
                }
            }
            return false;
        }

        private static Message withPad(Message m, List<FieldDescriptor> path, int len) {
            FieldDescriptor f = path.get(0);
            Message.Builder b = m.toBuilder();
            if (path.size() == 1) {
                b.setField(f, f.getJavaType() == FieldDescriptor.JavaType.STRING ? "p".repeat(len)
                        : ByteString.copyFrom(new byte[len]));
            } else {
                b.setField(f, withPad((Message) m.getField(f), path.subList(1, path.size()), len));
            }
            return b.build();
        }

        private static int sizeOf(Body body, Identity signer) {
            return Envelope.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION)
                    .setSender(signer.nodeId().byteString()).setBody(body.toByteString())
                    .setSignature(ByteString.copyFrom(new byte[WireLimits.SIGNATURE_BYTES])).build()
                    .getSerializedSize();
        }
    }
}
