package io.dicemesh.node.game;

/** CRAPS.md's "pays" column: a win at a:b pays floor(stake * a / b) on top of the stake. */
final class Payouts {
    private Payouts() {
    }

    /**
     * The winnings of {@code bet} when it wins on a roll totalling {@code total}. Saturates at Long.MAX_VALUE
     * instead of overflowing: no bank can pay that, so a saturated figure is always refused or returned.
     *
     * @param oddsPoint for an odds bet, the point it follows; else ignored
     */
    static long winnings(Bet bet, int oddsPoint, int total) {
        long stake = bet.stake();
        return switch (bet.kind()) {
            case PASS, DONT_PASS, COME, DONT_COME, BIG6, BIG8 -> stake;
            case PASS_ODDS, COME_ODDS -> byPoint(stake, oddsPoint, 2, 1, 3, 2, 6, 5);
            case DONT_PASS_ODDS, DONT_COME_ODDS -> byPoint(stake, oddsPoint, 1, 2, 2, 3, 5, 6);
            case PLACE -> byPoint(stake, bet.number(), 9, 5, 7, 5, 7, 6);
            case HARD -> byPoint(stake, bet.number(), 7, 1, 7, 1, 9, 1); // no hard 5 or 9; the middle pair is unused
            case FIELD -> total == 2 ? ratio(stake, 2, 1) : total == 12 ? ratio(stake, 3, 1) : stake;
            case ANY_SEVEN -> ratio(stake, 4, 1);
            case ANY_CRAPS -> ratio(stake, 7, 1);
            case ACES, BOXCARS -> ratio(stake, 30, 1);
            case ACE_DEUCE, YO -> ratio(stake, 15, 1);
        };
    }

    /** Odds of the form "4,10: a1:b1; 5,9: a2:b2; 6,8: a3:b3". */
    private static long byPoint(long stake, int point, int a410, int b410, int a59, int b59, int a68, int b68) {
        return switch (point) {
            case 4, 10 -> ratio(stake, a410, b410);
            case 5, 9 -> ratio(stake, a59, b59);
            case 6, 8 -> ratio(stake, a68, b68);
            default -> throw new IllegalStateException("not a point number: " + point);
        };
    }

    /** floor(stake * a / b) for stake >= 0 without forming stake * a, which could overflow. */
    static long ratio(long stake, int a, int b) {
        long whole = stake / b;
        long rest = stake % b; // rest * a < b * a: small
        if (whole > (Long.MAX_VALUE - rest * a / b) / a) {
            return Long.MAX_VALUE;
        }
        return whole * a + rest * a / b;
    }
}
