package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.TableState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TableModel}: its start from a genesis, its exact proto round trip, and coordinator rotation. */
@Timeout(10)
class TableModelTest {
    private final TableFixture f = new TableFixture(4, 1000, 100_000);
    private final TableModel state = f.fresh();
    private final List<NodeId> ids = f.players.stream().map(Identity::nodeId).toList();

    private static void assertRoundTrips(TableModel m) {
        byte[] bytes = m.toProto().toByteArray();
        TableModel back = TableModel.fromProto(m.toProto());
        assertArrayEquals(bytes, back.toProto().toByteArray());
        assertEquals(m.active(), back.active());
        assertEquals(m.seq(), back.seq());
        assertEquals(m.lastHash(), back.lastHash());
        assertEquals(m.awaitingReveals(), back.awaitingReveals());
    }

    @Test
    void aGenesisStartsAtSeqZeroChainedToTheTableId() {
        assertEquals(0, state.seq());
        assertEquals(f.id.bytes(), state.lastHash());
        assertEquals(1, state.rollNo());
        assertEquals(ids, state.seats());
        assertEquals(ids, state.active());
        assertFalse(state.awaitingReveals());
        assertFalse(state.closed());
        assertEquals(104_000, state.total());
        TableState p = state.toProto();
        assertEquals(4, p.getPlayersCount());
        assertEquals(1000, p.getPlayers(3).getStack());
        assertEquals(f.genesis.getRules(), p.getRules());
        assertTrue(p.getLastDiceList().isEmpty());
    }

    @Test
    void theProtoFormRoundTripsByteForByteInEveryPhase() {
        assertRoundTrips(state);
        f.applyBatches(state, Wire.batch(f.player(0), f.id, 1, Wire.bet(1, BetType.PASS, 10),
                Wire.bet(2, BetType.PLACE, 12, 6, 0)), Wire.batch(f.player(2), f.id, 1, Wire.bet(3, BetType.PASS, 4)));
        assertRoundTrips(state);
        byte[][] nonces = f.noncesFor(state, t -> t == 4 || t == 5 || t == 6 || t == 8 || t == 9 || t == 10);
        f.apply(state, Wire.nextTx(state).addAllDiceCommitments(f.commitments(state, nonces)));
        assertTrue(state.awaitingReveals());
        assertRoundTrips(state);
        f.apply(state, Wire.nextTx(state).addAllDiceReveals(f.reveals(state, nonces)));
        assertTrue(state.game().point() != 0);
        assertEquals(2, state.lastDice().size());
        assertRoundTrips(state);
        f.applyBatches(state, Wire.batch(f.player(3), f.id, 1, Wire.leave(1)),
                Wire.batch(f.player(0), f.id, 2, Wire.bet(4, BetType.PASS_ODDS, 20, 0, 1)));
        assertEquals(3, state.active().size());
        assertRoundTrips(state);
        TableState p = state.toProto();
        assertTrue(p.getPlayers(3).getLeft());
        assertEquals(1000, p.getPlayers(3).getWithdrawn());
        assertEquals(2, p.getPlayers(0).getLastBatchNo());
    }

    @Test
    void aStoredStateThatDoesNotConserveItsTotalIsRefused() {
        TableState p = state.toProto();
        TableState cooked = p.toBuilder().setPlayers(1, p.getPlayers(1).toBuilder().setStack(1001)).build();
        assertThrows(IllegalStateException.class, () -> TableModel.fromProto(cooked));
    }

    @Test
    void coordinatorOfSlotAndViewIsActiveAtSlotPlusViewModN() {
        for (long seq = 1; seq <= 9; seq++) {
            for (int view = 0; view <= 9; view++) {
                assertEquals(ids.get((int) ((seq + view) % 4)), state.coordinator(seq, view),
                        "seq " + seq + " view " + view);
            }
        }
        assertEquals(ids.get((int) ((Long.MAX_VALUE % 4 + 3) % 4)), state.coordinator(Long.MAX_VALUE, 3),
                "no overflow near the largest slot");
        f.applyBatches(state, Wire.batch(f.player(1), f.id, 1, Wire.leave(1)));
        List<NodeId> active = List.of(ids.get(0), ids.get(2), ids.get(3));
        assertEquals(active, state.active());
        for (long seq = 2; seq <= 9; seq++) {
            for (int view = 0; view <= 5; view++) {
                assertEquals(active.get((int) ((seq + view) % 3)), state.coordinator(seq, view));
            }
        }
        assertRoundTrips(state);
        assertEquals(active, TableModel.fromProto(state.toProto()).active());
    }

    @Test
    void applyingAnythingButTheNextSeqIsABug() {
        assertThrows(IllegalStateException.class, () -> state.advance(2, f.id.bytes()));
        assertThrows(IllegalStateException.class, () -> state.advance(0, f.id.bytes()));
        assertEquals(0, state.seq());
    }
}
