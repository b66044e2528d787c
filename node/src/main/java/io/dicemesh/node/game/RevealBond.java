package io.dicemesh.node.game;

import java.util.Arrays;

/**
 * DESIGN 5b's reveal bond. A player who withholds its reveal after seeing the others' can have the roll restarted;
 * a partner at the table then gains at most its stakes at risk on that roll plus its largest winnings on it. So each
 * player's free stack must cover, for everyone else, the stakes that can lose on the next roll plus the largest
 * total winnings any one dice pair would pay them: forfeited to the bank, that makes withholding a loss for any
 * coalition. The figures come from the felt as it stands (21 pairs per bet), saturating at Long.MAX_VALUE.
 *
 * <p>An instance keeps the felt's sums between changes, as {@link RollExposure} does, so a placement is checked in
 * O(seats x 21) instead of two walks over the felt: a placement adds one bet's figures, a take-down subtracts them
 * (unless a sum saturated, whose parts are unknown), and anything else (a roll, a departure) invalidates the sums.
 * {@link #of} is the walk itself, which the sums must always equal.
 */
final class RevealBond {
    private final int seats;
    private long stakesAtRisk;
    private final long[] ownStakesAtRisk;
    private final long[] winnings = new long[DiceTotals.PAIRS];
    private final long[][] ownWinnings;
    private boolean valid;
    /** A sum reached Long.MAX_VALUE: a removal cannot be subtracted from it, so it forces a walk. */
    private boolean saturated;

    RevealBond(int seats) {
        this.seats = seats;
        this.ownStakesAtRisk = new long[seats];
        this.ownWinnings = new long[seats][DiceTotals.PAIRS];
    }

    /** Each seat's bond for the next roll of the felt as it stands: the reference walk over the felt. */
    static long[] of(Felt felt, int tablePoint, int seats) {
        RevealBond walk = new RevealBond(seats);
        walk.refresh(felt, tablePoint);
        return walk.bonds(null, tablePoint, 0);
    }

    /** Call after any change other than adding or taking down one bet: a roll, a departure. */
    void invalidate() {
        valid = false;
    }

    /** Each seat's bond for the felt as it stands. */
    long[] bonds(Felt felt, int tablePoint) {
        refresh(felt, tablePoint);
        return bonds(null, tablePoint, 0);
    }

    /** Each seat's bond if {@code extra} (not on the felt) were added to it. */
    long[] bondsWith(Felt felt, int tablePoint, Bet extra, int extraOddsPoint) {
        refresh(felt, tablePoint);
        return bonds(extra, tablePoint, extraOddsPoint);
    }


    /** Records that {@code bet} was just added to the felt. */
    void added(Bet bet, int tablePoint, int oddsPoint) {
        if (valid) {
            add(bet, tablePoint, oddsPoint, 1);
        }
    }

    /** Records that {@code bet}, whose odds point was {@code oddsPoint}, was just taken off the felt. */
    void removed(Bet bet, int tablePoint, int oddsPoint) {
        if (valid && !saturated) {
            add(bet, tablePoint, oddsPoint, -1);
        } else {
            valid = false;
        }
    }

    private void refresh(Felt felt, int tablePoint) {
        if (valid) {
            return;
        }
        stakesAtRisk = 0;
        Arrays.fill(ownStakesAtRisk, 0);
        Arrays.fill(winnings, 0);
        for (long[] own : ownWinnings) {
            Arrays.fill(own, 0);
        }
        saturated = false;
        for (int i = 0; i < felt.size(); i++) {
            Bet bet = felt.get(i);
            add(bet, tablePoint, bet.kind().isOdds() ? felt.oddsPointOf(bet, tablePoint) : 0, 1);
        }
        valid = true;
    }

    /** Adds (sign 1) or subtracts (sign -1, never after a saturation) one bet's figures. */
    private void add(Bet bet, int tablePoint, int oddsPoint, int sign) {
        int seat = bet.seat();
        if (PayingPairs.canLose(bet, tablePoint, oddsPoint)) {
            stakesAtRisk = plus(stakesAtRisk, bet.stake(), sign);
            ownStakesAtRisk[seat] = plus(ownStakesAtRisk[seat], bet.stake(), sign);
        }
        for (int pair : PayingPairs.of(bet, tablePoint, oddsPoint)) {
            long w = pairWinnings(bet, oddsPoint, pair);
            winnings[pair] = plus(winnings[pair], w, sign);
            ownWinnings[seat][pair] = plus(ownWinnings[seat][pair], w, sign);
        }
    }

    private long plus(long sum, long amount, int sign) {
        if (sign < 0) {
            return sum - amount;
        }
        long s = saturatingAdd(sum, amount);
        if (s == Long.MAX_VALUE) {
            saturated = true;
        }
        return s;
    }

    /** The bonds from the sums, with {@code extra}'s figures added on the fly when it is not null. */
    private long[] bonds(Bet extra, int tablePoint, int extraOddsPoint) {
        long risk = 0;
        long[] extraWinnings = null;
        if (extra != null) {
            risk = PayingPairs.canLose(extra, tablePoint, extraOddsPoint) ? extra.stake() : 0;
            extraWinnings = new long[DiceTotals.PAIRS];
            for (int pair : PayingPairs.of(extra, tablePoint, extraOddsPoint)) {
                extraWinnings[pair] = pairWinnings(extra, extraOddsPoint, pair);
            }
        }
        long[] bonds = new long[seats];
        for (int seat = 0; seat < seats; seat++) {
            boolean own = extra != null && extra.seat() == seat;
            long all = saturatingAdd(stakesAtRisk, risk);
            long mine = own ? saturatingAdd(ownStakesAtRisk[seat], risk) : ownStakesAtRisk[seat];
            long worstOthers = 0;
            for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
                long add = extraWinnings == null ? 0 : extraWinnings[pair];
                long allPair = saturatingAdd(winnings[pair], add);
                long minePair = own ? saturatingAdd(ownWinnings[seat][pair], add) : ownWinnings[seat][pair];
                worstOthers = Math.max(worstOthers, others(allPair, minePair));
            }
            bonds[seat] = saturatingAdd(others(all, mine), worstOthers);
        }
        return bonds;
    }

    private static long pairWinnings(Bet bet, int oddsPoint, int pair) {
        return Payouts.winnings(bet, oddsPoint, DiceTotals.pairDie1(pair) + DiceTotals.pairDie2(pair));
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
