package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shooter's rotation, and the money moves that are not craps: transfers and leaving. */
class SeatsAndMoneyTest {
    private static TableDriver threeSeats() {
        return TableDriver.of(TableDriver.RULES, 100_000, 1000, 1000, 1000);
    }

    @Test
    void theShooterPassesToTheNextSeatOnlyOnASevenOut() {
        TableDriver t = threeSeats();
        assertEquals(0, t.table.shooter());
        t.roll(3, 4); // come-out 7
        t.roll(1, 1); // craps
        t.roll(2, 2);
        t.roll(1, 3); // point made
        assertEquals(0, t.table.shooter());
        t.roll(2, 3);
        RollResult out = t.roll(3, 4);
        assertTrue(out.sevenOut());
        assertEquals(1, out.shooterAfter());
        assertEquals(1, t.table.shooter());
    }

    @Test
    void theShooterWrapsAroundFromTheLastSeat() {
        TableDriver t = threeSeats();
        for (int expected : new int[] {1, 2, 0, 1}) {
            t.roll(4, 4);
            assertEquals(expected, t.roll(6, 1).shooterAfter());
        }
    }

    @Test
    void aSevenOutSkipsSeatsThatLeft() {
        TableDriver t = threeSeats();
        assertEquals(1000, t.table.withdraw(1));
        t.roll(4, 4);
        assertEquals(2, t.roll(6, 1).shooterAfter());
        t.roll(4, 4);
        assertEquals(0, t.roll(6, 1).shooterAfter());
    }

    @Test
    void whenTheShooterLeavesTheDicePassToTheNextActiveSeat() {
        TableDriver t = threeSeats();
        t.table.withdraw(2);
        t.table.withdraw(0);
        assertEquals(1, t.table.shooter());
        t.table.checkInvariants();
        t.roll(4, 4);
        assertEquals(1, t.roll(6, 1).shooterAfter(), "the only active seat keeps the dice");
        t.table.withdraw(1);
        t.table.checkInvariants();
        assertEquals(1000 * 3 + 100_000, t.table.total());
    }

    @Test
    void withdrawMovesTheWholeStackOutAndKeepsTheTotal() {
        TableDriver t = threeSeats();
        long total = t.table.total();
        long pass = t.bet(1, PASS, 10);
        t.roll(5, 6);
        assertTrue(!t.onFelt(pass));
        assertEquals(1010, t.table.withdraw(1));
        assertEquals(1010, t.table.withdrawn(1));
        assertEquals(0, t.table.stack(1));
        assertFalse(t.table.isActive(1));
        assertEquals(total, t.table.total());
        t.table.checkInvariants();
    }

    @Test
    void withdrawWithBetsOnTheFeltIsAProgrammerErrorAndChangesNothing() {
        TableDriver t = threeSeats();
        t.bet(1, PASS, 10);
        assertTrue(t.table.hasBetsOnFelt(1));
        assertFalse(t.table.hasBetsOnFelt(0));
        TableSnapshot before = TableSnapshot.of(t.table);
        assertThrows(IllegalStateException.class, () -> t.table.withdraw(1));
        assertEquals(before, TableSnapshot.of(t.table));
    }

    @Test
    void aSeatThatLeftCannotBetTransferOrLeaveAgain() {
        TableDriver t = threeSeats();
        t.table.withdraw(1);
        assertThrows(IllegalStateException.class, () -> t.table.place(1, t.usedId(), BetRequest.of(PASS, 10)));
        assertThrows(IllegalStateException.class, () -> t.table.takeDown(1, 1));
        assertThrows(IllegalStateException.class, () -> t.table.transfer(0, 1, 10));
        assertThrows(IllegalStateException.class, () -> t.table.transfer(1, 0, 10));
        assertThrows(IllegalStateException.class, () -> t.table.withdraw(1));
    }

    @Test
    void transferMovesTokensBetweenStacksUpToTheWholeStack() {
        TableDriver t = threeSeats();
        assertTrue(t.table.transfer(0, 2, 250));
        assertEquals(750, t.table.stack(0));
        assertEquals(1250, t.table.stack(2));
        assertTrue(t.table.transfer(0, 1, 750));
        assertEquals(0, t.table.stack(0));
        t.table.checkInvariants();
    }

    @Test
    void transferOfNothingNegativeOrMoreThanTheStackIsFalseAndChangesNothing() {
        TableDriver t = threeSeats();
        t.bet(0, PASS, 10); // the stack is 990: the felt is not the sender's to give
        TableSnapshot before = TableSnapshot.of(t.table);
        for (long amount : new long[] {0, -1, 991, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertFalse(t.table.transfer(0, 1, amount), "amount " + amount);
            assertEquals(before, TableSnapshot.of(t.table));
        }
    }

    @Test
    void transferToTheSameSeatIsAProgrammerError() {
        TableDriver t = threeSeats();
        assertThrows(IllegalArgumentException.class, () -> t.table.transfer(1, 1, 10));
    }
}
