package io.dicemesh.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Ping;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeVerifierTest {
    private final Identity alice = Identity.fromSeed(new byte[32]);
    private final Identity bob = Identity.fromSeed(filled(7));
    private final EnvelopeVerifier verifier = new EnvelopeVerifier();

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    private static Body ping(long nonce) {
        return Body.newBuilder().setPing(Ping.newBuilder().setNonce(nonce).setSentAtMs(1)).build();
    }

    private RejectReason rejected(VerifyResult r) {
        return assertInstanceOf(Rejection.class, r).reason();
    }

    @Test
    void aSealedEnvelopeVerifiesWithItsSenderAndBody() {
        Envelope env = Signatures.seal(alice, ping(42));
        Verified v = assertInstanceOf(Verified.class, verifier.open(env.toByteArray()));
        assertEquals(alice.nodeId(), v.sender());
        assertEquals(42, v.body().getPing().getNonce());
        assertEquals(Body.KindCase.PING, v.kind());
    }

    @Test
    void theSignatureCoversTheDomainPrefixAndTheBody() {
        Envelope env = Signatures.seal(alice, ping(1));
        byte[] plain = alice.signRaw(env.getBody().toByteArray());
        Envelope withoutDomain = env.toBuilder().setSignature(ByteString.copyFrom(plain)).build();
        assertEquals(RejectReason.BAD_SIGNATURE, rejected(verifier.verify(withoutDomain)));
    }

    @Test
    void aTamperedSignatureIsRejected() {
        Envelope env = Signatures.seal(alice, ping(1));
        byte[] sig = env.getSignature().toByteArray();
        sig[10] ^= 0x40;
        assertEquals(RejectReason.BAD_SIGNATURE,
                rejected(verifier.verify(env.toBuilder().setSignature(ByteString.copyFrom(sig)).build())));
    }

    @Test
    void aTamperedBodyIsRejected() {
        Envelope env = Signatures.seal(alice, ping(1));
        Envelope other = env.toBuilder().setBody(ping(2).toByteString()).build();
        assertEquals(RejectReason.BAD_SIGNATURE, rejected(verifier.verify(other)));
    }

    @Test
    void aSignatureByAnotherKeyIsRejected() {
        Envelope byBob = Signatures.seal(bob, ping(1));
        Envelope claimsAlice = byBob.toBuilder().setSender(alice.nodeId().byteString()).build();
        assertEquals(RejectReason.BAD_SIGNATURE, rejected(verifier.verify(claimsAlice)));
    }

    @Test
    void aSenderThatIsNotAKeyIsRejected() {
        Envelope env = Signatures.seal(alice, ping(1));
        assertEquals(RejectReason.BAD_SENDER,
                rejected(verifier.verify(env.toBuilder().setSender(ByteString.copyFrom(new byte[31])).build())));
        assertEquals(RejectReason.BAD_SENDER, rejected(verifier.verify(env.toBuilder().clearSender().build())));
    }

    @Test
    void aWrongLengthSignatureIsRejected() {
        Envelope env = Signatures.seal(alice, ping(1));
        assertEquals(RejectReason.BAD_SIGNATURE,
                rejected(verifier.verify(env.toBuilder().setSignature(env.getSignature().substring(0, 63)).build())));
    }

    @Test
    void aWrongProtocolVersionIsRejected() {
        Envelope env = Signatures.seal(alice, ping(1));
        assertEquals(RejectReason.WRONG_VERSION, rejected(verifier.verify(env.toBuilder()
                .setProtocolVersion(io.dicemesh.protocol.WireLimits.PROTOCOL_VERSION + 1).build())));
        assertEquals(RejectReason.WRONG_VERSION, rejected(verifier.verify(env.toBuilder()
                .setProtocolVersion(io.dicemesh.protocol.WireLimits.PROTOCOL_VERSION - 1).build())));
        assertEquals(RejectReason.WRONG_VERSION, rejected(verifier.verify(env.toBuilder().setProtocolVersion(0).build())));
    }

    @Test
    void anOversizeFrameIsRejectedBeforeParsing() {
        byte[] frame = new byte[WireLimits.FRAME_BYTES_MAX + 1];
        assertEquals(RejectReason.OVERSIZE, rejected(verifier.open(frame)));
    }

    @Test
    void truncatedEnvelopesAreRejectedAtEveryLength() {
        byte[] full = Signatures.seal(alice, ping(77)).toByteArray();
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            VerifyResult r = verifier.open(cut);
            assertInstanceOf(Rejection.class, r, "truncated to " + len + " bytes");
        }
    }

    @Test
    void garbageBytesAreRejectedWithoutAnException() {
        long seed = 424242L;
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            assertInstanceOf(Rejection.class, verifier.open(junk), "garbage case " + i + " of seed " + seed);
        }
    }

    @Test
    void aSignedBodyThatIsNotAMessageIsRejected() {
        byte[] junkBody = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        Envelope env = Signatures.sealBytes(alice, junkBody);
        assertEquals(RejectReason.MALFORMED_BODY, rejected(verifier.verify(env)));
        Envelope empty = Signatures.sealBytes(alice, new byte[0]);
        assertEquals(RejectReason.UNKNOWN_KIND, rejected(verifier.verify(empty)));
    }

    @Test
    void anEmbeddedEnvelopeOfTheWrongKindIsRejected() {
        Envelope env = Signatures.seal(alice, ping(1));
        assertEquals(RejectReason.UNEXPECTED_KIND, rejected(verifier.verify(env, Body.KindCase.VOTE)));
        Envelope vote = Signatures.seal(alice, Body.newBuilder().setVote(Vote.newBuilder().setSeq(1)).build());
        assertInstanceOf(Verified.class, verifier.verify(vote, Body.KindCase.VOTE));
    }

    @Test
    void manyKeysStayVerifiableAcrossTheKeyCacheBound() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 50; i++) {
            Identity id = Identity.generate(random);
            assertInstanceOf(Verified.class, verifier.verify(Signatures.seal(id, ping(i))));
        }
    }
}
