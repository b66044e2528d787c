package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A liar proven while its reveal was already out, and a stayer's reveal late (a third attacker review's case): the
 * round without the liar waits for the late reveal and finishes the roll, then the liar's eviction follows. Before
 * an Evict tx during a roll had to name a missing reveal, the round proposed Evict{liar, reveal carried} at once;
 * the stayer that held every reveal refused it, the others locked on it, and the table froze on conflicting honest
 * locks. Fails without that rule.
 */
@Timeout(120)
class LateRevealAfterALiarTest {
    static final TableRules RULES = Wire.rules(100, 20_000).toBuilder().setAbsentTimeoutMs(60_000)
            .setLiarsTolerated(0).build();

    private static String describe(EngineHarness h, TableId t, int... nodes) {
        StringBuilder s = new StringBuilder();
        for (int i : nodes) {
            s.append("\n  node ").append(i).append(": ").append(h.engine(i).debugState(t));
        }
        return s.toString();
    }

    /** Node 2's Status re-signed without any reveal (node 2's reveal reaches nobody through it). */
    private static Envelope withoutReveals(EngineHarness h, Envelope env) {
        try {
            Body b = Body.parseFrom(env.getBody());
            return Signatures.seal(h.identity(2), b.toBuilder().setStatus(b.getStatus().toBuilder().clearReveals())
                    .build());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * X = {A} (A a proven liar whose reveal every stayer holds), a stayer's reveal late but arriving: the coordinator
     * of the round without A proposes nothing while the reveal is missing, then the roll finishes in that reduced
     * round (attempt 0), and the Evict of A as a liar follows, with no bond forfeited.
     */
    @Test
    void aLiarWithItsRevealHeldAndALateStayerRevealFinishesTheRollThenTheLiarIsEvicted() {
        try (EngineHarness h = harness(4)) {
            TableId t = EvictionTest.table(h, 4, RULES);
            EvictionTest.bet(h, 0, t, BetKind.PASS, 10);
            EvictionTest.bet(h, 1, t, BetKind.FIELD, 10);
            long total = h.state(0, t).getTotal();
            long rollNo = h.state(0, t).getRollNo();
            // node 2's reveal is late: not sent alone, not in its Prepares, catch-up replies or Statuses
            java.util.function.Predicate<EngineHarness.Msg> late = m -> m.from() == 2
                    && (m.kind() == Body.KindCase.DICE_REVEAL
                    || (m.kind() == Body.KindCase.PREPARE && EvictionTest.carriesReveals(m.body().getPrepare().getTx()))
                    || (m.kind() == Body.KindCase.CERTIFICATE_REPLY && m.body().getCertificateReply().hasPrepare()));
            h.dropIf(late);
            h.replaceIf(m -> m.from() == 2 && m.kind() == Body.KindCase.STATUS, env -> withoutReveals(h, env));
            long roll = h.command(0, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> {
                for (int i : new int[] {0, 3}) {
                    if (!h.engine(i).debugState(t).contains("reveals=3")) {
                        return false;
                    }
                }
                return true;
            }, 5_000), "nodes 0 and 3 never held three reveals:" + describe(h, t, 0, 1, 2, 3));
            // node 1 (its reveal held by all) lies: two votes at the next slot, seen by node 0
            TableState s = h.state(0, t);
            h.makePuppet(1);
            long seq = s.getSeq() + 1;
            ByteString a = Wire.tx(t, seq, s.getLastHash()).build().toByteString();
            ByteString b = Wire.tx(t, seq, s.getLastHash()).addIntentBatches(Wire.batch(h.identity(1), t, 99,
                    Wire.bet(99 * 4096, BetType.FIELD, 5))).build().toByteString();
            h.inject(0, Wire.vote(h.identity(1), t, seq, 0, Wire.hash(a)));
            h.inject(0, Wire.vote(h.identity(1), t, seq, 0, Wire.hash(b)));
            h.advance(3_000); // well below the dice timeout (20 s): node 2 is not gone
            assertEquals(rollNo, h.state(0, t).getRollNo(), "the roll finished without node 2's reveal?");
            assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, h.state(0, t).getPlayers(1).getEvicted(),
                    "an Evict tx restarted the roll while a stayer's reveal was only late");
            h.clearHooks(); // node 2's reveal comes (resent, or in its next Status)
            assertTrue(h.runUntil(() -> h.reply(0, roll) != null, 30_000), "the roll never finished:"
                    + describe(h, t, 0, 2, 3));
            assertTrue(h.runUntil(() -> h.state(0, t).getPlayers(1).getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED
                    && h.state(3, t).getPlayers(1).getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 30_000),
                    "the liar was never evicted after the roll:" + describe(h, t, 0, 2, 3));
            TableState end = NodeEngineTest.sameStateEverywhere(h, t, 0, 2, 3);
            assertEquals(rollNo + 1, end.getRollNo());
            PlayerState liar = end.getPlayers(1);
            assertEquals(EvictionCause.EVICTION_LIAR, liar.getEvicted());
            assertEquals(0, liar.getEvictedBond(), "its reveal was held: no bond");
            assertEquals(total, end.getTotal());
            for (int i : new int[] {0, 2, 3}) {
                LedgerReplay.Report report = new LedgerReplay(h.store(i), new EnvelopeVerifier()).replay(t, x -> { });
                assertTrue(report.ok(), "node " + i + ": " + report.problems());
            }
            System.out.println("[late reveal] roll finished at attempt " + end.getDiceAttempt() + ", liar evicted at seq "
                    + liar.getEvictedSeq() + " paid " + liar.getEvictedPaid());
        }
    }
}
