package io.dicemesh.node.game;

/**
 * Why a bet or a take-down was refused: an expected outcome, returned as a value. When several apply, the first in
 * declaration order is the one reported (CRAPS.md's order).
 */
public enum Refusal {
    UNKNOWN_BET("unknown-bet"),
    NOT_PLAYERS_BET("not-players-bet"),
    NOT_ALLOWED_NOW("not-allowed-now"),
    UNDER_MIN("under-min"),
    OVER_MAX("over-max"),
    ODDS_OVER_LIMIT("odds-over-limit"),
    INSUFFICIENT_STACK("insufficient-stack"),
    /** Not in CRAPS.md: a seat already has the rules' most bets on the felt (100 unless raised; dicemesh's bound). */
    FELT_FULL("felt-full"),
    BANK_CANNOT_COVER("bank-cannot-cover"),
    /** Not in CRAPS.md: the bet would leave some player's reveal bond uncovered, or more so (DESIGN 5b). */
    BOND_UNCOVERED("bond-uncovered");

    private final String label;

    Refusal(String label) {
        this.label = label;
    }

    /** The reason as the test vectors and players see it. */
    public String label() {
        return label;
    }
}
