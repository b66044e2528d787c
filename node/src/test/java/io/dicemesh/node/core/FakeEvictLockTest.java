package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.Tx;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A liar cannot evict an honest, reachable, answering player with a made-up lock (an attacker's review found this
 * hole): the liar, coordinator of (seq, view 0), signs a Proposal for an Evict tx naming the victim, then shows it
 * as its "lock" in its view-1 Status. Without {@link BindingLock}, R3 made the honest coordinator of view 1 propose
 * it and every honest node vote for it; now an Evict lock binds only a node in its X or one that voted for it, and
 * an Evict tx counts only under a round without exactly the players it evicts. Each case fails without the fix.
 */
@Timeout(60)
class FakeEvictLockTest {
    @Test
    void oneLiarCannotEvictAnHonestAnsweringPlayerThroughAFakeLock() {
        try (EngineHarness h = new EngineHarness(4, NodeEngineTest.SEED)) {
            TableId t = h.createTable(List.of(0, 1, 2, 3), 1000, 100_000, NodeEngineTest.RULES);
            h.makePuppet(1); // coordinator of (seq 1, view 0)
            TableModel model = h.engine(0).tablesForTest().get(t).model();
            Tx evict = Evictions.build(model, List.of(h.id(0)), java.util.Map.of(), p -> null);
            ByteString tx = evict.toByteString();
            ByteString hash = Wire.hash(tx);
            Envelope proposal = Wire.proposal(h.identity(1), t, 1, 0, hash);
            Envelope prepare = Wire.prepare(h.identity(1), proposal, tx, List.of());
            for (int i : new int[] {0, 2, 3}) {
                h.inject(i, prepare); // each nacks ("does not find ... gone") but keeps the tx
                assertTrue(h.engine(i).lockedTxHash(t).isEmpty());
            }
            h.advance(150); // view 0 times out: honest Statuses of view 1, no locks
            Envelope liarStatus = Wire.status(h.identity(1), t, 1, 1, proposal); // "locked" on its own proposal
            for (int i : new int[] {0, 2, 3}) {
                h.inject(i, liarStatus);
            }
            h.pump();
            Envelope liarVote = Wire.vote(h.identity(1), t, 1, 1, hash);
            for (int i : new int[] {0, 2, 3}) {
                h.inject(i, liarVote);
            }
            h.advance(50);
            for (int i : new int[] {0, 2, 3}) {
                assertNotNull(h.state(i, t));
                assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, h.state(i, t).getPlayers(0).getEvicted(),
                        "node " + i + " evicted honest node 0: " + h.engine(i).debugState(t));
            }
        }
    }

    /** The same lie at a table of two, where DESIGN 5b says only a proven liar may ever be evicted. */
    @Test
    void atATableOfTwoTheLiarCannotEvictTheOtherPlayer() {
        try (EngineHarness h = new EngineHarness(2, NodeEngineTest.SEED)) {
            TableId t = h.createTable(List.of(0, 1), 1000, 100_000, NodeEngineTest.RULES);
            h.makePuppet(1); // coordinator of (seq 1, view 0)
            TableModel model = h.engine(0).tablesForTest().get(t).model();
            ByteString tx = Evictions.build(model, List.of(h.id(0)), java.util.Map.of(), p -> null).toByteString();
            ByteString hash = Wire.hash(tx);
            Envelope proposal = Wire.proposal(h.identity(1), t, 1, 0, hash);
            h.inject(0, Wire.prepare(h.identity(1), proposal, tx, List.of()));
            h.advance(150);
            h.inject(0, Wire.status(h.identity(1), t, 1, 1, proposal));
            h.pump();
            h.inject(0, Wire.vote(h.identity(1), t, 1, 1, hash));
            h.advance(50);
            assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, h.state(0, t).getPlayers(0).getEvicted(),
                    h.engine(0).debugState(t));
        }
    }

    /**
     * During a roll: the liar coordinates the Roll slot, holds every honest reveal (so it knows the dice), and
     * instead evicts an honest player whose reveal is not missing: that player forfeits its working bets and its
     * reveal bond to the bank, and the roll restarts with fresh nonces (a re-roll).
     */
    @Test
    void duringARollTheLiarCannotEvictARevealedPlayerNorHaveTheDiceRerolled() {
        try (EngineHarness h = new EngineHarness(4, NodeEngineTest.SEED)) {
            TableId t = h.createTable(List.of(0, 1, 2, 3), 1000, 100_000, NodeEngineTest.RULES);
            for (int i = 0; i < 4; i++) {
                long id = h.command(i, new ClientRequest.PlaceBet(t, io.dicemesh.node.game.BetKind.PASS, 100, 0, 0));
                int node = i;
                assertTrue(h.runUntil(() -> h.reply(node, id) != null, 5_000));
            }
            h.dropIf(m -> m.kind() == Body.KindCase.DICE_REVEAL && m.to() != 1 && m.to() != 3);
            h.command(0, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> {
                for (int i = 0; i < 4; i++) {
                    if (h.state(i, t).getRollCommitmentsCount() == 0) {
                        return false;
                    }
                }
                return true;
            }, 5_000));
            TableModel model = h.engine(0).tablesForTest().get(t).model();
            long seq = model.seq() + 1;
            int liar = h.nodeIndex(model.coordinator(seq, 0));
            int victim = liar == 0 ? 2 : 0;
            h.makePuppet(liar);
            h.clearHooks();
            ByteString tx = Evictions.build(model, List.of(h.id(victim)), java.util.Map.of(), p -> null).toByteString();
            ByteString hash = Wire.hash(tx);
            Envelope proposal = Wire.proposal(h.identity(liar), t, seq, 0, hash);
            Envelope prepare = Wire.prepare(h.identity(liar), proposal, tx, List.of());
            for (int i = 0; i < 4; i++) {
                if (i != liar) {
                    h.inject(i, prepare);
                }
            }
            h.advance(150);
            for (int i = 0; i < 4; i++) {
                if (i != liar) {
                    h.inject(i, Wire.status(h.identity(liar), t, seq, 1, proposal));
                }
            }
            h.pump();
            for (int i = 0; i < 4; i++) {
                if (i != liar) {
                    h.inject(i, Wire.vote(h.identity(liar), t, seq, 1, hash));
                }
            }
            h.advance(50);
            for (int i = 0; i < 4; i++) {
                if (i == liar) {
                    continue;
                }
                var s = h.state(i, t);
                var p = s.getPlayers(victim);
                assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, p.getEvicted(), h.engine(i).debugState(t));
                assertEquals(0, s.getDiceAttempt(), "the roll was not restarted");
            }
        }
    }

    /**
     * A made-up lock on the victim's own eviction, shown to the victim when it coordinates a round without X: the
     * victim used to carry it (its own eviction "binds" it) and lock on a tx that counts in no round it votes in,
     * freezing the slot for good, even after the liar was gone (an attacker's review found this). Now a node is
     * never bound by a lock on its own eviction and never proposes an Evict tx in a round it cannot count in:
     * the victim proposes the bet, and once the silent liar is evicted the table plays on.
     */
    @Test
    void aMadeUpLockOnTheVictimsOwnEvictionDoesNotLockTheVictim() {
        TableRules rules = NodeEngineTest.RULES.toBuilder().setAbsentTimeoutMs(5_000).build();
        try (EngineHarness h = new EngineHarness(4, NodeEngineTest.SEED)) {
            TableId t = h.createTable(List.of(0, 1, 2, 3), 1000, 100_000, rules);
            h.makePuppet(1);
            TableModel model = h.engine(0).tablesForTest().get(t).model();
            ByteString tx = Evictions.build(model, List.of(h.id(0)), java.util.Map.of(), p -> null).toByteString();
            ByteString hash = Wire.hash(tx);
            Envelope proposal = Signatures.seal(h.identity(1), Body.newBuilder().setProposal(Proposal.newBuilder()
                    .setTableId(t.bytes()).setSeq(1).setView(2).setTxHash(hash).addExcluded(h.id(0).byteString()))
                    .build()); // the liar coordinates (seq 1, view 2, X = {node 0})
            h.inject(0, Wire.prepare(h.identity(1), proposal, tx, List.of())); // refused, but the tx is kept
            long bet = h.command(2, new ClientRequest.PlaceBet(t, BetKind.FIELD, 10, 0, 0));
            assertTrue(h.runUntil(() -> h.engine(0).debugState(t).contains(" view=3 "), 5_000),
                    h.engine(0).debugState(t));
            for (int i : new int[] {0, 2, 3}) {
                h.inject(i, Wire.status(h.identity(1), t, 1, 3, proposal)); // view 3: node 0 coordinates
            }
            h.pump();
            assertTrue(h.engine(0).lockedTxHash(t).filter(hash::equals).isEmpty(),
                    "node 0 locked on its own eviction: " + h.engine(0).debugState(t));
            assertTrue(h.runUntil(() -> h.reply(2, bet) != null, 120_000), "the bet never committed: "
                    + h.engine(2).debugState(t));
            for (int i : new int[] {0, 2, 3}) {
                assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, h.state(i, t).getPlayers(0).getEvicted());
            }
        }
    }
}
