package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Fair values against figures derived by hand from the dice (ways out of 36), written here as exact fractions:
 * a bet decided by "x before y" wins with probability ways(x) / (ways(x) + ways(y)); a bet that stays up until a 7
 * (or an easy way) earns p(win) / p(lose) wins in expectation; a one-roll bet is its win probability times its
 * payment. The come odds case solves its own two equations, shown with it.
 */
class FairValueTest {
    private static Fraction value(BetKind kind, long stake, int tablePoint) {
        return FairValue.of(new Bet(1, 0, kind, stake, 0, 0, 0), tablePoint, 0);
    }

    private static Fraction f(long numerator, long denominator) {
        return Fraction.of(numerator, denominator);
    }

    @Test
    void passAndDontPassOnTheComeOut() {
        // Pass wins 8/36 at once plus, per point, ways(p)/36 * ways(p) / (ways(p) + 6): 244/495 in all; pays 2x.
        assertEquals(f(2 * 244 * 99, 495), value(BetKind.PASS, 99, 0));
        // Don't pass wins 3/36 at once plus sum ways(p)/36 * 6 / (ways(p) + 6) = 949/1980; pushes on 12: 1/36.
        assertEquals(f(2 * 949 * 60 + 60 * 55, 1980), value(BetKind.DONT_PASS, 60, 0));
    }

    @Test
    void passAndDontPassWithEachPoint() {
        int[] points = {4, 5, 6, 8, 9, 10};
        long[][] passWins = {{3, 9}, {4, 10}, {5, 11}, {5, 11}, {4, 10}, {3, 9}}; // ways(p) / (ways(p) + 6)
        for (int i = 0; i < points.length; i++) {
            Fraction pass = f(2 * 30 * passWins[i][0], passWins[i][1]);
            Fraction dont = f(2 * 30 * (passWins[i][1] - passWins[i][0]), passWins[i][1]);
            assertEquals(pass, value(BetKind.PASS, 30, points[i]), "pass on " + points[i]);
            assertEquals(dont, value(BetKind.DONT_PASS, 30, points[i]), "dont-pass on " + points[i]);
        }
        assertEquals(f(4 * 30, 3), value(BetKind.DONT_PASS, 30, 4), "a don't pass on 4 is worth 4/3 of its stake");
    }

    @Test
    void comeAndDontComeBeforeAndAfterTheirComePoint() {
        assertEquals(f(2 * 244 * 99, 495), FairValue.of(new Bet(1, 0, BetKind.COME, 99, 0, 0, 0), 6, 0));
        assertEquals(f(2 * 949 * 60 + 60 * 55, 1980), FairValue.of(new Bet(1, 0, BetKind.DONT_COME, 60, 0, 0, 0), 8, 0));
        assertEquals(f(2 * 30 * 4, 10), FairValue.of(new Bet(1, 0, BetKind.COME, 30, 0, 0, 9), 4, 0));
        assertEquals(f(2 * 30 * 4, 10), FairValue.of(new Bet(1, 0, BetKind.COME, 30, 0, 0, 9), 0, 0),
                "a come bet works on the come-out too");
        assertEquals(f(2 * 30 * 6, 9), FairValue.of(new Bet(1, 0, BetKind.DONT_COME, 30, 0, 0, 10), 5, 0));
    }

    @Test
    void oddsAreWorthTheirStakeWhenThePayoutIsExactAndLessWhenItRoundsDown() {
        for (int p : new int[] {4, 5, 6, 8, 9, 10}) {
            assertEquals(f(30, 1), FairValue.of(new Bet(2, 0, BetKind.PASS_ODDS, 30, 0, 1, 0), p, p), "pass odds " + p);
            assertEquals(f(30, 1), FairValue.of(new Bet(2, 0, BetKind.DONT_PASS_ODDS, 30, 0, 1, 0), p, p));
            assertEquals(f(30, 1), FairValue.of(new Bet(2, 0, BetKind.DONT_COME_ODDS, 30, 0, 1, 0), 0, p));
        }
        // Pass odds 7 on 5 win floor(7 * 3 / 2) = 10 with probability 4/10: (7 + 10) * 4/10.
        assertEquals(f(17 * 4, 10), FairValue.of(new Bet(2, 0, BetKind.PASS_ODDS, 7, 0, 1, 0), 5, 5));
        // Don't pass odds 7 on 6 win floor(7 * 5 / 6) = 5 with probability 6/11.
        assertEquals(f(12 * 6, 11), FairValue.of(new Bet(2, 0, BetKind.DONT_PASS_ODDS, 7, 0, 1, 0), 6, 6));
    }

