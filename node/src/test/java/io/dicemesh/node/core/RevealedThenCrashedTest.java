package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Honest players only (an attacker's review found this hole): the Roll slot's coordinator crashes right after its
 * reveal reached both other players. Every stayer holds all three reveals, and shows them in its Status, so the round
 * without the crashed player finishes the roll with the dice everyone knows; the crashed player is then evicted for
 * absence, its bets settled, its bond kept. DESIGN 5b: only a player whose reveal is missing forfeits, and a
 * restart happens only when some reveal is in no stayer's Status.
 */
@Timeout(60)
class RevealedThenCrashedTest {
    @Test
    void aCrashAfterRevealingFinishesTheRollAndIsSettledAsAbsence() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = h.createTable(List.of(0, 1, 2), 1000, 100_000, EvictionTest.RULES);
            for (int i = 0; i < 3; i++) {
                long id = h.command(i, new ClientRequest.PlaceBet(t, BetKind.PASS, 100, 0, 0));
                int node = i;
                assertTrue(h.runUntil(() -> h.reply(node, id) != null, 5_000));
            }
            h.advance(500);
            long k = h.state(0, t).getSeq();
            TableModel model = h.engine(0).tablesForTest().get(t).model();
            int e = h.nodeIndex(model.coordinator(k + 2, 0)); // coordinator of the Roll slot's view 0
            h.dropIf(m -> m.kind() == Body.KindCase.DICE_REVEAL && m.to() == e); // so e never proposes the Roll
            int roller = (e + 1) % 3;
            h.command(roller, new ClientRequest.Roll(t));
            int[] others = {(e + 1) % 3, (e + 2) % 3};
            assertTrue(h.runUntil(() -> {
                for (int i : others) {
                    if (h.state(i, t).getRollCommitmentsCount() == 0
                            || h.engine(i).tablesForTest().get(t).model().seq() != k + 1) {
                        return false;
                    }
                }
                return h.state(e, t).getRollCommitmentsCount() > 0;
            }, 5_000), "commitments did not commit at seq " + (k + 1));
            h.pump(); // e's reveal reaches both others
            for (int i : others) {
                assertTrue(h.sent(m -> m.kind() == Body.KindCase.DICE_REVEAL && m.from() == e && m.to() == i)
                        .size() > 0, "e's reveal was sent to node " + i);
            }
            h.crash(e);
            assertTrue(h.runUntil(() -> h.state(others[0], t).getPlayers(e).getEvicted()
                    != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 20_000), h.engine(others[0]).debugState(t));
            TableState s = h.state(others[0], t);
            PlayerState p = s.getPlayers(e);
            assertEquals(EvictionCause.EVICTION_ABSENCE, p.getEvicted());
            assertEquals(0, p.getEvictedBond(), "its reveal was held by all: no bond forfeited");
            assertTrue(s.getRollNo() >= 2 && s.getDiceAttempt() == 0, "the roll finished: " + s.getRollNo());
            boolean rerolled = false;
            for (long q = p.getEvictedSeq() + 1; q <= s.getSeq(); q++) {
                byte[] raw = h.store(others[0]).get(io.dicemesh.node.ledger.Column.TXLOG,
                        io.dicemesh.node.ledger.LedgerLayout.logKey(t.bytes(), q));
                try {
                    var tx = io.dicemesh.protocol.Tx.parseFrom(io.dicemesh.protocol.LogEntry.parseFrom(raw)
                            .getCertificate().getTx());
                    for (var c : tx.getDiceCommitmentsList()) {
                        rerolled |= Body.parseFrom(c.getBody()).getDiceCommitment().getAttempt() == 1;
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
            assertTrue(!rerolled, "the roll whose dice every stayer knew was re-rolled (attempt 1)");
            System.out.println("[review] roll 1 re-rolled with attempt-1 nonces after the Evict at seq "
                    + p.getEvictedSeq());
        }
    }
}
