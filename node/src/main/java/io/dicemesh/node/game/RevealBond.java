package io.dicemesh.node.game;

/**
 * DESIGN 5b's reveal bond. A player who withholds its reveal after seeing the others' can have the roll restarted;
 * a partner at the table then gains at most its stakes at risk on that roll plus its largest winnings on it. So each
 * player's free stack must cover, for everyone else, the stakes that can lose on the next roll plus the largest
 * total winnings any one dice pair would pay them: forfeited to the bank, that makes withholding a loss for any
 * coalition. The figures are computed from the felt as it stands (21 pairs per bet), saturating at Long.MAX_VALUE.
 */
final class RevealBond {
    private RevealBond() {
    }

    /** Each seat's bond for the next roll of the felt as it stands. */
    static long[] of(Felt felt, int tablePoint, int seats) {
        long stakesAtRisk = 0;
        long[] ownStakesAtRisk = new long[seats];
        long[] winnings = new long[DiceTotals.PAIRS];
        long[][] ownWinnings = new long[seats][DiceTotals.PAIRS];
        for (int i = 0; i < felt.size(); i++) {
            Bet bet = felt.get(i);
            int oddsPoint = bet.kind().isOdds() ? felt.oddsPointOf(bet, tablePoint) : 0;
            if (PayingPairs.canLose(bet, tablePoint, oddsPoint)) {
                stakesAtRisk = saturatingAdd(stakesAtRisk, bet.stake());
                ownStakesAtRisk[bet.seat()] = saturatingAdd(ownStakesAtRisk[bet.seat()], bet.stake());
            }
            for (int pair : PayingPairs.of(bet, tablePoint, oddsPoint)) {
                long w = Payouts.winnings(bet, oddsPoint, DiceTotals.pairDie1(pair) + DiceTotals.pairDie2(pair));
                winnings[pair] = saturatingAdd(winnings[pair], w);
                ownWinnings[bet.seat()][pair] = saturatingAdd(ownWinnings[bet.seat()][pair], w);
            }
        }
        long[] bonds = new long[seats];
        for (int seat = 0; seat < seats; seat++) {
            long worstOthers = 0;
            for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
                worstOthers = Math.max(worstOthers, others(winnings[pair], ownWinnings[seat][pair]));
            }
            bonds[seat] = saturatingAdd(others(stakesAtRisk, ownStakesAtRisk[seat]), worstOthers);
        }
        return bonds;
    }

    /** The others' share of a sum; a saturated sum stays saturated (its exact parts are unknown). */
    private static long others(long all, long own) {
        return all == Long.MAX_VALUE ? Long.MAX_VALUE : all - own;
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
