package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.TableRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A liar cannot get an answering player evicted as a withholder by keeping it from learning that a roll's
 * commitments committed (an attacker's review found this): the liar holds back its vote on the commitments tx
 * until the victim's views have backed off far, then gives it to one honest player only, which commits and
 * reveals; nobody tells the victim, whose reveal is then "missing" there after the dice timeout, just when the
 * liar's Status offers a round without the victim. Now a reveal for a roll a node has not reached makes it ask
 * the sender for certificates at once, so it commits, reveals in time, and stays. Fails without that query.
 */
@Timeout(120)
class MissedRollCommitTest {
    @Test
    void aPlayerThatMissedARollsCommitLearnsItFromTheFirstRevealAndIsNotEvicted() {
        TableRules rules = Wire.rules(500, 10_000).toBuilder().setAbsentTimeoutMs(120_000).build();
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = EvictionTest.table(h, 3, rules);
            EvictionTest.bet(h, 2, t, BetKind.PASS, 100);
            long seqBefore = h.state(1, t).getSeq();
            // the liar (node 0) keeps its vote from node 1 and helps node 2 in no way
            h.holdIf(m -> m.from() == 0 && m.kind() == Body.KindCase.VOTE && m.to() == 1);
            h.dropIf(m -> m.from() == 0 && ((m.kind() == Body.KindCase.VOTE && m.to() == 2)
                    || m.kind() == Body.KindCase.CERTIFICATE_REPLY));
            h.command(0, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> h.engine(2).debugState(t).contains(" view=7 "), 120_000),
                    h.engine(2).debugState(t));
            assertEquals(seqBefore, h.state(1, t).getSeq());
            // the held vote reaches node 1 only, long after node 2's views backed off
            h.clearHooks();
            h.makePuppet(0); // from here the liar sends only what the test signs for it: no reveal
            h.releaseHeld();
            h.pump();
            assertEquals(seqBefore + 1, h.state(1, t).getSeq(), "node 1 did not commit the commitments");
            assertEquals(seqBefore + 1, h.state(2, t).getSeq(),
                    "node 2 did not learn of the commit from node 1's reveal: " + h.engine(2).debugState(t));
            // past node 1's dice timeout the liar offers a round without node 2
            h.advance(10_001);
            long seq = seqBefore + 2;
            int view = Math.floorMod(1 - seq, 2) == 0 ? 2 : 1;
            h.inject(1, h.identity(0), Body.newBuilder().setStatus(Status.newBuilder().setTableId(t.bytes())
                    .setSeq(seq).setView(view).addExcluded(h.id(2).byteString())).build());
            h.pump();
            h.advance(30_000);
            for (int i : new int[] {1, 2}) {
                assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, h.state(i, t).getPlayers(2).getEvicted(),
                        "node " + i + " evicted node 2, which answered: " + h.engine(i).debugState(t));
            }
            // the liar, silent from here, is evicted for absence and the two finish the roll with all reveals
            long rollNo = h.state(1, t).getRollNo();
            assertTrue(h.runUntil(() -> h.state(2, t).getRollNo() > rollNo
                    && h.state(1, t).getPlayers(0).getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED,
                    200_000), h.engine(1).debugState(t));
            assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, h.state(1, t).getPlayers(2).getEvicted());
        }
    }
}
