package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.COME;
import static io.dicemesh.node.game.BetKind.COME_ODDS;
import static io.dicemesh.node.game.BetKind.DONT_COME;
import static io.dicemesh.node.game.BetKind.DONT_COME_ODDS;
import static io.dicemesh.node.game.BetKind.DONT_PASS;
import static io.dicemesh.node.game.BetKind.DONT_PASS_ODDS;
import static io.dicemesh.node.game.BetKind.PASS;
import static io.dicemesh.node.game.BetKind.PASS_ODDS;
import static io.dicemesh.node.game.TableDriver.decided;
import static io.dicemesh.node.game.TableDriver.outcomeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Odds on line and come bets: true-odds payouts rounded down, phases, and how they follow their base bet. */
class OddsBetsTest {
    /** Sets the point with dice summing to {@code point}, then takes odds and makes the point; returns winnings. */
    private static long passOddsWinnings(int point, long oddsStake) {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        t.roll(point / 2, point - point / 2);
        long odds = t.odds(0, PASS_ODDS, oddsStake, pass);
        RollResult made = t.roll(point - point / 2, point / 2);
        assertEquals(Outcome.WIN, decided(made, pass).outcome());
        return decided(made, odds).winnings();
    }

    private static long dontPassOddsWinnings(int point, long oddsStake) {
        TableDriver t = TableDriver.twoPlayers();
        long dont = t.bet(0, DONT_PASS, 10);
        t.roll(point / 2, point - point / 2);
        long odds = t.odds(0, DONT_PASS_ODDS, oddsStake, dont);
        RollResult out = t.roll(3, 4);
        assertEquals(Outcome.WIN, decided(out, dont).outcome());
        return decided(out, odds).winnings();
    }

    @Test
    void passOddsPayTwoToOneThreeToTwoAndSixToFiveRoundedDown() {
        assertEquals(60, passOddsWinnings(4, 30));
        assertEquals(42, passOddsWinnings(10, 21));
        assertEquals(22, passOddsWinnings(5, 15)); // 22.5
        assertEquals(37, passOddsWinnings(9, 25)); // 37.5
        assertEquals(13, passOddsWinnings(6, 11)); // 13.2
        assertEquals(58, passOddsWinnings(8, 49)); // 58.8
    }

    @Test
    void dontPassOddsPayOneToTwoTwoToThreeAndFiveToSixRoundedDown() {
        assertEquals(15, dontPassOddsWinnings(4, 30));
        assertEquals(10, dontPassOddsWinnings(10, 21)); // 10.5
        assertEquals(10, dontPassOddsWinnings(5, 15));
        assertEquals(26, dontPassOddsWinnings(9, 40)); // 26.67
        assertEquals(9, dontPassOddsWinnings(6, 11)); // 9.17
        assertEquals(40, dontPassOddsWinnings(8, 49)); // 40.83
    }

    @Test
    void laidOddsOfOneWinNothingButAreStillAWinThatReturnsTheStake() {
        TableDriver t = TableDriver.twoPlayers();
        long dont = t.bet(0, DONT_PASS, 10);
        t.roll(2, 2);
        long odds = t.odds(0, DONT_PASS_ODDS, 1, dont);
        RollResult out = t.roll(3, 4);
        assertEquals(new BetOutcome(odds, 0, Outcome.WIN, 1, 0), decided(out, odds));
        assertEquals(1010, t.table.stack(0));
    }

