package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.BIG6;
import static io.dicemesh.node.game.BetKind.BIG8;
import static io.dicemesh.node.game.BetKind.HARD;
import static io.dicemesh.node.game.BetKind.PASS;
import static io.dicemesh.node.game.BetKind.PLACE;
import static io.dicemesh.node.game.TableDriver.decided;
import static io.dicemesh.node.game.TableDriver.outcomeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** Place, Big 6/8, hardways, and the one-roll bets: when they work, what they pay, and that they stay up. */
class NumberAndOneRollBetsTest {
    /** A table in point phase (point 4 unless told) so that place and hard bets work. */
    private static TableDriver inPointPhase() {
        return inPointPhase(4);
    }

    private static TableDriver inPointPhase(int point) {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.roll(point / 2, point - point / 2);
        return t;
    }

    @Test
    void placeBetsPayNineToFiveSevenToFiveSevenToSixRoundedDownAndStayUp() {
        Map<Integer, Long> expectedOn7 = Map.of(4, 12L, 5, 9L, 6, 8L, 8, 8L, 9, 9L, 10, 12L); // stake 7
        for (Map.Entry<Integer, Long> entry : expectedOn7.entrySet()) {
            int number = entry.getKey();
            TableDriver t = inPointPhase(number == 4 ? 10 : 4); // hitting the number must not make the point
            long place = t.bet(1, PLACE, 7, number);
            RollResult first = t.roll(number / 2, number - number / 2);
            assertEquals(new BetOutcome(place, 1, Outcome.WIN_STAYS, 7, entry.getValue()), decided(first, place));
            assertTrue(t.onFelt(place), "a place win stays up");
            RollResult second = t.roll(number - number / 2, number / 2);
            assertEquals(Outcome.WIN_STAYS, decided(second, place).outcome());
            RollResult seven = t.roll(3, 4);
            assertEquals(Outcome.LOSE, decided(seven, place).outcome());
        }
    }

    @Test
    void placeBetsAreOffOnComeOutRollsEvenOnTheirOwnNumberOrSeven() {
        TableDriver t = TableDriver.twoPlayers();
        long place = t.bet(1, PLACE, 12, 6);
        RollResult seven = t.roll(3, 4);
        assertTrue(outcomeOf(seven, place).isEmpty());
        RollResult six = t.roll(3, 3); // sets the point 6, place off on this roll
        assertTrue(outcomeOf(six, place).isEmpty());
        RollResult sixAgain = t.roll(2, 4);
        assertEquals(new BetOutcome(place, 1, Outcome.WIN_STAYS, 12, 14), decided(sixAgain, place));
    }

    @Test
    void bigSixAndEightPayEvenMoneyStayUpAndWorkOnComeOut() {
        TableDriver t = TableDriver.twoPlayers();
        long big6 = t.bet(0, BIG6, 10);
        long big8 = t.bet(1, BIG8, 10);
        RollResult six = t.roll(1, 5);
        assertEquals(new BetOutcome(big6, 0, Outcome.WIN_STAYS, 10, 10), decided(six, big6));
        assertTrue(outcomeOf(six, big8).isEmpty());
        RollResult eight = t.roll(2, 6);
        assertEquals(Outcome.WIN_STAYS, decided(eight, big8).outcome());
        t.roll(2, 4); // point 6 made: come-out
        RollResult comeOutSeven = t.roll(6, 1);
        assertEquals(Outcome.LOSE, decided(comeOutSeven, big6).outcome());
        assertEquals(Outcome.LOSE, decided(comeOutSeven, big8).outcome());
    }

    @Test
    void hardwaysPayNineToOneAndSevenToOneAsAPairAndLoseToTheEasyWayOrSeven() {
        TableDriver t = inPointPhase();
        long hard6 = t.bet(1, HARD, 10, 6);
        long hard10 = t.bet(1, HARD, 10, 10);
        long hard8 = t.bet(1, HARD, 10, 8);
        RollResult pair = t.roll(3, 3);
        assertEquals(new BetOutcome(hard6, 1, Outcome.WIN_STAYS, 10, 90), decided(pair, hard6));
        RollResult fives = t.roll(5, 5);
        assertEquals(new BetOutcome(hard10, 1, Outcome.WIN_STAYS, 10, 70), decided(fives, hard10));
        RollResult easy6 = t.roll(2, 4);
        assertEquals(Outcome.LOSE, decided(easy6, hard6).outcome());
        RollResult easy10 = t.roll(6, 4);
        assertEquals(Outcome.LOSE, decided(easy10, hard10).outcome());
        RollResult seven = t.roll(2, 5);
        assertEquals(Outcome.LOSE, decided(seven, hard8).outcome());
    }

    @Test
    void hardwaysAreOffOnComeOutRollsEvenAsAPair() {
        TableDriver t = TableDriver.twoPlayers();
        long hard8 = t.bet(1, HARD, 10, 8);
        assertTrue(outcomeOf(t.roll(4, 4), hard8).isEmpty());
        assertEquals(Outcome.WIN_STAYS, decided(t.roll(4, 4), hard8).outcome());
    }

    @Test
    void oneRollBetsPayTheirOddsOnTheirTotalsAndLoseOnEveryOtherInBothPhases() {
        check(BetKind.FIELD, total -> switch (total) {
            case 2 -> 20;
            case 12 -> 30;
            case 3, 4, 9, 10, 11 -> 10;
            default -> -1;
        });
        check(BetKind.ANY_SEVEN, total -> total == 7 ? 40 : -1);
        check(BetKind.ANY_CRAPS, total -> total == 2 || total == 3 || total == 12 ? 70 : -1);
        check(BetKind.ACES, total -> total == 2 ? 300 : -1);
        check(BetKind.BOXCARS, total -> total == 12 ? 300 : -1);
        check(BetKind.ACE_DEUCE, total -> total == 3 ? 150 : -1);
        check(BetKind.YO, total -> total == 11 ? 150 : -1);
    }

    /** winningsOf10: the winnings of a stake of 10 on each total, -1 for a loss. */
    private static void check(BetKind kind, IntUnaryOperator winningsOf10) {
        for (boolean pointPhase : new boolean[] {false, true}) {
            for (int die1 = 1; die1 <= 6; die1++) {
                for (int die2 = 1; die2 <= 6; die2++) {
                    TableDriver t = pointPhase ? inPointPhase() : TableDriver.twoPlayers();
                    long bet = t.bet(1, kind, 10);
                    BetOutcome outcome = decided(t.roll(die1, die2), bet);
                    int expected = winningsOf10.applyAsInt(die1 + die2);
                    String what = kind.label() + " on " + die1 + "+" + die2;
                    assertEquals(expected < 0 ? Outcome.LOSE : Outcome.WIN, outcome.outcome(), what);
                    assertEquals(Math.max(expected, 0), outcome.winnings(), what);
                    assertTrue(!t.onFelt(bet), what + ": a one-roll bet leaves the felt");
                }
            }
        }
    }

    @Test
    void winningsRoundDownAndTheRestStaysWithTheBank() {
        TableDriver t = inPointPhase();
        long bankBefore = t.table.bank();
        long place = t.bet(1, PLACE, 11, 6); // 11 * 7 / 6 = 12.83
        t.roll(2, 4);
        assertEquals(1000 - 11 + 12, t.table.stack(1));
        assertEquals(bankBefore - 12, t.table.bank());
        assertTrue(t.onFelt(place));
    }
}
