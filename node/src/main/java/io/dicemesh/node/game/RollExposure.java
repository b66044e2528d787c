package io.dicemesh.node.game;

import java.util.Arrays;

/**
 * The solvency rule's arithmetic: for each of the 21 distinct dice pairs, the total gross winnings the felt would pay
 * if the next roll showed that pair (every bet working in the current phase; losses on the same roll not netted).
 * The sums are cached between rolls: a placement adds one bet's figures instead of re-walking the felt, a take-down
 * subtracts them (unless a sum saturated: its parts are then unknown), and anything else that removes a bet or
 * changes the phase invalidates the cache. Sums saturate at Long.MAX_VALUE, which no bank covers.
 */
final class RollExposure {
    private final long[] winningsByPair = new long[DiceTotals.PAIRS];
    private boolean valid;
    private boolean saturated;

    /** Call after any change other than adding or taking down one bet: a roll, a departure. */
    void invalidate() {
        valid = false;
    }

    /** Largest total winnings over the 21 pairs for the felt as it stands. */
    long worst(Felt felt, int tablePoint) {
        refresh(felt, tablePoint);
        long worst = 0;
        for (long winnings : winningsByPair) {
            worst = Math.max(worst, winnings);
        }
        return worst;
    }

    /** Largest total winnings over the 21 pairs if {@code extra} were added to the felt. */
    long worstWith(Felt felt, int tablePoint, Bet extra, int extraOddsPoint) {
        long worst = worst(felt, tablePoint); // the extra bet only adds to the pairs it wins on
        for (int pair : PayingPairs.of(extra, tablePoint, extraOddsPoint)) {
            worst = Math.max(worst, saturatingAdd(winningsByPair[pair], winnings(extra, extraOddsPoint, pair)));
        }
        return worst;
    }

    /** Records that {@code bet} was just added to the felt. */
    void added(Bet bet, int tablePoint, int oddsPoint) {
        if (valid) {
            add(bet, tablePoint, oddsPoint);
        } // else: recomputed in full on next use
    }

    /** Records that {@code bet}, whose odds point was {@code oddsPoint}, was just taken off the felt. */
    void removed(Bet bet, int tablePoint, int oddsPoint) {
        if (valid && !saturated) {
            for (int pair : PayingPairs.of(bet, tablePoint, oddsPoint)) {
                winningsByPair[pair] -= winnings(bet, oddsPoint, pair);
            }
        } else {
            valid = false;
        }
    }

    private void refresh(Felt felt, int tablePoint) {
        if (valid) {
            return;
        }
        Arrays.fill(winningsByPair, 0);
        saturated = false;
        for (int i = 0; i < felt.size(); i++) {
            Bet bet = felt.get(i);
            add(bet, tablePoint, bet.kind().isOdds() ? felt.oddsPointOf(bet, tablePoint) : 0);
        }
        valid = true;
    }

    private void add(Bet bet, int tablePoint, int oddsPoint) {
        for (int pair : PayingPairs.of(bet, tablePoint, oddsPoint)) {
            winningsByPair[pair] = saturatingAdd(winningsByPair[pair], winnings(bet, oddsPoint, pair));
            saturated |= winningsByPair[pair] == Long.MAX_VALUE;
        }
    }

    private static long winnings(Bet bet, int oddsPoint, int pair) {
        return Payouts.winnings(bet, oddsPoint, DiceTotals.pairDie1(pair) + DiceTotals.pairDie2(pair));
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum; // both operands are >= 0, so a negative sum means overflow
    }
}
