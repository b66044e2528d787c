package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Envelope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link IntentPool}: what a coordinator may include, in which order, within which limits. */
@Timeout(10)
class IntentPoolTest {
    private final TableFixture f = new TableFixture(3, 1000, 100_000);
    private final TableModel state = f.fresh();
    private final IntentPool pool = new IntentPool();

    private Envelope batch(int player, long batchNo) {
        return Wire.batch(f.player(player), f.id, batchNo, Wire.bet(batchNo, BetType.FIELD, 5));
    }

    private boolean add(int player, long batchNo) {
        return added(pool.add(player, batchNo, state.lastBatchNo(player), batch(player, batchNo)));
    }

    private static boolean added(IntentPool.Added a) {
        return a == IntentPool.Added.ADDED;
    }

    @Test
    void staleDuplicateAndFarAheadBatchesAreNotKept() {
        assertFalse(added(pool.add(0, 3, 3, batch(0, 3))), "already applied");
        assertFalse(added(pool.add(0, 0, 0, batch(0, 0))), "batch numbers start at 1");
        assertTrue(add(0, 1));
        assertFalse(add(0, 1), "already held");
        assertFalse(added(pool.add(0, 1, 0, batch(0, 1).toBuilder().setSignature(batch(1, 1).getSignature())
                .build())), "another envelope for a held number");
        assertTrue(add(1, IntentPool.AHEAD_MAX), "as far ahead as allowed");
        assertFalse(add(1, IntentPool.AHEAD_MAX + 1), "too far ahead");
        assertEquals(2, pool.size());
    }

    @Test
    void onlyAPlayersNextBatchIsEligible() {
        assertTrue(add(0, 2));
        assertFalse(pool.hasEligible(state), "batch 2 waits for batch 1");
        assertTrue(pool.take(state, 10, 1 << 20).isEmpty());
        assertTrue(add(0, 1));
        assertTrue(pool.hasEligible(state));
        assertEquals(List.of(batch(0, 1), batch(0, 2)), pool.take(state, 10, 1 << 20));
    }

    @Test
    void takeKeepsArrivalOrderAndEachPlayersNumberOrder() {
        add(2, 1);
        add(0, 2);
        add(1, 1);
        add(0, 1);
        add(2, 2);
        List<Envelope> taken = pool.take(state, 10, 1 << 20);
        assertEquals(List.of(batch(2, 1), batch(1, 1), batch(0, 1), batch(2, 2), batch(0, 2)), taken);
        assertEquals(taken, pool.take(state, 10, 1 << 20), "take does not consume");
        assertEquals(5, pool.size());
    }

    @Test
    void takeStopsAtTheBatchAndByteLimits() {
        for (int b = 1; b <= 5; b++) {
            add(0, b);
        }
        assertEquals(List.of(batch(0, 1), batch(0, 2)), pool.take(state, 2, 1 << 20));
        long one = batch(0, 1).getSerializedSize() + 8L;
        assertEquals(3, pool.take(state, 10, 3 * one + 5).size());
        assertTrue(pool.take(state, 10, one - 1).isEmpty());
    }

    @Test
    void aBatchThatDoesNotFitIsPassedOverAndTheOthersStillGoIn() {
        Envelope big = HostileInputTest.bigBatch(f.player(0), f.id, 1, f.player(1).nodeId().byteString());
        assertEquals(IntentPool.Added.ADDED, pool.add(0, 1, 0, big));
        add(0, 2);
        add(1, 1);
        add(2, 1);
        List<Envelope> taken = pool.take(state, 10, big.getSerializedSize() - 1);
        assertEquals(List.of(batch(1, 1), batch(2, 1)), taken, "player 0's later batch waits behind its big one");
    }

    @Test
    void eachPlayerHoldsAtMostItsShareOfBytes() {
        long used = 0;
        long b = 1;
        for (; b <= IntentPool.AHEAD_MAX; b++) {
            Envelope big = HostileInputTest.bigBatch(f.player(0), f.id, b, f.player(1).nodeId().byteString());
            IntentPool.Added a = pool.add(0, b, 0, big);
            if (a == IntentPool.Added.NO_ROOM) {
                break;
            }
            used += big.getSerializedSize();
        }
        assertTrue(b > 1 && b <= IntentPool.AHEAD_MAX, "the share filled after " + (b - 1) + " batches");
        assertTrue(pool.heldBytes() <= IntentPool.BYTES_PER_PLAYER_MAX, pool.heldBytes() + " bytes held");
        assertTrue(add(1, 1), "another player still has its share");
        assertTrue(used > 0);
    }

    @Test
    void pruneForgetsAppliedBatchesAndPlayersWhoLeft() {
        add(0, 1);
        add(0, 2);
        add(1, 1);
        add(2, 1);
        f.applyBatches(state, batch(0, 1), Wire.batch(f.player(1), f.id, 1, Wire.leave(1)));
        pool.prune(state);
        assertEquals(2, pool.size());
        assertEquals(List.of(batch(0, 2), batch(2, 1)), pool.take(state, 10, 1 << 20));
        pool.add(1, 2, state.lastBatchNo(1), batch(1, 2));
        assertFalse(pool.take(state, 10, 1 << 20).contains(batch(1, 2)), "a player who left is never included");
    }

    @Test
    void takeSkipsPlayersWhoLeftEvenBeforePrune() {
        add(1, 2);
        add(0, 1);
        f.applyBatches(state, Wire.batch(f.player(1), f.id, 1, Wire.leave(1)));
        assertEquals(List.of(batch(0, 1)), pool.take(state, 10, 1 << 20));
    }
}
