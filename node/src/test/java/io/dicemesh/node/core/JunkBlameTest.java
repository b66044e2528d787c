package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static io.dicemesh.node.core.NodeEngineTest.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.WireLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A table message its table could never use is blamed on its signer only when the signer sent it on its own
 * channel: the daemon throttles a blamed table peer, so nobody may get an honest player blamed by relaying or
 * replaying its messages.
 */
class JunkBlameTest {
    @Test
    void malformedJunkOnItsSignersOwnChannelIsBlamedOnTheSignerAndRelayedJunkOnNobody() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            TableState s = h.state(0, t);
            Envelope junk = Wire.vote(h.identity(1), t, s.getSeq() + 1, 0, ByteString.copyFrom(new byte[5]));

            Event.Dropped own = dropped(h.inject(0, junk));
            assertEquals(h.identity(1).nodeId(), own.blamed(), own.reason());

            Event.Dropped relayed = dropped(h.injectVia(0, h.identity(2).nodeId(), junk));
            assertNull(relayed.blamed(), "relayed by node 2, so neither node 1 nor the relay is blamed");
        }
    }

    /**
     * What this node drops because of where it stands (behind in views, behind in intent batches) is no proof
     * against the sender: a lagging node would otherwise throttle the honest peers it needs to catch up.
     */
    @Test
    void junkThatALaggingNodeWouldSeeFromHonestPeersIsBlamedOnNobody() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            TableState s = h.state(0, t);
            Envelope viewsAhead = Wire.vote(h.identity(1), t, s.getSeq() + 1, WireLimits.VIEWS_AHEAD_MAX + 5,
                    ByteString.copyFrom(new byte[32]));
            Event.Dropped d = dropped(h.inject(0, viewsAhead));
            assertNull(d.blamed(), d.reason());

            Envelope batchesAhead = Wire.batch(h.identity(1), t, IntentPool.AHEAD_MAX + 10,
                    Wire.bet(1, BetType.FIELD, 5));
            Event.Dropped b = dropped(h.inject(0, batchesAhead));
            assertNull(b.blamed(), b.reason());
        }
    }

    /**
     * Every honest node committed the same slot on the same state, so a certificate for this node's next slot that
     * does not prove it is blamed on the player that sent it; one for a later slot is not (its sender may have
     * misjudged where this node stands).
     */
    @Test
    void aBogusCertificateForTheNextSlotIsBlamedAndOneForALaterSlotIsNot() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            TableState s = h.state(0, t);
            for (long ahead : new long[] {1, 5}) {
                long seq = s.getSeq() + ahead;
                io.dicemesh.protocol.Certificate bogus = io.dicemesh.protocol.Certificate.newBuilder()
                        .setTableId(t.bytes()).setSeq(seq).setTx(ByteString.copyFromUtf8("no tx"))
                        .addVotes(Wire.vote(h.identity(1), t, seq, 0, ByteString.copyFrom(new byte[32]))).build();
                Envelope reply = io.dicemesh.crypto.Signatures.seal(h.identity(1), io.dicemesh.protocol.Body
                        .newBuilder().setCertificateReply(io.dicemesh.protocol.CertificateReply.newBuilder()
                                .setTableId(t.bytes()).addCertificates(bogus)).build());
                Event.Dropped d = dropped(h.inject(0, reply));
                if (ahead == 1) {
                    assertEquals(h.identity(1).nodeId(), d.blamed(), d.reason());
                } else {
                    assertNull(d.blamed(), d.reason());
                }
            }
        }
    }

    private static Event.Dropped dropped(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Emit em && em.event() instanceof Event.Dropped)
                .map(e -> (Event.Dropped) ((Effect.Emit) e).event()).findFirst()
                .orElseThrow(() -> new AssertionError("not dropped: " + effects));
    }
}
