package io.dicemesh.node.game;

/**
 * DESIGN 5b's reveal bond. A player who withholds its reveal after seeing the others' can have the roll restarted;
 * a partner at the table then gains at most its stakes at risk on that roll plus its largest winnings on it. So each
 * player's free stack must cover, for everyone else, the stakes that can lose on the next roll plus the largest
 * total winnings any one dice pair would pay them: forfeited to the bank, that makes withholding a loss for any
 * coalition. The figures come from the felt's kept {@link FeltSums}, saturating at Long.MAX_VALUE.
 */
final class RevealBond {
    private RevealBond() {
    }

    /** Each seat's bond from the sums, as if a bet with {@code extra}'s figures were added when it is not null. */
    static long[] bonds(FeltSums sums, FeltSums.Figures extra) {
        long risk = extra == null ? 0 : extra.risk();
        long[] bonds = new long[sums.seats()];
        for (int seat = 0; seat < bonds.length; seat++) {
            boolean own = extra != null && extra.seat() == seat;
            long all = FeltSums.saturatingAdd(sums.stakesAtRisk(), risk);
            long mine = own ? FeltSums.saturatingAdd(sums.ownStakesAtRisk(seat), risk) : sums.ownStakesAtRisk(seat);
            long worstOthers = 0;
            for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
                long add = extra == null ? 0 : extra.winnings(pair);
                long allPair = FeltSums.saturatingAdd(sums.winnings(pair), add);
                long minePair = own ? FeltSums.saturatingAdd(sums.ownWinnings(seat, pair), add)
                        : sums.ownWinnings(seat, pair);
                worstOthers = Math.max(worstOthers, others(allPair, minePair));
            }
            bonds[seat] = FeltSums.saturatingAdd(others(all, mine), worstOthers);
        }
        return bonds;
    }

    /** The others' share of a sum; a saturated sum stays saturated (its exact parts are unknown). */
    private static long others(long all, long own) {
        return all == Long.MAX_VALUE ? Long.MAX_VALUE : all - own;
    }
}
