package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.COME;
import static io.dicemesh.node.game.BetKind.DONT_COME;
import static io.dicemesh.node.game.BetKind.DONT_PASS;
import static io.dicemesh.node.game.BetKind.PASS;
import static io.dicemesh.node.game.TableDriver.decided;
import static io.dicemesh.node.game.TableDriver.outcomeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pass, Don't Pass, Come and Don't Come through a round, as CRAPS.md's "A round" describes. */
class LineBetsTest {
    @Test
    void comeOutSevenAndElevenWinPassEvenMoneyAndLoseDontPass() {
        for (int[] dice : new int[][] {{3, 4}, {5, 6}}) {
            TableDriver t = TableDriver.twoPlayers();
            long pass = t.bet(0, PASS, 10);
            long dont = t.bet(1, DONT_PASS, 10);
            RollResult r = t.roll(dice[0], dice[1]);
            assertEquals(new BetOutcome(pass, 0, Outcome.WIN, 10, 10), decided(r, pass));
            assertEquals(Outcome.LOSE, decided(r, dont).outcome());
            assertEquals(1010, t.table.stack(0));
            assertEquals(990, t.table.stack(1));
            assertEquals(TableDriver.BANK, t.table.bank());
            assertEquals(0, t.table.point());
        }
    }

    @Test
    void comeOutTwoAndThreeWinDontPassTwelvePushesItAndAllCrapsLosePass() {
        for (int[] dice : new int[][] {{1, 1}, {1, 2}, {6, 6}}) {
            TableDriver t = TableDriver.twoPlayers();
            long pass = t.bet(0, PASS, 10);
            long dont = t.bet(1, DONT_PASS, 10);
            RollResult r = t.roll(dice[0], dice[1]);
            assertEquals(Outcome.LOSE, decided(r, pass).outcome());
            Outcome expected = dice[0] + dice[1] == 12 ? Outcome.PUSH : Outcome.WIN;
            assertEquals(expected, decided(r, dont).outcome());
            assertEquals(expected == Outcome.PUSH ? 1000 : 1010, t.table.stack(1));
            assertTrue(t.table.felt().isEmpty());
        }
    }

    @Test
    void pointNumberSetsThePointAndOnlyThePointOrSevenDecidesLineBets() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        long dont = t.bet(1, DONT_PASS, 10);
        RollResult setPoint = t.roll(2, 2);
        assertEquals(4, setPoint.pointAfter());
        assertTrue(setPoint.outcomes().isEmpty());
        for (int[] dice : new int[][] {{1, 2}, {5, 6}, {6, 6}, {3, 3}, {1, 1}}) {
            assertTrue(t.roll(dice[0], dice[1]).outcomes().isEmpty(), "a point-phase " + dice[0] + "+" + dice[1]);
        }
        RollResult made = t.roll(1, 3);
        assertEquals(Outcome.WIN, decided(made, pass).outcome());
        assertEquals(Outcome.LOSE, decided(made, dont).outcome());
        assertEquals(0, made.pointAfter());
        assertFalse(made.sevenOut());
    }

    @Test
    void sevenOutLosesPassWinsDontPassAndReturnsToComeOut() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        long dont = t.bet(1, DONT_PASS, 10);
        t.roll(4, 5);
        RollResult out = t.roll(3, 4);
        assertTrue(out.sevenOut());
        assertEquals(9, out.pointBefore());
        assertEquals(0, out.pointAfter());
        assertEquals(Outcome.LOSE, decided(out, pass).outcome());
        assertEquals(new BetOutcome(dont, 1, Outcome.WIN, 10, 10), decided(out, dont));
    }

    @Test
    void comeWinsOnItsOwnSevenOrElevenAndLosesOnCraps() {
        for (int[] dice : new int[][] {{5, 6}, {1, 1}, {1, 2}, {6, 6}}) {
            TableDriver t = TableDriver.twoPlayers();
            t.bet(0, PASS, 10);
            t.roll(3, 3);
            long come = t.bet(0, COME, 10);
            long dontCome = t.bet(1, DONT_COME, 10);
            RollResult r = t.roll(dice[0], dice[1]);
            int total = dice[0] + dice[1];
            assertEquals(total == 11 ? Outcome.WIN : Outcome.LOSE, decided(r, come).outcome(), "come on " + total);
            Outcome dont = total == 11 ? Outcome.LOSE : total == 12 ? Outcome.PUSH : Outcome.WIN;
            assertEquals(dont, decided(r, dontCome).outcome(), "dont-come on " + total);
        }
    }

    @Test
    void comeMovesToItsComePointKeepingItsPlaceThenWinsWhenItRepeats() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        t.roll(2, 2);
        long come = t.bet(0, COME, 10);
        long field = t.bet(1, BetKind.FIELD, 10);
        long place = t.bet(1, BetKind.PLACE, 12, 6);
        RollResult moved = t.roll(1, 5);
        assertTrue(outcomeOf(moved, come).isEmpty(), "moving is not an outcome");
        assertEquals(List.of(pass, come, place), t.table.felt().stream().map(Bet::id).toList());
        assertEquals(6, t.feltBet(come).comePoint());
        assertTrue(field > 0);
        RollResult hit = t.roll(2, 4);
        assertEquals(new BetOutcome(come, 0, Outcome.WIN, 10, 10), decided(hit, come));
    }

    @Test
    void dontComeMovesToItsComePointAndWinsOnSevenLosesOnItsNumber() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.roll(2, 2);
        long first = t.bet(1, DONT_COME, 10);
        t.roll(4, 4);
        long second = t.bet(1, DONT_COME, 10);
        t.roll(4, 5);
        RollResult r = t.roll(4, 4);
        assertEquals(Outcome.LOSE, decided(r, first).outcome());
        assertTrue(t.onFelt(second));
        RollResult seven = t.roll(3, 4);
        assertEquals(Outcome.WIN, decided(seven, second).outcome());
    }

    @Test
    void comeBetsKeepWorkingWhenTheTableReturnsToComeOut() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.roll(2, 2);
        long come = t.bet(0, COME, 10);
        t.roll(4, 4);
        t.roll(1, 3); // point 4 made: come-out again, the come bet on 8 stays up and working
        assertEquals(0, t.table.point());
        RollResult comeOutEight = t.roll(5, 3);
        assertEquals(Outcome.WIN, decided(comeOutEight, come).outcome());
    }

    @Test
    void aComeBetOnTheTablePointMovesThereWhileThePassLineWins() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        t.roll(2, 3);
        long come = t.bet(0, COME, 10);
        RollResult r = t.roll(1, 4);
        assertEquals(Outcome.WIN, decided(r, pass).outcome());
        assertTrue(outcomeOf(r, come).isEmpty());
        assertEquals(5, t.feltBet(come).comePoint());
        assertEquals(0, t.table.point());
    }
}
