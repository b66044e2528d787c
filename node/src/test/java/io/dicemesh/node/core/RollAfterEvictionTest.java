package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.protocol.EvictionCause;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A roll is asked for while a player is gone (its commitment never comes, so the commitments tx cannot be proposed;
 * an attacker's review found both holes): the wanted roll makes the table busy, so the gone player is evicted
 * without any other work, and the eviction between rolls keeps the commitments collected, so the roll goes on.
 */
@Timeout(60)
class RollAfterEvictionTest {
    @Test
    void aRollAskedForWhileAPlayerIsGoneEvictsItAndIsRolled() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = h.createTable(List.of(0, 1, 2), 1000, 100_000, EvictionTest.RULES);
            h.crash(2);
            long roll = h.command(0, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> h.state(0, t).getPlayers(2).getEvicted()
                    != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 20_000), h.engine(0).debugState(t));
            assertTrue(h.runUntil(() -> h.reply(0, roll) != null, 20_000), h.engine(0).debugState(t));
            assertInstanceOf(ClientResult.Rolled.class, h.reply(0, roll));
        }
    }
}
