package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.FIELD;
import static io.dicemesh.node.game.BetKind.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Programmer errors throw (and change nothing); only expected outcomes are returned as values. */
class ProgrammerErrorsTest {
    @Test
    void anUnknownSeatIsAnIllegalArgumentEverywhere() {
        CrapsTable table = TableDriver.twoPlayers().table;
        TableSnapshot before = TableSnapshot.of(table);
        for (int seat : new int[] {-1, 2, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> table.place(seat, 1, BetRequest.of(PASS, 10)));
            assertThrows(IllegalArgumentException.class, () -> table.takeDown(seat, 1));
            assertThrows(IllegalArgumentException.class, () -> table.transfer(seat, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> table.transfer(0, seat, 1));
            assertThrows(IllegalArgumentException.class, () -> table.withdraw(seat));
            assertThrows(IllegalArgumentException.class, () -> table.stack(seat));
            assertThrows(IllegalArgumentException.class, () -> table.withdrawn(seat));
            assertThrows(IllegalArgumentException.class, () -> table.isActive(seat));
            assertThrows(IllegalArgumentException.class, () -> table.hasBetsOnFelt(seat));
        }
        assertEquals(before, TableSnapshot.of(table));
        assertEquals(1, table.nextBetId(), "a bet for an unknown seat uses up no id");
    }

    @Test
    void aReusedBetIdIsAnIllegalArgumentWhetherItsBetWasAcceptedOrRefused() {
        CrapsTable table = TableDriver.twoPlayers().table;
        assertEquals(Optional.empty(), table.place(0, 5, BetRequest.of(PASS, 10)));
        assertEquals(Optional.of(Refusal.UNDER_MIN), table.place(0, 9, BetRequest.of(FIELD, 1)));
        TableSnapshot before = TableSnapshot.of(table);
        for (long id : new long[] {5, 9, 7, 0, -3}) {
            assertThrows(IllegalArgumentException.class, () -> table.place(1, id, BetRequest.of(FIELD, 10)),
                    "id " + id);
        }
        assertEquals(before, TableSnapshot.of(table));
        assertEquals(Optional.empty(), table.place(1, 10, BetRequest.of(FIELD, 10)));
    }

    @Test
    void aDieOutsideOneToSixIsAnIllegalArgumentAndChangesNothing() {
        TableDriver t = TableDriver.twoPlayers();
        t.bet(0, PASS, 10);
        TableSnapshot before = TableSnapshot.of(t.table);
        for (int[] dice : new int[][] {{0, 3}, {3, 7}, {-1, -1}}) {
            assertThrows(IllegalArgumentException.class, () -> t.table.roll(dice[0], dice[1]));
        }
        assertEquals(before, TableSnapshot.of(t.table));
    }

    @Test
    void badRulesAndStartingMoneyAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> new CrapsRules(0, 10, OddsLimits.THREE_FOUR_FIVE));
        assertThrows(IllegalArgumentException.class, () -> new CrapsRules(10, 9, OddsLimits.THREE_FOUR_FIVE));
        assertThrows(IllegalArgumentException.class, () -> new OddsLimits(3, 4, -5, 5, 4, 3));
        CrapsRules rules = TableDriver.RULES;
        assertThrows(IllegalArgumentException.class, () -> new CrapsTable(rules, new long[0], 100));
        assertThrows(IllegalArgumentException.class, () -> new CrapsTable(rules, new long[] {10, -1}, 100));
        assertThrows(IllegalArgumentException.class, () -> new CrapsTable(rules, new long[] {10}, -100));
        assertThrows(IllegalArgumentException.class,
                () -> new CrapsTable(rules, new long[] {Long.MAX_VALUE, 1}, 0), "the total must fit in a long");
        assertThrows(IllegalArgumentException.class, () -> new Bet(1, 0, FIELD, 0, 0, 0, 0));
    }

    @Test
    void theTableKeepsItsOwnCopyOfTheStartingStacks() {
        long[] stacks = {1000, 1000};
        CrapsTable table = new CrapsTable(TableDriver.RULES, stacks, 100);
        stacks[0] = 5;
        assertEquals(1000, table.stack(0));
    }
}
