package io.dicemesh.node.game;

import java.util.Objects;

/**
 * A table's rules, fixed at genesis: the per-bet limits (odds exempt), the odds multiples, and whether bets and
 * transfers must keep every player's reveal bond covered ({@link RevealBond}; dicemesh's rule, not CRAPS.md's: a
 * table of a mesh has it, a table of the craps vectors does not).
 */
public record CrapsRules(long minBet, long maxBet, OddsLimits odds, boolean revealBond) {
    /** CRAPS.md's rules alone, without the reveal bond. */
    public CrapsRules(long minBet, long maxBet, OddsLimits odds) {
        this(minBet, maxBet, odds, false);
    }

    public CrapsRules {
        Objects.requireNonNull(odds, "odds");
        // minBet >= 1 keeps "a stake is always positive" true for every accepted bet.
        if (minBet < 1 || maxBet < minBet) {
            throw new IllegalArgumentException("need 1 <= minBet <= maxBet, got " + minBet + ".." + maxBet);
        }
    }
}