    @Test
    void comeOddsAreOffOnTheComeOutSoTheirValueDependsOnTheTablePoint() {
        // Come odds 7 on a come point of 6 win 7 + floor(7 * 6 / 5) = 15. Off on the come-out (V0): a 6 or a 7 (11
        // ways) returns the 7; a point p (ways n_p) leads to Vp; 2, 3, 11, 12 (6 ways) stay. Working at point p:
        // a 6 (5 ways) pays 15, a 7 (6) nothing, p (n_p) leads back to V0:  Vp = (75 + n_p V0) / (11 + n_p) and
        // 30 V0 = 77 + sum_p n_p (75 + n_p V0) / (11 + n_p) over p in 4, 5, 8, 9, 10.
        Bet odds = new Bet(2, 0, BetKind.COME_ODDS, 7, 0, 1, 0);
        assertEquals(f(289_935, 42_031), FairValue.of(odds, 0, 6));
        assertEquals(f(287_295, 42_031), FairValue.of(odds, 4, 6));
        assertEquals(f(287_471, 42_031), FairValue.of(odds, 5, 6));
        assertEquals(f(287_625, 42_031), FairValue.of(odds, 8, 6));
        assertEquals(f(287_295, 42_031), FairValue.of(odds, 10, 6));
        // With an exact payout the odds are worth their stake whatever happens: 5 on 6 pays 6.
        assertEquals(f(5, 1), FairValue.of(new Bet(2, 0, BetKind.COME_ODDS, 5, 0, 1, 0), 0, 6));
    }

    @Test
    void betsThatStayUpEarnTheirExpectedNumberOfWins() {
        // Place p: wins ways(p) per 6 sevens; off on the come-out, which only delays. 30 on 4 pays 54, on 5 42, on 6 35.
        int[] numbers = {4, 5, 6, 8, 9, 10};
        long[] winnings = {54, 42, 35, 35, 42, 54};
        long[] ways = {3, 4, 5, 5, 4, 3};
        for (int i = 0; i < numbers.length; i++) {
            for (int tablePoint : new int[] {0, 4, 6}) {
                Bet place = new Bet(1, 0, BetKind.PLACE, 30, numbers[i], 0, 0);
                assertEquals(f(winnings[i] * ways[i], 6), FairValue.of(place, tablePoint, 0), "place " + numbers[i]);
            }
        }
        assertEquals(f(30 * 5, 6), value(BetKind.BIG6, 30, 0));
        assertEquals(f(30 * 5, 6), value(BetKind.BIG8, 30, 9));
        // Hard 6 pays 9:1 on 3+3 (1 way) and loses on a 7 or an easy 6 (6 + 4 ways); hard 4 pays 7:1, loses on 6 + 2.
        assertEquals(f(90, 10), FairValue.of(new Bet(1, 0, BetKind.HARD, 10, 6, 0, 0), 4, 0));
        assertEquals(f(90, 10), FairValue.of(new Bet(1, 0, BetKind.HARD, 10, 8, 0, 0), 0, 0));
        assertEquals(f(70, 8), FairValue.of(new Bet(1, 0, BetKind.HARD, 10, 4, 0, 0), 5, 0));
        assertEquals(f(70, 8), FairValue.of(new Bet(1, 0, BetKind.HARD, 10, 10, 0, 0), 10, 0));
    }

