package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static io.dicemesh.node.core.NodeEngineTest.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.DiceCommitment;
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
            assertReason("malformed vote", own);

            Event.Dropped relayed = dropped(h.injectVia(0, h.identity(2).nodeId(), junk));
            assertNull(relayed.blamed(), "relayed by node 2, so neither node 1 nor the relay is blamed");
            assertReason("malformed vote", relayed);
        }
    }

    /** Each kind of message no honest node sends in any state, dropped for what it is and blamed on its signer. */
    @Test
    void everyKindOfMalformedTableMessageIsDroppedForWhatItIsAndBlamed() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            TableState s = h.state(0, t);
            io.dicemesh.crypto.Identity p1 = h.identity(1);
            java.util.Map<String, Envelope> malformed = new java.util.LinkedHashMap<>();
            malformed.put("malformed vote", Wire.vote(p1, t, s.getSeq() + 1, -1, ByteString.copyFrom(new byte[32])));
            malformed.put("commitment of 31 bytes", io.dicemesh.crypto.Signatures.seal(p1, Body.newBuilder()
                    .setDiceCommitment(DiceCommitment.newBuilder().setTableId(t.bytes()).setRollNo(1)
                            .setCommitment(ByteString.copyFrom(new byte[31]))).build()));
            malformed.put("reveal with a nonce of 3 bytes", Wire.reveal(p1, t, 1, new byte[3]));
            malformed.put("intent batch signed for another player", Wire.batchFor(p1, h.identity(2).nodeId(), t, 1,
                    Wire.bet(1, BetType.FIELD, 5)));
            malformed.put("intent batch with 0 intents", Wire.batch(p1, t, 1));
            malformed.put("status for view 0", Wire.status(p1, t, s.getSeq() + 1, 0, null));
            malformed.put("prepare whose proposal is not signed", Wire.prepare(p1,
                    Wire.forged(Wire.proposal(p1, t, s.getSeq() + 1, 1, ByteString.copyFrom(new byte[32]))),
                    ByteString.EMPTY, List.of()));
            malformed.put("prepare whose proposal is for another table or by another signer", Wire.prepare(p1,
                    Wire.proposal(h.identity(2), t, s.getSeq() + 1, 1, ByteString.copyFrom(new byte[32])),
                    ByteString.EMPTY, List.of()));
            malformed.put("prepare with a malformed proposal", Wire.prepare(p1,
                    Wire.proposal(p1, t, s.getSeq() + 1, 1, ByteString.copyFrom(new byte[7])), ByteString.EMPTY,
                    List.of()));
            for (var e : malformed.entrySet()) {
                Event.Dropped d = dropped(h.inject(0, e.getValue()));
                assertReason(e.getKey(), d);
                assertEquals(p1.nodeId(), d.blamed(), d.reason());
            }
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
     * does not prove it is blamed on the player that sent it, whether it holds every player's vote or fewer (a
     * reduced one, whose votes exclude a player); one for a later slot is not (its sender may have misjudged where
     * this node stands).
     */
    @Test
    void aBogusCertificateForTheNextSlotIsBlamedAndOneForALaterSlotIsNot() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            TableState s = h.state(0, t);
            for (long ahead : new long[] {1, 5}) {
                for (boolean reduced : new boolean[] {false, true}) {
                    long seq = s.getSeq() + ahead;
                    io.dicemesh.protocol.Certificate.Builder bogus = io.dicemesh.protocol.Certificate.newBuilder()
                            .setTableId(t.bytes()).setSeq(seq).setTx(ByteString.copyFromUtf8("no tx"));
                    if (reduced) {
                        for (int voter : new int[] {0, 1}) {
                            bogus.addVotes(io.dicemesh.crypto.Signatures.seal(h.identity(voter), Body.newBuilder()
                                    .setVote(io.dicemesh.protocol.Vote.newBuilder().setTableId(t.bytes())
                                            .setSeq(seq).setView(1).setTxHash(ByteString.copyFrom(new byte[32]))
                                            .addExcluded(h.identity(2).nodeId().byteString())).build()));
                        }
                    } else {
                        bogus.addVotes(Wire.vote(h.identity(1), t, seq, 0, ByteString.copyFrom(new byte[32])));
                    }
                    Envelope reply = io.dicemesh.crypto.Signatures.seal(h.identity(1), Body.newBuilder()
                            .setCertificateReply(io.dicemesh.protocol.CertificateReply.newBuilder()
                                    .setTableId(t.bytes()).addCertificates(bogus)).build());
                    Event.Dropped d = dropped(h.inject(0, reply));
                    String what = (reduced ? "reduced " : "") + "certificate " + ahead + " ahead: " + d.reason();
                    assertReason("certificate for seq " + seq + " does not prove its slot", d);
                    if (ahead == 1) {
                        assertEquals(h.identity(1).nodeId(), d.blamed(), what);
                    } else {
                        assertNull(d.blamed(), what);
                    }
                }
            }
        }
    }

    /** The reason names what was wrong (the engine adds which table). */
    private static void assertReason(String expected, Event.Dropped d) {
        assertTrue(d.reason().startsWith(expected + " ("), () -> "expected <" + expected + "> but was <" + d.reason()
                + ">");
    }

    private static Event.Dropped dropped(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Emit em && em.event() instanceof Event.Dropped)
                .map(e -> (Event.Dropped) ((Effect.Emit) e).event()).findFirst()
                .orElseThrow(() -> new AssertionError("not dropped: " + effects));
    }
}