    @Test
    void passOddsLoseWithTheirPassBetOnASevenOut() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        t.roll(4, 4);
        long odds = t.odds(0, PASS_ODDS, 50, pass);
        RollResult out = t.roll(3, 4);
        assertEquals(Outcome.LOSE, decided(out, odds).outcome());
        assertEquals(940, t.table.stack(0));
        assertEquals(TableDriver.BANK + 60, t.table.bank());
    }

    @Test
    void comeOddsWinWithTheirComeBetInPointPhase() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.roll(2, 2);
        long come = t.bet(0, COME, 10);
        t.roll(3, 3);
        long odds = t.odds(0, COME_ODDS, 25, come);
        RollResult hit = t.roll(1, 5);
        assertEquals(Outcome.WIN, decided(hit, come).outcome());
        assertEquals(new BetOutcome(odds, 0, Outcome.WIN, 25, 30), decided(hit, odds));
    }

    @Test
    void comeOddsAreOffOnComeOutAndReturnedWhenTheirComeBetResolvesThen() {
        for (int[] dice : new int[][] {{3, 3}, {3, 4}}) {
            TableDriver t = TableDriver.twoPlayers();
            t.bet(0, PASS, 10);
            t.roll(2, 2);
            long come = t.bet(0, COME, 10);
            t.roll(3, 3);
            long odds = t.odds(0, COME_ODDS, 25, come);
            t.roll(2, 2); // point made: come-out, the come bet and its odds stay
            RollResult eleven = t.roll(5, 6);
            assertTrue(outcomeOf(eleven, odds).isEmpty(), "undecided on a come-out 11");
            RollResult r = t.roll(dice[0], dice[1]);
            Outcome comeOutcome = dice[0] + dice[1] == 6 ? Outcome.WIN : Outcome.LOSE;
            assertEquals(comeOutcome, decided(r, come).outcome());
            assertEquals(new BetOutcome(odds, 0, Outcome.RETURNED, 25, 0), decided(r, odds));
        }
    }

    @Test
    void comeOddsMayBeMadeOnComeOutAndAreOffThen() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.roll(2, 2);
        long come = t.bet(0, COME, 10);
        t.roll(3, 3);
        t.roll(1, 3); // back to come-out
        long odds = t.odds(0, COME_ODDS, 50, come);
        assertEquals(10, t.table.worstNextRollWinnings(), "only the come bet's 1:1 counts: its odds are off");
        RollResult r = t.roll(5, 1);
        assertEquals(Outcome.RETURNED, decided(r, odds).outcome());
    }

    @Test
    void dontComeOddsKeepWorkingOnComeOutAndWinOnSeven() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.roll(2, 2);
        long dontCome = t.bet(1, DONT_COME, 10);
        t.roll(4, 5);
        long odds = t.odds(1, DONT_COME_ODDS, 30, dontCome);
        t.roll(2, 2); // come-out again
        RollResult seven = t.roll(3, 4);
        assertEquals(Outcome.WIN, decided(seven, dontCome).outcome());
        assertEquals(new BetOutcome(odds, 1, Outcome.WIN, 30, 20), decided(seven, odds));
    }

    @Test
    void dontComeOddsLoseWhenTheComePointRepeats() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.roll(2, 2);
        long dontCome = t.bet(1, DONT_COME, 10);
        t.roll(4, 1);
        long odds = t.odds(1, DONT_COME_ODDS, 40, dontCome);
        RollResult five = t.roll(3, 2);
        assertEquals(Outcome.LOSE, decided(five, dontCome).outcome());
        assertEquals(Outcome.LOSE, decided(five, odds).outcome());
    }

    @Test
    void oddsLimitIsTheMultipleTimesTheBaseStakeSummedOverAllOddsOnThatBase() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        t.roll(2, 3); // point 5: 4x
        t.odds(0, PASS_ODDS, 25, pass);
        t.odds(0, PASS_ODDS, 15, pass);
        assertEquals(Refusal.ODDS_OVER_LIMIT, t.refused(0, BetRequest.odds(PASS_ODDS, 1, pass)));
    }

    @Test
    void laidOddsHaveTheSameLimitAsTakenOdds() {
        TableDriver t = TableDriver.twoPlayers();
        long dont = t.bet(1, DONT_PASS, 10);
        t.roll(2, 2); // point 4: 3x
        assertEquals(Refusal.ODDS_OVER_LIMIT, t.refused(1, BetRequest.odds(DONT_PASS_ODDS, 31, dont)));
        t.odds(1, DONT_PASS_ODDS, 30, dont);
    }

    @Test
    void oddsAreExemptFromTheTableMinimumAndMaximum() {
        TableDriver t = TableDriver.of(new CrapsRules(5, 20, OddsLimits.THREE_FOUR_FIVE), 100_000, 1000);
        long pass = t.bet(0, PASS, 20);
        t.roll(3, 3);
        t.odds(0, PASS_ODDS, 1, pass);
        t.odds(0, PASS_ODDS, 99, pass);
        assertEquals(880, t.table.stack(0));
    }
}
