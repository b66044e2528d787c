package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** DESIGN 5b settlement of a departing seat, with the figures worked out by hand beside each case. */
class SettlementTest {
    private static final CrapsRules BONDED = new CrapsRules(5, 500, OddsLimits.THREE_FOUR_FIVE, true);

    @Test
    void absenceReturnsMaxOfFaceAndFairForBetsThatMayComeDownAndFairValueForTheOthers() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 1000, 1000);
        long pass = t.bet(0, BetKind.PASS, 30);
        long dont = t.bet(0, BetKind.DONT_PASS, 30);
        t.roll(1, 3); // point 4
        long place = t.bet(0, BetKind.PLACE, 30, 6);
        long total = t.table.total();
        long bankBefore = t.table.bank();
        Settlement s = t.table.depart(0, false);
        t.table.checkInvariants();
        // pass on 4: fair 2/3 * 30 * 2 = 20 (may not come down); dont pass on 4: max(30, 40) = 40; place 6: 35/36 * 30
        // < 30, so its face 30.
        assertEquals(20 + 40 + 30, s.paid());
        assertEquals(910, s.stack());
        assertEquals(910 + 90, s.setAside());
        assertEquals(1000, t.table.withdrawn(0));
        assertEquals(0, t.table.stack(0));
        assertFalse(t.table.isActive(0));
        assertTrue(t.table.felt().isEmpty());
        assertEquals(bankBefore + 90 - 90, t.table.bank(), "stakes 90 in, 90 paid out");
        assertEquals(total, t.table.total());
        assertEquals(Fraction.of(40), s.bets().get(1).value());
        assertEquals(Fraction.of(40), s.bets().get(1).fairValue());
        assertEquals(Fraction.of(175, 6), s.bets().get(2).fairValue());
        assertEquals(Fraction.of(30), s.bets().get(2).value());
        assertEquals(pass, s.bets().get(0).bet().id());
        assertEquals(dont, s.bets().get(1).bet().id());
        assertEquals(place, s.bets().get(2).bet().id());
        assertEquals(1, t.table.shooter(), "the departed shooter passes the dice");
    }

    @Test
    void valuesAreSummedExactlyAndRoundedDownOncePerPlayerWithTheRestToTheBank() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 1000, 1000);
        t.bet(1, BetKind.FIELD, 10);
        t.bet(1, BetKind.FIELD, 10);
        long bankBefore = t.table.bank();
        Settlement s = t.table.depart(1, false);
        // each field 10 is worth 175/18 = 9.72; together 175/9 = 19.44: 19, where rounding each would give 18
        assertEquals(19, s.paid());
        assertEquals(bankBefore + 1, t.table.bank());
        assertEquals(990 - 10 + 19, t.table.withdrawn(1));
    }

    @Test
    void aMissingRevealForfeitsTheBetsAtRiskOnTheRollAndTheRevealBond() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 1000, 1000);
        t.bet(0, BetKind.PASS, 100); // the others' bets: seat 2's bond covers 100 at risk + 100 on a 7
        t.bet(2, BetKind.PASS, 50);
        long place = t.bet(2, BetKind.PLACE, 30, 6); // off on the come-out: not at risk, settled at face
        long bond = t.table.revealBond(2);
        assertEquals(200, bond);
        long bankBefore = t.table.bank();
        long total = t.table.total();
        Settlement s = t.table.depart(2, true);
        t.table.checkInvariants();
        assertTrue(s.bets().get(0).forfeited());
        assertEquals(Fraction.ZERO, s.bets().get(0).value());
        assertFalse(s.bets().get(1).forfeited());
        assertEquals(place, s.bets().get(1).bet().id());
        assertEquals(30, s.paid());
        assertEquals(200, s.bondForfeited());
        assertEquals(920 - 200 + 30, s.setAside());
        assertEquals(bankBefore + 50 + 200, t.table.bank(), "the pass stake and the bond");
        assertEquals(total, t.table.total());
        assertEquals(1, t.table.felt().size(), "seat 0's pass stays");
    }

    @Test
    void theBondForfeitedIsAtMostTheStack() {
        TableDriver t = TableDriver.of(new CrapsRules(5, 500, OddsLimits.THREE_FOUR_FIVE), 100_000, 1000, 100);
        t.bet(0, BetKind.PASS, 500); // no bond rule at this table, so seat 1 was never held to cover 1000
        Settlement s = t.table.depart(1, true);
        assertEquals(100, s.bondForfeited());
        assertEquals(0, s.setAside());
    }

    @Test
    void aDepartedSeatCannotDepartAgain() {
        TableDriver t = TableDriver.of(BONDED, 100_000, 1000, 1000);
        t.table.depart(0, false);
        assertThrows(IllegalStateException.class, () -> t.table.depart(0, false));
    }
}
