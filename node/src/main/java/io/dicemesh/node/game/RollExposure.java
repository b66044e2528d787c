package io.dicemesh.node.game;

/**
 * The solvency rule's arithmetic: the largest, over the 21 distinct dice pairs, of the total gross winnings the felt
 * would pay if the next roll showed that pair (every bet working in the current phase; losses on the same roll not
 * netted). Read from the kept {@link FeltSums}; saturates at Long.MAX_VALUE, which no bank covers.
 */
final class RollExposure {
    private RollExposure() {
    }

    /** Largest total winnings over the 21 pairs for the felt the sums stand for. */
    static long worst(FeltSums sums) {
        long worst = 0;
        for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
            worst = Math.max(worst, sums.winnings(pair));
        }
        return worst;
    }

    /** Largest total winnings over the 21 pairs if a bet with {@code extra}'s figures were added to the felt. */
    static long worstWith(FeltSums sums, FeltSums.Figures extra) {
        long worst = 0;
        for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
            worst = Math.max(worst, FeltSums.saturatingAdd(sums.winnings(pair), extra.winnings(pair)));
        }
        return worst;
    }
}
