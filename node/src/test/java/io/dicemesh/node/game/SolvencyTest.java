package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.PASS;
import static io.dicemesh.node.game.BetKind.PASS_ODDS;
import static io.dicemesh.node.game.BetKind.PLACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The solvency rule: the worst single next roll, refusals while uncovered, and the pre-roll returns. */
class SolvencyTest {
    @Test
    void worstNextRollCountsGrossWinningsOfEveryWorkingBetWithoutNettingLosses() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 100); // come-out 7 and 11 pay 100
        t.bet(1, BetKind.DONT_PASS, 100); // 2, 3 pay 100; its loss on 7 is not netted
        t.bet(1, BetKind.ANY_SEVEN, 10); // 7 pays 40
        t.bet(1, PLACE, 60, 6); // off on come-out: counts nothing
        assertEquals(140, t.table.worstNextRollWinnings());
    }

    @Test
    void placeBetsMadeOnComeOutCountOnceThePointComesOn() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        t.bet(1, PLACE, 60, 6);
        t.bet(1, PLACE, 60, 8);
        assertEquals(10, t.table.worstNextRollWinnings());
        t.roll(2, 2);
        assertEquals(70, t.table.worstNextRollWinnings(), "a 6 or an 8 pays 70; the 4 pays the pass 10");
    }

    @Test
    void whileTheFeltIsUncoveredEveryBetIsRefusedAndTheNextRollReturnsTheNewestBetsFirst() {
        TableDriver t = TableDriver.of(TableDriver.RULES, 50, 1000, 1000);
        long pass = t.bet(0, PASS, 10);
        long place6 = t.bet(1, PLACE, 60, 6);
        long place8 = t.bet(1, PLACE, 60, 8);
        assertTrue(t.roll(2, 2).outcomes().isEmpty(), "point 4: the place bets come on, worth 70 on a 6 or 8");
        assertEquals(70, t.table.worstNextRollWinnings());
        assertEquals(Refusal.BANK_CANNOT_COVER, t.refused(0, BetRequest.of(BetKind.FIELD, 5)));

        RollResult three = t.roll(1, 2);
        assertEquals(List.of(new BetOutcome(place8, 1, Outcome.RETURNED, 60, 0),
                new BetOutcome(place6, 1, Outcome.RETURNED, 60, 0)), three.outcomes());
        assertEquals(List.of(pass), t.table.felt().stream().map(Bet::id).toList());
        assertEquals(1000, t.table.stack(1));
        assertEquals(50, t.table.bank());
    }

    @Test
    void aStaysUpWinCanUncoverTheFeltThenOddsGoBackAloneBeforeTheRollsOwnOutcomes() {
        TableDriver t = TableDriver.of(TableDriver.RULES, 100, 1000, 1000);
        long pass = t.bet(0, PASS, 10);
        t.roll(3, 3); // point 6
        long odds = t.odds(0, PASS_ODDS, 50, pass); // a 6 pays 10 + 60 = 70 <= 100
        long place8 = t.bet(1, PLACE, 30, 8); // an 8 pays 35
        RollResult eight = t.roll(4, 4);
        assertEquals(Outcome.WIN_STAYS, TableDriver.decided(eight, place8).outcome());
        assertEquals(65, t.table.bank(), "now a 6 (70) is more than the bank");

        RollResult six = t.roll(3, 3);
        assertEquals(List.of(new BetOutcome(place8, 1, Outcome.RETURNED, 30, 0),
                new BetOutcome(odds, 0, Outcome.RETURNED, 50, 0),
                new BetOutcome(pass, 0, Outcome.WIN, 10, 10)), six.outcomes());
        assertEquals(55, t.table.bank());
    }

    @Test
    void aBetTheBankCoversExactlyIsAccepted() {
        TableDriver t = TableDriver.of(TableDriver.RULES, 40, 1000);
        t.bet(0, BetKind.ANY_SEVEN, 10);
        assertEquals(40, t.table.worstNextRollWinnings());
        assertEquals(Refusal.BANK_CANNOT_COVER, t.refused(0, BetRequest.of(BetKind.ANY_SEVEN, 5)));
        assertEquals(40, t.table.bank());
    }

    @Test
    void hugeStakesSaturateTheWorstRollInsteadOfOverflowing() {
        CrapsRules rules = new CrapsRules(1, Long.MAX_VALUE, OddsLimits.THREE_FOUR_FIVE);
        long stake = Long.MAX_VALUE / 4; // 30:1 on it does not fit in a long
        TableDriver t = TableDriver.of(rules, 1000, stake, 0);
        assertEquals(Refusal.BANK_CANNOT_COVER, t.refused(0, BetRequest.of(BetKind.ACES, stake)));

        CrapsTable restored = CrapsTable.restore(rules, new long[] {0, 0}, 1000, new long[2],
                new boolean[] {true, true}, 0, 0, List.of(new Bet(1, 0, BetKind.BOXCARS, stake, 0, 0, 0),
                        new Bet(2, 1, BetKind.BOXCARS, stake, 0, 0, 0)));
        assertEquals(Long.MAX_VALUE, restored.worstNextRollWinnings());
        RollResult boxcars = restored.roll(6, 6);
        assertEquals(List.of(Outcome.RETURNED, Outcome.RETURNED),
                boxcars.outcomes().stream().map(BetOutcome::outcome).toList());
        assertEquals(stake, restored.stack(0));
        assertEquals(1000, restored.bank());
    }
}
