package io.dicemesh.node.game;

import java.util.Objects;

/**
 * A bet on the felt (immutable). number: the place or hard number, else 0; on: for odds, the id of the base bet
 * they follow, else 0; comePoint: 0 until a come or dont-come bet moves to its number.
 */
public record Bet(long id, int seat, BetKind kind, long stake, int number, long on, int comePoint) {
    public Bet {
        Objects.requireNonNull(kind, "kind");
        if (id <= 0 || seat < 0 || stake <= 0 || number < 0 || on < 0 || comePoint < 0) {
            throw new IllegalArgumentException("malformed bet: id " + id + ", seat " + seat + ", stake " + stake
                    + ", number " + number + ", on " + on + ", come point " + comePoint);
        }
    }

    Bet withComePoint(int newComePoint) {
        return new Bet(id, seat, kind, stake, number, on, newComePoint);
    }
}
