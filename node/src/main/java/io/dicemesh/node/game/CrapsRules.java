package io.dicemesh.node.game;

import java.util.Objects;

/** A table's rules, fixed at genesis: the per-bet limits (odds exempt) and the odds multiples. */
public record CrapsRules(long minBet, long maxBet, OddsLimits odds) {
    public CrapsRules {
        Objects.requireNonNull(odds, "odds");
        // minBet >= 1 keeps "a stake is always positive" true for every accepted bet.
        if (minBet < 1 || maxBet < minBet) {
            throw new IllegalArgumentException("need 1 <= minBet <= maxBet, got " + minBet + ".." + maxBet);
        }
    }
}
