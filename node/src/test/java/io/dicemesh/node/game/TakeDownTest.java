package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.COME;
import static io.dicemesh.node.game.BetKind.COME_ODDS;
import static io.dicemesh.node.game.BetKind.DONT_COME;
import static io.dicemesh.node.game.BetKind.DONT_COME_ODDS;
import static io.dicemesh.node.game.BetKind.DONT_PASS;
import static io.dicemesh.node.game.BetKind.DONT_PASS_ODDS;
import static io.dicemesh.node.game.BetKind.PASS;
import static io.dicemesh.node.game.BetKind.PASS_ODDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CRAPS.md's "take down" column, and that odds come down before the bet they follow. */
class TakeDownTest {
    @Test
    void takeDownReturnsTheStakeOfDontPassPlaceBigHardAndDontCome() {
        TableDriver t = TableDriver.twoPlayers();
        long dont = t.bet(0, DONT_PASS, 10);
        t.roll(2, 2);
        long place = t.bet(0, BetKind.PLACE, 10, 5);
        long big = t.bet(0, BetKind.BIG8, 10);
        long hard = t.bet(0, BetKind.HARD, 10, 6);
        long dontCome = t.bet(0, DONT_COME, 10);
        t.roll(4, 5); // dont-come moves to 9, place 5 and the rest stay
        long stackBefore = t.table.stack(0);
        for (long id : new long[] {dont, place, big, hard, dontCome}) {
            assertEquals(Optional.empty(), t.takeDown(0, id));
            assertFalse(t.onFelt(id));
        }
        assertEquals(stackBefore + 50, t.table.stack(0));
    }

    @Test
    void passComeAndOneRollBetsCannotComeDown() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        long field = t.bet(0, BetKind.FIELD, 10);
        long yo = t.bet(0, BetKind.YO, 10);
        assertEquals(Optional.of(Refusal.NOT_ALLOWED_NOW), t.takeDown(0, pass));
        assertEquals(Optional.of(Refusal.NOT_ALLOWED_NOW), t.takeDown(0, field));
        assertEquals(Optional.of(Refusal.NOT_ALLOWED_NOW), t.takeDown(0, yo));
        t.roll(2, 2);
        long come = t.bet(0, COME, 10);
        assertEquals(Optional.of(Refusal.NOT_ALLOWED_NOW), t.takeDown(0, come));
        t.roll(3, 3);
        assertEquals(Optional.of(Refusal.NOT_ALLOWED_NOW), t.takeDown(0, come), "not after its come point either");
    }

    @Test
    void oddsComeDownFirstAndABaseWithOddsUpIsRefused() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        long dont = t.bet(1, DONT_PASS, 10);
        t.roll(3, 3);
        long passOdds = t.odds(0, PASS_ODDS, 50, pass);
        long dontOdds = t.odds(1, DONT_PASS_ODDS, 30, dont);
        long dontCome = t.bet(1, DONT_COME, 10);
        long come = t.bet(0, COME, 10);
        t.roll(4, 4);
        long dontComeOdds = t.odds(1, DONT_COME_ODDS, 20, dontCome);
        long comeOdds = t.odds(0, COME_ODDS, 20, come);

        assertEquals(Optional.of(Refusal.NOT_ALLOWED_NOW), t.takeDown(1, dont));
        assertEquals(Optional.of(Refusal.NOT_ALLOWED_NOW), t.takeDown(1, dontCome));
        for (long odds : new long[] {passOdds, comeOdds}) {
            assertEquals(Optional.empty(), t.takeDown(0, odds));
        }
        for (long odds : new long[] {dontOdds, dontComeOdds}) {
            assertEquals(Optional.empty(), t.takeDown(1, odds));
        }
        assertEquals(Optional.empty(), t.takeDown(1, dont));
        assertEquals(Optional.empty(), t.takeDown(1, dontCome));
        assertEquals(1000, t.table.stack(1));
    }

    @Test
    void anotherPlayersBetIsNotPlayersBetAndAnIdNotOnTheFeltIsUnknown() {
        TableDriver t = TableDriver.twoPlayers();
        long dont = t.bet(0, DONT_PASS, 10);
        long field = t.bet(0, BetKind.FIELD, 10);
        assertEquals(Optional.of(Refusal.NOT_PLAYERS_BET), t.takeDown(1, dont));
        assertEquals(Optional.of(Refusal.NOT_PLAYERS_BET), t.takeDown(1, field), "ownership before the kind");
        assertEquals(Optional.of(Refusal.UNKNOWN_BET), t.takeDown(0, 999));
        t.roll(1, 2); // field wins and leaves
        assertEquals(Optional.of(Refusal.UNKNOWN_BET), t.takeDown(1, field), "gone: unknown even for another");
    }

    @Test
    void dontPassMayComeDownBeforeItsPoint() {
        TableDriver t = TableDriver.twoPlayers();
        long dont = t.bet(0, DONT_PASS, 10);
        assertEquals(Optional.empty(), t.takeDown(0, dont));
        assertEquals(1000, t.table.stack(0));
    }
}
