package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** DESIGN 5b's reveal bond: each player's free stack covers the others' stakes at risk plus their best roll. */
class RevealBondTest {
    private static final CrapsRules BONDED = new CrapsRules(5, 500, OddsLimits.THREE_FOUR_FIVE, true);

    @Test
    void theBondIsTheOthersStakesAtRiskPlusTheirLargestWinningsOnOnePair() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 1000, 1000);
        t.bet(0, BetKind.PASS, 100); // at risk on 2, 3, 12; wins 100 on 7 and 11
        t.bet(1, BetKind.FIELD, 50); // at risk on 5..8; wins 150 on 12, 100 on 2, 50 on 3, 4, 9, 10, 11
        assertEquals(50 + 150, t.table.revealBond(0), "seat 0 covers the field: 50 at risk + 150 on 12");
        assertEquals(100 + 100, t.table.revealBond(1), "seat 1 covers the pass: 100 at risk + 100 on 7 or 11");
        // seat 2 covers both: 150 at risk; the best pair for them is 11 (pass 100 + field 50) or 12 (field 150).
        assertEquals(150 + 150, t.table.revealBond(2));
    }

    @Test
    void aBetThatWouldLeaveAnotherPlayerShortIsRefusedAndChangesNothing() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 150, 1000);
        t.bet(0, BetKind.PASS, 70); // seat 1's bond: 70 + 70 = 140 <= 150
        assertEquals(Refusal.BOND_UNCOVERED, t.refused(0, BetRequest.of(BetKind.PASS, 10)), "140 + 20 > 150");
        assertEquals(Refusal.BOND_UNCOVERED, t.refused(2, BetRequest.of(BetKind.DONT_PASS, 20)), "90 + 70 > 150");
        t.bet(2, BetKind.DONT_PASS, 10); // 80 at risk + 70 on a 7 or 11: exactly 150
        assertEquals(Refusal.BOND_UNCOVERED, t.refused(1, BetRequest.of(BetKind.PASS, 5)), "its own bet: 145 < 150");
    }

    @Test
    void aPlayerMayPlaceBetsTheNextRollCannotDecide() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 0, 1000);
        long place = t.bet(0, BetKind.PLACE, 60, 6); // off on the come-out: nothing at risk, nothing to win
        assertEquals(0, t.table.revealBond(1));
        assertEquals(Refusal.BOND_UNCOVERED, t.refused(2, BetRequest.of(BetKind.FIELD, 5)), "seat 1 has nothing");
        t.takeDown(0, place);
    }

    @Test
    void aShortfallARollCausedBlocksOnlyWhatWouldDeepenIt() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 100, 1000);
        long place = t.bet(0, BetKind.PLACE, 60, 6); // off on the come-out: bonds stay 0
        t.roll(2, 2); // point 4: the place bet works; seat 1's bond is 60 + 70 = 130 > 100
        assertEquals(130, t.table.revealBond(1));
        assertEquals(Refusal.BOND_UNCOVERED, t.refused(2, BetRequest.onNumber(BetKind.PLACE, 30, 5)));
        assertEquals(Refusal.BOND_UNCOVERED, t.refused(1, BetRequest.of(BetKind.FIELD, 5)), "its own stack shrinks");
        t.roll(1, 2); // the table still rolls
        t.takeDown(0, place);
        assertEquals(0, t.table.revealBond(1));
        t.bet(2, BetKind.PLACE, 30, 5); // 30 + 42 <= 100 again
    }

    @Test
    void transfersKeepTheSendersBond() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 500, 1000);
        t.bet(0, BetKind.PASS, 100); // seat 1's bond: 200
        assertTrue(t.table.transferKeepsBond(1, 300));
        assertFalse(t.table.transferKeepsBond(1, 301));
        assertTrue(t.table.transferKeepsBond(0, 1000 - 100), "seat 0's own bets are not its bond");
    }

    @Test
    void crapsRulesAloneHaveNoBond() {
        TableDriver t = TableDriver.of(new CrapsRules(5, 500, OddsLimits.THREE_FOUR_FIVE), 100_000, 1000, 0);
        t.bet(0, BetKind.PASS, 500);
        assertTrue(t.table.transferKeepsBond(1, 0));
    }
}