    @Test
    void oneRollBets() {
        // Field 10: 3, 4, 9, 10, 11 (14 ways) pay 20 back, 2 pays 30, 12 pays 40.
        assertEquals(f(14 * 20 + 30 + 40, 36), value(BetKind.FIELD, 10, 0));
        assertEquals(f(6 * 50, 36), value(BetKind.ANY_SEVEN, 10, 4));
        assertEquals(f(4 * 80, 36), value(BetKind.ANY_CRAPS, 10, 0));
        assertEquals(f(310, 36), value(BetKind.ACES, 10, 0));
        assertEquals(f(310, 36), value(BetKind.BOXCARS, 10, 8));
        assertEquals(f(2 * 160, 36), value(BetKind.ACE_DEUCE, 10, 0));
        assertEquals(f(2 * 160, 36), value(BetKind.YO, 10, 0));
    }

    @Test
    void settlementPaysTheFaceWhenItIsHigherForBetsThatMayComeDown() {
        assertEquals(f(40, 1), FairValue.settlement(new Bet(1, 0, BetKind.DONT_PASS, 30, 0, 0, 0), 4, 0));
        assertEquals(f(2 * 30 * 6, 11), FairValue.settlement(new Bet(1, 0, BetKind.DONT_PASS, 30, 0, 0, 0), 6, 0));
        assertEquals(f(7, 1), FairValue.settlement(new Bet(2, 0, BetKind.PASS_ODDS, 7, 0, 1, 0), 5, 5), "34/5 < 7");
        assertEquals(f(30, 1), FairValue.settlement(new Bet(1, 0, BetKind.PLACE, 30, 6, 0, 0), 6, 0), "35/36 < face");
        assertEquals(f(10, 1), FairValue.settlement(new Bet(1, 0, BetKind.HARD, 10, 6, 0, 0), 6, 0));
        assertEquals(f(20, 1), FairValue.settlement(new Bet(1, 0, BetKind.PASS, 30, 0, 0, 0), 4, 0),
                "a pass line may not come down: fair value only");
        assertEquals(f(175, 18), FairValue.settlement(new Bet(1, 0, BetKind.FIELD, 10, 0, 0, 0), 0, 0));
    }

    @Test
    void aTableValuesItsOwnFelt() {
        TableDriver t = TableDriver.twoPlayers();
        long dont = t.bet(0, BetKind.DONT_PASS, 30);
        t.roll(1, 3); // point 4
        long odds = t.odds(0, BetKind.DONT_PASS_ODDS, 60, dont);
        long come = t.bet(1, BetKind.COME, 30);
        t.roll(2, 4); // come to 6
        long comeOdds = t.odds(1, BetKind.COME_ODDS, 7, come);
        assertEquals(f(40, 1), t.table.fairValue(dont));
        assertEquals(f(60, 1), t.table.fairValue(odds));
        assertEquals(f(287_295, 42_031), t.table.fairValue(comeOdds));
        assertEquals(f(60 * 5, 11), t.table.fairValue(come));
        assertEquals(f(40, 1), t.table.settlementValue(dont));
        assertThrows(IllegalArgumentException.class, () -> t.table.fairValue(999));
    }

    @Test
    void statesNoFeltCanHoldAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> FairValue.of(new Bet(2, 0, BetKind.PASS_ODDS, 10, 0, 1, 0), 0, 0), "line odds without a point");
        assertThrows(IllegalArgumentException.class,
                () -> FairValue.of(new Bet(2, 0, BetKind.PASS_ODDS, 10, 0, 1, 0), 4, 5), "odds point off the table point");
        assertThrows(IllegalArgumentException.class,
                () -> FairValue.of(new Bet(1, 0, BetKind.PLACE, 10, 7, 0, 0), 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FairValue.of(new Bet(1, 0, BetKind.HARD, 10, 5, 0, 0), 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FairValue.of(new Bet(1, 0, BetKind.PASS, 10, 0, 0, 4), 0, 0), "a come point on a pass bet");
        assertThrows(IllegalArgumentException.class, () -> FairValue.of(new Bet(1, 0, BetKind.PASS, 10, 0, 0, 0), 7, 0));
    }
}
