package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static io.dicemesh.node.core.NodeEngineTest.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
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
    void junkOnItsSignersOwnChannelIsBlamedOnTheSignerAndRelayedJunkOnNobody() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            TableState s = h.state(0, t);
            Envelope junk = Wire.vote(h.identity(1), t, s.getSeq() + 1, WireLimits.VIEWS_AHEAD_MAX + 5,
                    ByteString.copyFrom(new byte[32]));

            Event.Dropped own = dropped(h.inject(0, junk));
            assertEquals(h.identity(1).nodeId(), own.blamed(), own.reason());

            Event.Dropped relayed = dropped(h.injectVia(0, h.identity(2).nodeId(), junk));
            assertNull(relayed.blamed(), "relayed by node 2, so neither node 1 nor the relay is blamed");
        }
    }

    @Test
    void aVoteForTheOpenSlotInItsViewIsNeverBlamed() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            TableState s = h.state(0, t);
            // the same vote as above but in the table's view: whatever becomes of it, it is no junk
            List<Effect> effects = h.inject(0, Wire.vote(h.identity(1), t, s.getSeq() + 1, 0,
                    ByteString.copyFrom(new byte[32])));
            for (Effect e : effects) {
                if (e instanceof Effect.Emit em && em.event() instanceof Event.Dropped d) {
                    assertNull(d.blamed(), d.reason());
                }
            }
        }
    }

    private static Event.Dropped dropped(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Emit em && em.event() instanceof Event.Dropped)
                .map(e -> (Event.Dropped) ((Effect.Emit) e).event()).findFirst()
                .orElseThrow(() -> new AssertionError("not dropped: " + effects));
    }
}
