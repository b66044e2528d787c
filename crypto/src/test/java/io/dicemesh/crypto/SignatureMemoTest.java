package io.dicemesh.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Ping;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A remembering verifier skips only the signature check it passed before, and nothing else. */
class SignatureMemoTest {
    /** Counts the signature checks made, so a test can tell a skipped check from one made. */
    private static final class Counting implements SignatureScheme {
        final SignatureScheme inner;
        final AtomicLong verifies = new AtomicLong();

        Counting(SignatureScheme inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public byte[] publicKey(byte[] secret) {
            return inner.publicKey(secret);
        }

        @Override
        public byte[] sign(byte[] secret, byte[] publicKey, byte[] message) {
            return inner.sign(secret, publicKey, message);
        }

        @Override
        public Object decodeKey(byte[] publicKey) {
            return inner.decodeKey(publicKey);
        }

        @Override
        public boolean verify(Object decodedKey, byte[] message, byte[] signature) {
            verifies.incrementAndGet();
            return inner.verify(decodedKey, message, signature);
        }
    }

    private final Counting scheme = new Counting(SignatureScheme.ed25519());
    private final EnvelopeVerifier verifier = EnvelopeVerifier.remembering(scheme);
    private final Identity alice = Identity.fromSeed(new byte[32], scheme);
    private final Identity bob = Identity.fromSeed(filled(7), scheme);

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    private static Body ping(long nonce) {
        return Body.newBuilder().setPing(Ping.newBuilder().setNonce(nonce).setSentAtMs(1)).build();
    }

    @Test
    void anEnvelopeVerifiedBeforeCostsNoSecondSignatureCheck() {
        Envelope env = Signatures.seal(alice, ping(1));
        assertInstanceOf(Verified.class, verifier.verify(env));
        Verified again = assertInstanceOf(Verified.class, verifier.open(env.toByteArray()));
        assertEquals(alice.nodeId(), again.sender());
        assertEquals(1, again.body().getPing().getNonce());
        assertEquals(1, scheme.verifies.get());
        assertEquals(1, verifier.memo().hits());
        assertEquals(1, verifier.memo().misses());
    }

    @Test
    void aChangedSignatureBodyOrSenderIsCheckedInFullAndRejected() {
        Envelope env = Signatures.seal(alice, ping(1));
        assertInstanceOf(Verified.class, verifier.verify(env));
        byte[] sig = env.getSignature().toByteArray();
        sig[5] ^= 1;
        Envelope badSig = env.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        Envelope otherBody = env.toBuilder().setBody(ping(2).toByteString()).build();
        Envelope otherSender = env.toBuilder().setSender(ByteString.copyFrom(bob.nodeId().rawBytes())).build();
        for (Envelope forged : List.of(badSig, otherBody, otherSender)) {
            long before = scheme.verifies.get();
            assertEquals(RejectReason.BAD_SIGNATURE, assertInstanceOf(Rejection.class, verifier.verify(forged))
                    .reason());
            assertEquals(before + 1, scheme.verifies.get(), "checked in full");
        }
        assertInstanceOf(Verified.class, verifier.verify(env)); // the genuine one is still remembered
        assertEquals(4, scheme.verifies.get());
    }

    @Test
    void aSignatureThatFailedIsNeverRemembered() {
        Envelope env = Signatures.seal(alice, ping(1));
        byte[] sig = env.getSignature().toByteArray();
        sig[0] ^= 1;
        Envelope forged = env.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(Rejection.class, verifier.verify(forged));
        }
        assertEquals(3, scheme.verifies.get());
        assertEquals(0, verifier.memo().hits());
    }

    @Test
    void theOtherChecksStillRunForARememberedSignature() {
        Envelope env = Signatures.seal(alice, ping(1));
        assertInstanceOf(Verified.class, verifier.verify(env));
        Envelope oldVersion = env.toBuilder().setProtocolVersion(env.getProtocolVersion() + 1).build();
        assertEquals(RejectReason.WRONG_VERSION, assertInstanceOf(Rejection.class, verifier.verify(oldVersion))
                .reason());
        assertEquals(RejectReason.UNEXPECTED_KIND, assertInstanceOf(Rejection.class,
                verifier.verify(env, Body.KindCase.VOTE)).reason());
    }

    @Test
    void aMessageOverTheRememberedSizeIsCheckedInFullEachTime() {
        byte[] body = new byte[SignatureMemo.MESSAGE_BYTES_MAX + 1];
        Envelope big = Signatures.sealBytes(alice, body); // a valid signature over a body that is no message
        for (int i = 0; i < 2; i++) {
            assertEquals(RejectReason.MALFORMED_BODY, assertInstanceOf(Rejection.class, verifier.verify(big))
                    .reason());
        }
        assertEquals(2, scheme.verifies.get());
        assertEquals(2, verifier.memo().misses());
    }

    /** Past its bound the memo forgets: every answer stays right, a forgotten signature is only checked again. */
    @Test
    void pastItsBoundEveryAnswerStaysRightAndForgottenOnesAreCheckedAgain() {
        Counting fast = new Counting(new SimulatedSignatures());
        EnvelopeVerifier v = EnvelopeVerifier.remembering(fast);
        Identity carol = Identity.fromSeed(filled(9), fast);
        int n = 3 * SignatureMemo.SLOTS;
        List<Envelope> envs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            envs.add(Signatures.seal(carol, ping(i)));
        }
        for (Envelope e : envs) {
            assertInstanceOf(Verified.class, v.verify(e));
        }
        assertEquals(n, fast.verifies.get());
        for (Envelope e : envs) {
            assertInstanceOf(Verified.class, v.verify(e));
        }
        long rechecked = fast.verifies.get() - n;
        // at most SLOTS are remembered, so at least n - SLOTS are checked again; the rest answered from memory
        assertEquals(n, rechecked + v.memo().hits());
        assertEquals(true, rechecked >= n - SignatureMemo.SLOTS, rechecked + " checked again");
    }
}
