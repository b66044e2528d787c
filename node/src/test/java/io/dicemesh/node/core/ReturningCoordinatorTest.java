package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.EvictionCause;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Honest players, one crash (an attacker's review found it): the coordinator of a slot proposes, takes its own lock
 * (synced) and dies before its Prepare leaves. The two others evict it with a reduced certificate for the Evict tx
 * at that slot. When it comes back, the certificate (which needs none of its votes) stands against its lock: it
 * learns its eviction instead of halting the table as "forked by liars" (DESIGN 5b "Coming back").
 */
@Timeout(60)
class ReturningCoordinatorTest {
    @Test
    void aCoordinatorThatDiedHoldingItsOwnLockLearnsItsEvictionWhenItComesBack() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = h.createTable(List.of(0, 1, 2), 1000, 100_000, EvictionTest.RULES);
            long k = h.state(0, t).getSeq();
            int c = h.nodeIndex(h.engine(0).tablesForTest().get(t).model().coordinator(k + 1, 0));
            int other = (c + 1) % 3;
            h.dropIf(m -> m.from() == c && (m.kind() == Body.KindCase.PREPARE || m.kind() == Body.KindCase.VOTE));
            h.command(other, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            assertTrue(h.runUntil(() -> h.engine(c).lockedTxHash(t).isPresent(), 2_000), "coordinator never locked");
            h.crash(c); // its lock is durable; its Prepare and vote never left
            h.clearHooks();
            assertTrue(h.runUntil(() -> h.state(other, t).getPlayers(c).getEvicted()
                    != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 20_000), h.engine(other).debugState(t));
            assertEquals(k + 1, h.state(other, t).getPlayers(c).getEvictedSeq(), "evicted at the slot it was locked on");
            h.restart(c);
            for (int i = 0; i < 3; i++) {
                if (i != c) {
                    h.linkUp(c, i);
                    h.linkUp(i, c);
                }
            }
            h.advance(5_000);
            long show = h.command(c, new ClientRequest.ShowTable(t));
            String status = ((ClientResult.TableInfo) h.reply(c, show)).summary().status();
            assertEquals("evicted", status, h.engine(c).debugState(t));
            assertTrue(h.engine(c).evidence(t).stream().noneMatch(e -> e.getKind()
                    == io.dicemesh.protocol.EvidenceKind.EVIDENCE_CERTIFIED_INVALID_TX), "no honest player accused");
        }
    }
}
