package io.dicemesh.node.game;

import java.util.Objects;

/**
 * A table's rules, fixed at genesis: the per-bet limits (odds exempt), the odds multiples, and whether bets and
 * transfers must keep every player's reveal bond covered ({@link RevealBond}; dicemesh's rule, not CRAPS.md's: a
 * table of a mesh has it, a table of the craps vectors does not), and how many bets one seat may have on the felt
 * at once (a bound of dicemesh's: every roll settles every bet).
 */
public record CrapsRules(long minBet, long maxBet, OddsLimits odds, boolean revealBond, int feltBetsPerSeat) {
    /** Bets a seat may have on the felt when the table's rules do not say (every table before the rule existed). */
    public static final int FELT_BETS_PER_SEAT_DEFAULT = Felt.BETS_PER_SEAT_DEFAULT;
    /** The most bets a table's rules may let one seat have on the felt: one full intent batch of them. */
    public static final int FELT_BETS_PER_SEAT_MAX = Felt.BETS_PER_SEAT_MAX;

    /** CRAPS.md's rules alone, without the reveal bond. */
    public CrapsRules(long minBet, long maxBet, OddsLimits odds) {
        this(minBet, maxBet, odds, false);
    }

    /** With the default bound of bets a seat may have on the felt. */
    public CrapsRules(long minBet, long maxBet, OddsLimits odds, boolean revealBond) {
        this(minBet, maxBet, odds, revealBond, Felt.BETS_PER_SEAT_DEFAULT);
    }

    public CrapsRules {
        Objects.requireNonNull(odds, "odds");
        // minBet >= 1 keeps "a stake is always positive" true for every accepted bet.
        if (minBet < 1 || maxBet < minBet) {
            throw new IllegalArgumentException("need 1 <= minBet <= maxBet, got " + minBet + ".." + maxBet);
        }
        if (feltBetsPerSeat < 1 || feltBetsPerSeat > Felt.BETS_PER_SEAT_MAX) {
            throw new IllegalArgumentException("bets a seat may have on the felt must be 1 to "
                    + Felt.BETS_PER_SEAT_MAX + ", got " + feltBetsPerSeat);
        }
    }
}
