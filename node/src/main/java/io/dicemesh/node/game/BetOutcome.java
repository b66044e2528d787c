package io.dicemesh.node.game;

import java.util.Objects;

/** What one roll did to one bet; winnings are paid by the bank on top of the stake (0 unless a win). */
public record BetOutcome(long betId, int seat, Outcome outcome, long stake, long winnings) {
    public BetOutcome {
        Objects.requireNonNull(outcome, "outcome");
    }
}
