package io.dicemesh.node.game;

import java.util.List;
import java.util.Objects;

/**
 * What a departure did to the departing seat's money (DESIGN 5b): its bets, each at face and at the value it was
 * settled for, the forfeits, and what was set aside to it. setAside = stack before - bondForfeited + paid; the bank
 * gained sum(stakes) - paid + bondForfeited.
 *
 * @param stack the seat's free stack before the departure
 * @param bets the seat's bets in felt order, each settled or forfeited
 * @param paid what the bets returned to the seat: the exact sum of their values, rounded down once
 * @param bondForfeited the reveal bond taken from the stack for a missing reveal (0 otherwise)
 * @param setAside everything now held for the departed seat, out of play
 */
public record Settlement(int seat, long stack, List<SettledBet> bets, long paid, long bondForfeited, long setAside) {
    public Settlement {
        bets = List.copyOf(bets);
    }

    /**
     * One bet of a departed seat.
     *
     * @param value what it was settled for: 0 when forfeited, else max(face, fair value) or fair value (exact)
     */
    public record SettledBet(Bet bet, Fraction fairValue, Fraction value, boolean forfeited) {
        public SettledBet {
            Objects.requireNonNull(bet, "bet");
            Objects.requireNonNull(fairValue, "fairValue");
            Objects.requireNonNull(value, "value");
        }
    }
}
