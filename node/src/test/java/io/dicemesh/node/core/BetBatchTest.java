package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static io.dicemesh.node.core.NodeEngineTest.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A batch of bets ({@link ClientRequest.PlaceBets}): one intent batch, one slot, one answer with every outcome. */
class BetBatchTest {
    private static ClientRequest.PlaceBets fieldBets(TableId t, long... amounts) {
        List<ClientRequest.PlaceBet> bets = new ArrayList<>();
        for (long a : amounts) {
            bets.add(new ClientRequest.PlaceBet(t, BetKind.FIELD, a, 0, 0));
        }
        return new ClientRequest.PlaceBets(t, bets);
    }

    @Test
    void aBatchCommitsInOneSlotAndIsAnsweredOnceWithEachBetsOutcomeInOrder() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3); // stacks of 1000
            long single = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            long batch = h.command(0, fieldBets(t, 50, 50, 50, 990, 5));
            assertTrue(h.runUntil(() -> h.reply(0, batch) != null && h.reply(0, single) != null, 5_000),
                    h.engine(0).debugState(t));
            assertInstanceOf(ClientResult.IntentDone.class, h.reply(0, single), "a single bet keeps its answer");
            ClientResult.IntentsDone done = assertInstanceOf(ClientResult.IntentsDone.class, h.reply(0, batch));
            assertEquals(5, done.outcomes().size());
            List<Boolean> accepted = done.outcomes().stream().map(ApplyResult.IntentOutcome::accepted).toList();
            assertEquals(List.of(true, true, true, false, true), accepted, "the fourth is more than the stack (and its bond) covers: "
                    + done.outcomes());
            long firstIntent = done.outcomes().get(0).intentId();
            for (int i = 0; i < 5; i++) {
                assertEquals(firstIntent + i, done.outcomes().get(i).intentId(), "in the order of the request");
                assertEquals(done.outcomes().get(0).batchNo(), done.outcomes().get(i).batchNo(), "one intent batch");
            }
            assertEquals(1000 - 10 - 155, h.state(1, t).getPlayers(0).getStack(), "every peer applied it");
        }
    }

    @Test
    void takeDownsInABatchApplyBeforeItsBetsSoTheFeltHoldsOneBatchAtATime() {
        try (EngineHarness h = harness(2)) {
            TableId t = table(h, 2);
            List<ClientRequest.PlaceBet> places = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                places.add(new ClientRequest.PlaceBet(t, BetKind.PLACE, 6, i % 2 == 0 ? 6 : 8, 0));
            }
            List<Long> previous = List.of();
            for (int round = 0; round < 3; round++) {
                long id = h.command(0, new ClientRequest.PlaceBets(t, previous, places));
                assertTrue(h.runUntil(() -> h.reply(0, id) != null, 5_000), h.engine(0).debugState(t));
                ClientResult.IntentsDone done = assertInstanceOf(ClientResult.IntentsDone.class, h.reply(0, id));
                assertEquals(previous.size() + 100, done.outcomes().size());
                assertTrue(done.outcomes().stream().allMatch(ApplyResult.IntentOutcome::accepted),
                        "100 bets a seat fit the felt once the last 100 are down: " + done.outcomes());
                assertEquals(previous.size(), done.outcomes().stream()
                        .filter(o -> o.kind() == io.dicemesh.protocol.Intent.KindCase.TAKE_DOWN).count());
                previous = done.outcomes().stream()
                        .filter(o -> o.kind() == io.dicemesh.protocol.Intent.KindCase.PLACE_BET)
                        .map(ApplyResult.IntentOutcome::betId).toList();
            }
            assertEquals(1000 - 600, h.state(1, t).getPlayers(0).getStack(), "one batch of 100 x 6 on the felt");
        }
    }

    @Test
    void aBatchNeverStraddlesTwoIntentBatches() {
        try (EngineHarness h = harness(2)) {
            TableId t = table(h, 2);
            long[] small = new long[WireLimits.INTENTS_PER_BATCH_MAX - 2];
            java.util.Arrays.fill(small, 5);
            long[] three = {5, 5, 5};
            // with stacks of 1000 most of these are refused: what counts is where each batch lands
            long first = h.command(0, fieldBets(t, small));
            long second = h.command(0, fieldBets(t, three));
            assertTrue(h.runUntil(() -> h.reply(0, first) != null && h.reply(0, second) != null, 10_000),
                    h.engine(0).debugState(t));
            ClientResult.IntentsDone a = assertInstanceOf(ClientResult.IntentsDone.class, h.reply(0, first));
            ClientResult.IntentsDone b = assertInstanceOf(ClientResult.IntentsDone.class, h.reply(0, second));
            assertEquals(small.length, a.outcomes().size());
            assertEquals(3, b.outcomes().size());
            long batchOfB = b.outcomes().get(0).batchNo();
            assertTrue(b.outcomes().stream().allMatch(o -> o.batchNo() == batchOfB), "the three bets in one batch");
            assertTrue(batchOfB > a.outcomes().get(0).batchNo(), "they did not fit beside the first request's");
        }
    }

    /**
     * At a table that cannot commit (its other player is down), this node keeps at most two full batches of its
     * clients' intents: a further request is answered busy at once, not kept to be resent for nothing.
     */
    @Test
    void aTableThatCannotCommitKeepsAtMostTwoFullBatchesOfItsClientsIntents() {
        try (EngineHarness h = harness(2)) {
            TableId t = table(h, 2);
            h.crash(1);
            long[] full = new long[WireLimits.INTENTS_PER_BATCH_MAX];
            java.util.Arrays.fill(full, 5);
            long first = h.command(0, fieldBets(t, full));
            long second = h.command(0, fieldBets(t, full));
            long third = h.command(0, fieldBets(t, 5));
            h.runUntil(() -> h.reply(0, third) != null, 1_000);
            ClientResult.Failed busy = assertInstanceOf(ClientResult.Failed.class, h.reply(0, third));
            assertEquals(ClientResult.Code.BUSY, busy.code(), busy.message());
            assertTrue(h.reply(0, first) == null && h.reply(0, second) == null, "the first two wait for their slot");
            h.restart(1);
            assertTrue(h.runUntil(() -> h.reply(0, first) != null && h.reply(0, second) != null, 20_000),
                    h.engine(0).debugState(t));
            assertInstanceOf(ClientResult.IntentsDone.class, h.reply(0, second));
        }
    }

    @Test
    void aBatchForATableThisNodeIsNotSeatedAtIsRefusedOnce() {
        try (EngineHarness h = harness(3)) {
            TableId t = h.createTable(List.of(0, 1), 1000, 100_000, NodeEngineTest.RULES);
            long id = h.command(2, fieldBets(t, 5, 5));
            h.runUntil(() -> h.reply(2, id) != null, 2_000);
            ClientResult.Failed r = assertInstanceOf(ClientResult.Failed.class, h.reply(2, id));
            assertTrue(r.code() == ClientResult.Code.NOT_SEATED || r.code() == ClientResult.Code.UNKNOWN_TABLE, "" + r);
        }
    }

    @Test
    void aBatchIsOneToTheIntentLimitOfBetsAllForItsTable() {
        TableId t = TableId.of(new byte[32]);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> fieldBets(t));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> fieldBets(t, new long[WireLimits.INTENTS_PER_BATCH_MAX + 1]));
        byte[] other = new byte[32];
        other[0] = 1;
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ClientRequest.PlaceBets(t, List.of(new ClientRequest.PlaceBet(TableId.of(other),
                        BetKind.FIELD, 5, 0, 0))));
    }
}
