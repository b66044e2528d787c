package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

    @Test
    void takingDownABetAfterTheSumsSaturatedGivesTheBondsOfAWalkOverTheFelt() {
        // no bank covers saturated sums, so only a restored felt has them (its next roll returns bets first)
        long big = Long.MAX_VALUE / 5;
        CrapsRules rules = new CrapsRules(1, big, OddsLimits.THREE_FOUR_FIVE, true);
        List<Bet> felt = List.of(new Bet(1, 0, BetKind.PLACE, big, 4, 0, 0), new Bet(2, 1, BetKind.PLACE, big, 4, 0, 0),
                new Bet(3, 2, BetKind.PLACE, big, 4, 0, 0), new Bet(4, 3, BetKind.PLACE, 10, 6, 0, 0));
        long[] stacks = {10, 10, 10, 10};
        boolean[] active = {true, true, true, true};
        CrapsTable table = CrapsTable.restore(rules, stacks, 1000, new long[4], active, 6, 0, felt, 5);
        assertEquals(Long.MAX_VALUE, table.worstNextRollWinnings(), "three place-4 bets at 9:5 saturate the sums");
        assertEquals(Long.MAX_VALUE, table.revealBond(3), "and seat 3's bond");
        assertTrue(table.takeDown(0, 1).isEmpty());
        assertTrue(table.takeDown(3, 4).isEmpty());
        CrapsTable walked = CrapsTable.restore(rules, new long[] {table.stack(0), table.stack(1), table.stack(2),
            table.stack(3)}, table.bank(), new long[4], active, table.point(), table.shooter(), table.felt(),
                table.nextBetId());
        assertTrue(walked.worstNextRollWinnings() < Long.MAX_VALUE, "two place-4 bets do not saturate");
        assertEquals(walked.worstNextRollWinnings(), table.worstNextRollWinnings());
        for (int seat = 0; seat < 4; seat++) {
            assertEquals(walked.revealBond(seat), table.revealBond(seat), "seat " + seat);
        }
    }
}
