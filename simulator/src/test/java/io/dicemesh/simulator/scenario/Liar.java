package io.dicemesh.simulator.scenario;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Vote;
import java.util.List;

/**
 * The byzantine player of the scenarios, the same on every mesh: its engine is honest, and before each Vote it
 * sends it signs and sends a Vote for another tx at the same slot, which no honest player ever signs (a vote is a
 * lock). Before, not after: a vote arriving once its slot has committed is stale and dropped unread, so on a fast
 * network a late second vote would often go unseen. Whoever holds both has a proof that it lied (DESIGN 5b), so it must be evicted at once, and the
 * table must go on without it with nothing lost or forged.
 */
final class Liar {
    private final Identity self;
    private long lies;

    Liar(Identity self) {
        this.self = self;
    }

    /** What the liar sends instead of {@code envelope}. */
    synchronized List<Envelope> rewrite(Envelope envelope) {
        Body body;
        try {
            body = Body.parseFrom(envelope.getBody());
        } catch (InvalidProtocolBufferException e) {
            return List.of(envelope);
        }
        if (!body.hasVote() || !self.nodeId().matches(envelope.getSender())) {
            return List.of(envelope);
        }
        Vote vote = body.getVote();
        byte[] other = vote.getTxHash().toByteArray();
        if (other.length == 0) {
            return List.of(envelope);
        }
        other[0] ^= 0x5a;
        lies++;
        Envelope second = Signatures.seal(self, Body.newBuilder()
                .setVote(vote.toBuilder().setTxHash(ByteString.copyFrom(other))).build());
        return List.of(second, envelope);
    }

    /** Second votes sent so far. */
    synchronized long lies() {
        return lies;
    }
}
