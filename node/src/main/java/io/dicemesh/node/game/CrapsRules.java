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
    public static final int FELT_BETS_PER_SEAT_DEFAULT = 100;
    /** The most bets a table's rules may let one seat have on the felt: one full intent batch of them. */
    public static final int FELT_BETS_PER_SEAT_MAX = 4096;

    /** The bound a genesis's {@code felt_bets_per_seat} sets: unset (0) on every table from before the rule. */
    public static int feltBetsPerSeatOf(int wireValue) {
        return wireValue == 0 ? FELT_BETS_PER_SEAT_DEFAULT : wireValue;
    }

    /** CRAPS.md's rules alone, without the reveal bond. */
    public CrapsRules(long minBet, long maxBet, OddsLimits odds) {
        this(minBet, maxBet, odds, false);
    }

    /** With the default bound of bets a seat may have on the felt. */
    public CrapsRules(long minBet, long maxBet, OddsLimits odds, boolean revealBond) {
        this(minBet, maxBet, odds, revealBond, FELT_BETS_PER_SEAT_DEFAULT);
    }

    public CrapsRules {
        Objects.requireNonNull(odds, "odds");
        // minBet >= 1 keeps "a stake is always positive" true for every accepted bet.
        if (minBet < 1 || maxBet < minBet) {
            throw new IllegalArgumentException("need 1 <= minBet <= maxBet, got " + minBet + ".." + maxBet);
        }
        if (feltBetsPerSeat < 1 || feltBetsPerSeat > FELT_BETS_PER_SEAT_MAX) {
            throw new IllegalArgumentException("bets a seat may have on the felt must be 1 to "
                    + FELT_BETS_PER_SEAT_MAX + ", got " + feltBetsPerSeat);
        }
    }
}
