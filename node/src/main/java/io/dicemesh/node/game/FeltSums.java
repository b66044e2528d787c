package io.dicemesh.node.game;

import java.util.Arrays;

/**
 * The felt's sums that the solvency rule ({@link RollExposure}) and the reveal bond ({@link RevealBond}) read: the
 * stakes that can lose on the next roll, and for each of the 21 dice pairs the gross winnings it would pay, in all and
 * per seat. Kept between changes so a placement is checked in O(seats x 21) instead of walks over the felt: a
 * placement adds one bet's figures, a take-down subtracts them (unless a sum saturated at Long.MAX_VALUE, whose parts
 * are then unknown), and anything else (a roll, a departure) invalidates the sums, which the next read recomputes.
 */
final class FeltSums {
    private final int seats;
    private long stakesAtRisk;
    private final long[] ownStakesAtRisk;
    private final long[] winnings = new long[DiceTotals.PAIRS];
    private final long[][] ownWinnings;
    private boolean valid;
    /** A sum reached Long.MAX_VALUE: a removal cannot be subtracted from it, so it forces a walk. */
    private boolean saturated;

    FeltSums(int seats) {
        this.seats = seats;
        this.ownStakesAtRisk = new long[seats];
        this.ownWinnings = new long[seats][DiceTotals.PAIRS];
    }

    /** One bet's figures: its stake if some pair makes it lose on the next roll, and its winnings on each pair. */
    static final class Figures {
        private final int seat;
        private final long risk;
        private final long[] winnings;

        private Figures(int seat, long risk, long[] winnings) {
            this.seat = seat;
            this.risk = risk;
            this.winnings = winnings;
        }

        static Figures of(Bet bet, int tablePoint, int oddsPoint) {
            long risk = PayingPairs.canLose(bet, tablePoint, oddsPoint) ? bet.stake() : 0;
            long[] byPair = new long[DiceTotals.PAIRS];
            for (int pair : PayingPairs.of(bet, tablePoint, oddsPoint)) {
                byPair[pair] = Payouts.winnings(bet, oddsPoint, DiceTotals.pairDie1(pair) + DiceTotals.pairDie2(pair));
            }
            return new Figures(bet.seat(), risk, byPair);
        }

        int seat() {
            return seat;
        }

        long risk() {
            return risk;
        }

        /** The bet's gross winnings if the next roll shows this pair (0 where it does not win). */
        long winnings(int pair) {
            return winnings[pair];
        }
    }

    int seats() {
        return seats;
    }

    /** The sums for the felt as it stands, walked again when they were invalidated. */
    FeltSums current(Felt felt, int tablePoint) {
        if (!valid) {
            walk(felt, tablePoint);
        }
        return this;
    }

    /** Call after any change other than adding or taking down one bet: a roll, a departure. */
    void invalidate() {
        valid = false;
    }

    /** Records that a bet with these figures was just added to the felt. */
    void added(Figures bet) {
        if (valid) {
            add(bet, 1);
        } // else: the next read walks the felt
    }

    /** Records that a bet with these figures (taken in the phase it was on the felt in) was just taken off. */
    void removed(Figures bet) {
        if (valid && !saturated) {
            add(bet, -1);
        } else {
            valid = false;
        }
    }

    long stakesAtRisk() {
        return stakesAtRisk;
    }

    long ownStakesAtRisk(int seat) {
        return ownStakesAtRisk[seat];
    }

    long winnings(int pair) {
        return winnings[pair];
    }

    long ownWinnings(int seat, int pair) {
        return ownWinnings[seat][pair];
    }

    private void walk(Felt felt, int tablePoint) {
        stakesAtRisk = 0;
        Arrays.fill(ownStakesAtRisk, 0);
        Arrays.fill(winnings, 0);
        for (long[] own : ownWinnings) {
            Arrays.fill(own, 0);
        }
        saturated = false;
        for (Bet bet : felt.copy()) {
            add(Figures.of(bet, tablePoint, bet.kind().isOdds() ? felt.oddsPointOf(bet, tablePoint) : 0), 1);
        }
        valid = true;
    }

    /** Adds (sign 1) or subtracts (sign -1, never after a saturation) one bet's figures. */
    private void add(Figures bet, int sign) {
        int seat = bet.seat();
        if (bet.risk() != 0) {
            stakesAtRisk = plus(stakesAtRisk, bet.risk(), sign);
            ownStakesAtRisk[seat] = plus(ownStakesAtRisk[seat], bet.risk(), sign);
        }
        for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
            long w = bet.winnings(pair);
            if (w != 0) {
                winnings[pair] = plus(winnings[pair], w, sign);
                ownWinnings[seat][pair] = plus(ownWinnings[seat][pair], w, sign);
            }
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

    /** Sums of non-negative figures: a negative result means overflow, which saturates. */
    static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
