package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.EnvelopeVerifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Deferred} keeps for later, and as whose. */
class DeferredTest {
    private final EnvelopeVerifier verifier = new EnvelopeVerifier();

    private Verified signed(Identity signer, long seq) {
        TableId t = TableId.of(new byte[32]);
        return (Verified) verifier.verify(Wire.vote(signer, t, seq, 0, Wire.hash(com.google.protobuf.ByteString
                .copyFromUtf8("tx " + seq))));
    }

    @Test
    void aStatementFirstRelayedBySomeoneElseIsHandedBackAsItsSignersOnceTheSignerSendsIt() {
        Identity player = Wire.identity("player");
        NodeId relay = Wire.identity("relay").nodeId();
        Deferred d = new Deferred();
        Verified vote = signed(player, 2);
        assertTrue(d.keep(vote, relay, 3));
        assertTrue(d.keep(vote, player.nodeId(), 3)); // the player's own copy takes no room
        assertTrue(d.keep(vote, relay, 3)); // a later relayed copy changes nothing
        List<Deferred.Kept> kept = d.drain();
        assertEquals(1, kept.size());
        assertEquals(player.nodeId(), kept.get(0).from());
    }

    @Test
    void aStatementOnlyEverRelayedStaysTheRelaysAndEachSenderHasItsShare() {
        Identity player = Wire.identity("player");
        NodeId relay = Wire.identity("relay").nodeId();
        Deferred d = new Deferred();
        int kept = 0;
        for (int seq = 2; seq < 2 + 2 * Deferred.ENTRIES_PER_SENDER_MAX; seq++) {
            kept += d.keep(signed(player, seq), relay, 3) ? 1 : 0;
        }
        assertEquals(Deferred.ENTRIES_PER_SENDER_MAX, kept);
        assertTrue(d.drain().stream().allMatch(k -> k.from().equals(relay)));
        assertEquals(0, d.size());
    }
}
