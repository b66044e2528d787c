package io.dicemesh.node.game;

import java.util.List;

/**
 * One roll's effect. outcomes: the pre-roll solvency returns first (in the order returned), then the settled bets
 * in felt order; bets the roll left undecided or off are not listed.
 */
public record RollResult(int die1, int die2, int pointBefore, int pointAfter, boolean sevenOut, int shooterAfter,
        List<BetOutcome> outcomes) {
    public RollResult {
        outcomes = List.copyOf(outcomes);
    }
}
