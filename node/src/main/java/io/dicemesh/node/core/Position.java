package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.Bet;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.node.game.Fraction;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.List;

/**
 * A player's provable position at a table (DESIGN 5b): its stack, what is set aside to it, and each of its bets at
 * face, at fair value and at what settling it now would return; with the certificate chain beside it (see
 * {@code dicemesh table proof}) anyone can check every figure from the genesis on.
 */
public record Position(NodeId player, long seq, String lastHash, long stack, long withdrawn, boolean seated,
        String evicted, List<PositionBet> bets) {

    /** One bet of the player: its face and, as exact fractions, its fair value and its settlement value. */
    public record PositionBet(long betId, String type, int number, long face, Fraction fairValue,
            Fraction settlementValue) {
    }

    /** The position of {@code player} in {@code state}; throws IllegalArgumentException if it is not seated. */
    public static Position of(TableState state, NodeId player) {
        TableModel model = TableModel.fromProto(state);
        int seat = model.seatOf(player);
        if (seat < 0) {
            throw new IllegalArgumentException(player + " is not a player of table " + model.id());
        }
        CrapsTable game = model.game();
        List<PositionBet> bets = new ArrayList<>();
        for (Bet b : game.felt()) {
            if (b.seat() == seat) {
                bets.add(new PositionBet(b.id(), b.kind().label(), b.number(), b.stake(), game.fairValue(b.id()),
                        game.settlementValue(b.id())));
            }
        }
        String evicted = model.evictedCause(seat) == null ? null : TableEngine.causeLabel(model.evictedCause(seat));
        return new Position(player, state.getSeq(), Hex.of(state.getLastHash()), game.stack(seat), game.withdrawn(seat),
                game.isActive(seat), evicted, bets);
    }
}
