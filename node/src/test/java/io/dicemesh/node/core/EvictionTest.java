package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DESIGN 5b through {@link EngineHarness}: a table goes on without a player who is gone, and settles it fairly. */
@Timeout(60)
class EvictionTest {
    static final TableRules RULES = Wire.rules(100, 1000).toBuilder().setAbsentTimeoutMs(3000).build();

    private static TableId table(EngineHarness h, int n) {
        return table(h, n, RULES);
    }

    /** A table of nodes 0..n-1 with stacks of 1000 and these rules. */
    static TableId table(EngineHarness h, int n, TableRules rules) {
        List<Integer> players = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            players.add(i);
        }
        return h.createTable(players, 1000, 100_000, rules);
    }

    private static String describe(EngineHarness h, TableId t, int... nodes) {
        StringBuilder s = new StringBuilder();
        for (int i : nodes) {
            s.append("\n  node ").append(i).append(": ").append(h.engine(i).debugState(t));
        }
        return s.toString();
    }

    static void bet(EngineHarness h, int node, TableId t, BetKind kind, long amount) {
        long id = h.command(node, new ClientRequest.PlaceBet(t, kind, amount, 0, 0));
        assertTrue(h.runUntil(() -> h.reply(node, id) != null, 5_000), "bet not answered");
        assertTrue(assertInstanceOf(ClientResult.IntentDone.class, h.reply(node, id)).outcome().accepted());
    }

    @Test
    void twoPlayersGoOnWithoutOneWhoCrashedForGoodAndItLearnsItsSettlementWhenItComesBack() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            bet(h, 0, t, BetKind.PASS, 10);
            bet(h, 1, t, BetKind.FIELD, 10);
            bet(h, 2, t, BetKind.DONT_PASS, 30);
            long total = h.state(0, t).getTotal();
            h.crash(2);
            long crashedAt = h.nowMs();
            long stuck = h.command(0, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            assertTrue(h.runUntil(() -> h.reply(0, stuck) != null, 20_000), "the table never went on without node 2:"
                    + describe(h, t, 0, 1));
            long after = h.nowMs() - crashedAt;
            // the stuck slot is finished first (its bet committed without node 2's vote), then the Evict tx follows
            assertTrue(h.runUntil(() -> h.state(0, t).getPlayers(2).getEvicted()
                    != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 20_000), "node 2 was never evicted:"
                    + describe(h, t, 0, 1));
            TableState s = h.state(0, t);
            PlayerState gone = s.getPlayers(2);
            assertEquals(EvictionCause.EVICTION_ABSENCE, gone.getEvicted(), "" + s);
            assertTrue(gone.getLeft());
            // its dont pass 30 on the come-out may come down: max(30, 30 * 1953/1980) = 30; its stack 970 + 30
            assertEquals(30, gone.getEvictedPaid());
            assertEquals(1000, gone.getWithdrawn());
            assertEquals(total, s.getTotal());
            assertTrue(after >= 3000 && after < 12_000, "went on " + after + " ms after the crash");
            long roll = h.command(1, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> h.reply(1, roll) != null, 10_000), "two players cannot roll:"
                    + describe(h, t, 0, 1));
            assertInstanceOf(ClientResult.Rolled.class, h.reply(1, roll));
            NodeEngineTest.sameStateEverywhere(h, t, 0, 1);

            h.restart(2);
            h.linkUp(2, 0);
            h.linkUp(0, 2);
            assertTrue(h.runUntil(() -> h.state(2, t).getSeq() == h.state(0, t).getSeq(), 10_000),
                    "the evicted node did not catch up:" + describe(h, t, 0, 1, 2));
            NodeEngineTest.sameStateEverywhere(h, t, 0, 1, 2);
            long show = h.command(2, new ClientRequest.ShowTable(t));
            assertEquals("evicted", assertInstanceOf(ClientResult.TableInfo.class, h.reply(2, show)).summary()
                    .status());
            for (int i = 0; i < 3; i++) {
                LedgerReplay.Report audit = new LedgerReplay(h.store(i), new io.dicemesh.crypto.EnvelopeVerifier())
                        .replay(t, slot -> { });
                assertTrue(audit.ok(), "node " + i + ": " + audit.problems());
                assertEquals(total, audit.state().getTotal());
            }
            System.out.println("[eviction] node 2 evicted and the table played on " + after + " ms after it crashed"
                    + " (absent timeout 3000 ms, view timeout 100 ms)");
        }
    }

    /**
     * DESIGN 5b's example: a don't pass with the point on is worth more than its stake (4/3 of it on 4 or 10, 6/5 on
     * 5 or 9, 12/11 on 6 or 8, from P(7 before the point) = 6 / (6 + ways)), and one that may come down is settled at
     * max(face, fair value), so the evicted player gets the fair value here, rounded down once.
     */
    @Test
    void aDontPassWithThePointOnIsSettledAtItsFairValueAboveItsStake() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            long stake = 30;
            int point = 0;
            for (int tries = 0; tries < 200 && point == 0; tries++) {
                TableState s = h.state(0, t);
                boolean hasDontPass = s.getFeltList().stream().anyMatch(b -> b.getSeat() == 2
                        && b.getType() == io.dicemesh.protocol.BetType.DONT_PASS);
                if (s.getPoint() != 0 && hasDontPass) {
                    point = s.getPoint();
                    break;
                }
                if (s.getPoint() == 0 && !hasDontPass) {
                    bet(h, 2, t, BetKind.DONT_PASS, stake);
                }
                long roll = h.command(0, new ClientRequest.Roll(t));
                assertTrue(h.runUntil(() -> h.reply(0, roll) != null, 10_000), "roll not answered");
            }
            assertTrue(point != 0, "no point was ever set with node 2's don't pass on");
            long total = h.state(0, t).getTotal();
            h.crash(2);
            long stuck = h.command(0, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            assertTrue(h.runUntil(() -> h.reply(0, stuck) != null && h.state(0, t).getPlayers(2).getEvicted()
                    != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 30_000), "node 2 was never evicted:"
                    + describe(h, t, 0, 1));
            PlayerState gone = h.state(0, t).getPlayers(2);
            int ways = switch (point) {
                case 4, 10 -> 3;
                case 5, 9 -> 4;
                default -> 5;
            };
            // the stake back plus even money when a 7 comes before the point: 2 * stake * 6 / (6 + ways)
            long fair = 2 * stake * 6 / (6 + ways);
            assertTrue(fair > stake);
            assertEquals(EvictionCause.EVICTION_ABSENCE, gone.getEvicted());
            assertEquals(fair, gone.getEvictedPaid(), "don't pass on " + point);
            assertEquals(total, h.state(0, t).getTotal());
            System.out.println("[eviction] a don't pass of " + stake + " on " + point + " settled at " + fair);
        }
    }

    /**
     * DESIGN 5b: Statuses carry the reveals their sender holds, so a reveal that reached one stayer only finishes
     * the roll (no restart, no forfeit) when its player is then gone.
     */
    @Test
    void aRevealThatReachedOnlyOneStayerFinishesTheRollAfterItsPlayerIsGone() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            bet(h, 2, t, BetKind.FIELD, 10);
            long total = h.state(0, t).getTotal();
            // node 2's reveal reaches node 0 only, and never inside a Prepare or a catch-up reply
            h.dropIf(m -> m.from() == 2 && ((m.kind() == io.dicemesh.protocol.Body.KindCase.DICE_REVEAL && m.to() == 1)
                    || (m.kind() == io.dicemesh.protocol.Body.KindCase.PREPARE
                            && carriesReveals(m.body().getPrepare().getTx()))
                    || (m.kind() == io.dicemesh.protocol.Body.KindCase.CERTIFICATE_REPLY
                            && m.body().getCertificateReply().hasPrepare())));
            long rollNo = h.state(0, t).getRollNo();
            long roll = h.command(0, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> h.engine(0).debugState(t).contains("reveals=3")
                    || h.state(0, t).getRollNo() > rollNo, 5_000), "node 0 never held node 2's reveal:" + describe(h, t, 0, 1, 2));
            h.crash(2);
            assertTrue(h.runUntil(() -> h.reply(0, roll) != null, 30_000), "the roll never completed:"
                    + describe(h, t, 0, 1));
            assertInstanceOf(ClientResult.Rolled.class, h.reply(0, roll));
            TableState s = NodeEngineTest.sameStateEverywhere(h, t, 0, 1);
            assertEquals(rollNo + 1, s.getRollNo());
            assertEquals(0, s.getDiceAttempt(), "the roll finished with the reveals held, not a restart");
            PlayerState gone = s.getPlayers(2);
            if (gone.getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED) {
                assertEquals(EvictionCause.EVICTION_ABSENCE, gone.getEvicted(), "its reveal was held: no withholding");
                assertEquals(0, gone.getEvictedBond());
            }
            assertEquals(total, s.getTotal());
        }
    }

    /** Whether a serialized tx is a roll's reveals (tests drop the messages that would carry one). */
    static boolean carriesReveals(com.google.protobuf.ByteString tx) {
        try {
            return io.dicemesh.protocol.Tx.parseFrom(tx).getDiceRevealsCount() > 0;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return false;
        }
    }

    /**
     * A player evicted while its link stayed up (everything it sent or was sent was lost, but no connection
     * dropped, so no reconnect makes it ask) learns its eviction from the others' answers to its own Statuses:
     * they help a former player behind as they help a player (an attacker's review found it stuck, showing
     * `stalled` instead of `evicted`). Fails when Statuses from a former player are dropped unanswered.
     */
    @Test
    void aPlayerEvictedWithoutLosingItsLinkLearnsItFromTheAnswersToItsStatuses() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.dropIf(m -> m.from() == 2 || m.to() == 2);
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            h.command(2, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0)); // node 2 is busy: it will ask
            assertTrue(h.runUntil(() -> h.state(0, t).getPlayers(2).getEvicted() == EvictionCause.EVICTION_ABSENCE,
                    30_000), describe(h, t, 0, 1, 2));
            h.clearHooks();
            assertTrue(h.runUntil(() -> h.state(2, t).getPlayers(2).getEvicted() == EvictionCause.EVICTION_ABSENCE,
                    30_000), "node 2 never learned its eviction:" + describe(h, t, 0, 1, 2));
            assertEquals(h.state(0, t), h.state(2, t));
        }
    }
}
