package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code table leave} always works (DESIGN 5b): between rolls at once; asked while a roll is under way it waits
 * for that roll to commit and then takes effect, and meanwhile the leaving node joins no new roll.
 */
@Timeout(60)
class LeaveDuringRollTest {
    static final TableRules RULES = Wire.rules(100, 20_000).toBuilder().setAbsentTimeoutMs(60_000).build();

    @Test
    void aLeaveAskedForWhileTheRevealsAreAwaitedTakesEffectOnceTheRollCommits() {
        try (EngineHarness h = harness(3)) {
            TableId t = EvictionTest.table(h, 3, RULES);
            EvictionTest.bet(h, 2, t, BetKind.PASS, 10);
            long total = h.state(0, t).getTotal();
            h.holdIf(EngineHarness.kind(Body.KindCase.DICE_REVEAL));
            long roll = h.command(0, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> h.state(2, t).getRollCommitmentsCount() == 3, 5_000), "no roll under way");
            long leave = h.command(2, new ClientRequest.Leave(t));
            h.advance(500);
            assertNull(h.reply(2, leave), "the leave waits for the roll under way");
            assertTrue(!h.state(2, t).getPlayers(2).getLeft());
            long rollNo = h.state(0, t).getRollNo();
            h.clearHooks();
            h.releaseHeld();
            assertTrue(h.runUntil(() -> h.reply(2, leave) != null && h.reply(0, roll) != null, 10_000),
                    "the leave never took effect: " + h.engine(2).debugState(t));
            ClientResult.IntentDone done = assertInstanceOf(ClientResult.IntentDone.class, h.reply(2, leave));
            assertTrue(done.outcome().accepted(), done.toString());
            TableState s = NodeEngineTest.sameStateEverywhere(h, t, 0, 1, 2);
            assertEquals(rollNo + 1, s.getRollNo(), "the roll committed with the leaving player's reveal");
            PlayerState gone = s.getPlayers(2);
            assertTrue(gone.getLeft());
            assertTrue(gone.getWithdrawn() > 0);
            assertEquals(total, s.getTotal());
        }
    }

    @Test
    void aLeavingPlayerJoinsNoNewRollAndTheRollGoesOnWithoutIt() {
        try (EngineHarness h = harness(3)) {
            TableId t = EvictionTest.table(h, 3, RULES);
            EvictionTest.bet(h, 1, t, BetKind.PASS, 10);
            // node 2's Leave is signed; before it commits, node 0 asks for a roll
            h.holdIf(m -> m.from() == 2 && m.kind() == Body.KindCase.INTENT_BATCH);
            long leave = h.command(2, new ClientRequest.Leave(t));
            h.advance(20);
            long refused = h.command(2, new ClientRequest.Roll(t));
            assertInstanceOf(ClientResult.Failed.class, h.reply(2, refused), "a leaving node asks for no roll");
            long rollNo = h.state(0, t).getRollNo();
            long roll = h.command(0, new ClientRequest.Roll(t));
            h.advance(200);
            h.clearHooks();
            h.releaseHeld();
            assertTrue(h.runUntil(() -> h.reply(2, leave) != null && h.reply(0, roll) != null, 10_000),
                    "leave or roll never done: " + h.engine(0).debugState(t));
            assertTrue(assertInstanceOf(ClientResult.IntentDone.class, h.reply(2, leave)).outcome().accepted());
            assertInstanceOf(ClientResult.Rolled.class, h.reply(0, roll));
            TableState s = NodeEngineTest.sameStateEverywhere(h, t, 0, 1);
            assertEquals(rollNo + 1, s.getRollNo());
            assertTrue(s.getPlayers(2).getLeft());
        }
    }

    /** Found in review: a roll asked for at a table that then lost all but its asker held that player's leave forever. */
    @Test
    void theLastPlayerLeftAfterItsPartnerLeftDuringItsRollCanLeaveAndCommitsNoEmptySlots() {
        try (EngineHarness h = harness(2)) {
            TableId t = EvictionTest.table(h, 2, RULES);
            h.holdIf(m -> m.from() == 0 && (m.kind() == Body.KindCase.INTENT_BATCH
                    || m.kind() == Body.KindCase.PREPARE));
            long leaveA = h.command(0, new ClientRequest.Leave(t));
            long roll = h.command(1, new ClientRequest.Roll(t));
            h.advance(200);
            h.clearHooks();
            h.releaseHeld();
            assertTrue(h.runUntil(() -> h.reply(0, leaveA) != null, 10_000), "A's leave: " + h.engine(0).debugState(t));
            assertTrue(h.state(1, t).getPlayers(0).getLeft());
            assertInstanceOf(ClientResult.Failed.class, h.reply(1, roll), "a roll that can never happen is answered");
            long seq = h.state(1, t).getSeq();
            h.advance(10_000);
            assertEquals(seq, h.state(1, t).getSeq(), "a lone player commits nothing without work");
            long leaveL = h.command(1, new ClientRequest.Leave(t));
            assertTrue(h.runUntil(() -> h.reply(1, leaveL) != null, 10_000), "the last player's leave is held forever: "
                    + h.engine(1).debugState(t));
            assertTrue(assertInstanceOf(ClientResult.IntentDone.class, h.reply(1, leaveL)).outcome().accepted());
            assertTrue(h.state(1, t).getPlayers(1).getLeft());
        }
    }

    /** Found in review: a node restarted with its signed Leave pending joined the next roll and its Leave was refused. */
    @Test
    void aNodeRestartedWithItsLeaveSignedJoinsNoRollAndItsLeaveApplies() {
        try (EngineHarness h = harness(3)) {
            TableId t = EvictionTest.table(h, 3, RULES);
            EvictionTest.bet(h, 1, t, BetKind.PASS, 10);
            h.holdIf(m -> m.from() == 2 && (m.kind() == Body.KindCase.INTENT_BATCH
                    || m.kind() == Body.KindCase.PREPARE));
            h.command(2, new ClientRequest.Leave(t));
            h.advance(50);
            h.crash(2);
            h.restart(2);
            long rollNo = h.state(0, t).getRollNo();
            long roll = h.command(0, new ClientRequest.Roll(t));
            h.advance(300);
            h.clearHooks();
            h.releaseHeld();
            assertTrue(h.runUntil(() -> h.reply(0, roll) != null && h.state(0, t).getPlayers(2).getLeft(), 10_000),
                    "roll or leave never done: " + h.engine(0).debugState(t) + "\n" + h.engine(2).debugState(t));
            TableState s = NodeEngineTest.sameStateEverywhere(h, t, 0, 1);
            assertEquals(rollNo + 1, s.getRollNo());
            assertTrue(s.getPlayers(2).getLeft());
        }
    }
}
