package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static io.dicemesh.node.core.NodeEngineTest.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.game.BetKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A table that cannot commit says so: since when, whom it waits for, and what the eviction rules allow. */
@Timeout(30)
class StallTest {
    private static ClientResult.TableSummary summary(EngineHarness h, int node, TableId t) {
        long id = h.command(node, new ClientRequest.ShowTable(t));
        return assertInstanceOf(ClientResult.TableInfo.class, h.reply(node, id)).summary();
    }

    @Test
    void aSilentPlayerStallsTheTableAndTheRulesSayWhenItMayBeEvicted() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            assertEquals("active", summary(h, 0, t).status());
            h.makePuppet(2); // silent from now on
            long start = h.nowMs();
            long bet = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(500);
            assertNull(h.reply(0, bet));
            assertEquals("active", summary(h, 0, t).status(), "not before three views' timeouts");
            h.advance(5_000);
            ClientResult.TableSummary s = summary(h, 0, t);
            assertEquals("stalled", s.status());
            assertEquals("votes", s.stall().waitingOn());
            assertEquals(List.of(h.id(2)), s.stall().waitingFor());
            assertTrue(s.stall().sinceMs() >= start && s.stall().sinceMs() <= start + 10, "since " + s.stall());
            assertEquals(s.stall().sinceMs() + 120_000, s.stall().evictableAtMs(), "the absent timeout after that");
            assertNull(s.stall().cannotEvict());
            assertTrue(h.engine(0).stalledTables().contains(t));
        }
    }

    @Test
    void aTwoPlayerTableSaysWhyItCannotEvict() {
        try (EngineHarness h = harness(2)) {
            TableId t = table(h, 2);
            h.makePuppet(1);
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(6_000);
            ClientResult.TableSummary s = summary(h, 0, t);
            assertEquals("stalled", s.status());
            assertEquals(-1, s.stall().evictableAtMs());
            assertEquals("a table of two: only a proven liar can be evicted", s.stall().cannotEvict());
        }
    }

    @Test
    void aMissingRevealIsWhatTheTableWaitsFor() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.dropIf(m -> m.kind() == io.dicemesh.protocol.Body.KindCase.DICE_REVEAL); // no reveal travels
            h.command(0, new ClientRequest.Roll(t));
            h.advance(1_500); // past the 1 s dice timeout
            ClientResult.TableSummary s = summary(h, 0, t);
            assertEquals("stalled", s.status(), "" + s);
            assertEquals("reveals", s.stall().waitingOn());
            assertEquals(List.of(h.id(1), h.id(2)), s.stall().waitingFor(), "node 0 holds only its own reveal");
            assertEquals(-1, s.stall().evictableAtMs());
            assertTrue(s.stall().cannotEvict().startsWith("too few stayers: 1 of 3"), s.stall().cannotEvict());
        }
    }

    @Test
    void theRulesArithmetic() {
        assertNull(Stall.whyNoEviction(3, 1, 0));
        assertTrue(Stall.whyNoEviction(3, 1, 1).startsWith("too few stayers: 2 of 3"));
        assertTrue(Stall.whyNoEviction(4, 2, 0).startsWith("too few stayers"), "2 + 2: neither side may evict");
        assertNull(Stall.whyNoEviction(4, 1, 1));
        assertTrue(Stall.whyNoEviction(5, 2, 1).startsWith("too few stayers"));
        assertNull(Stall.whyNoEviction(5, 2, 0));
        assertTrue(Stall.whyNoEviction(3, 0, 0).startsWith("every player is answering"));
    }
}
