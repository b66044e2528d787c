package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.COME;
import static io.dicemesh.node.game.BetKind.COME_ODDS;
import static io.dicemesh.node.game.BetKind.PASS;
import static io.dicemesh.node.game.BetKind.PASS_ODDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** restore() is the exact inverse of the reads, and refuses states that break an invariant. */
class RestoreTest {
    private static final CrapsRules RULES = TableDriver.RULES;

    /** A mid-game table: a point, a come bet on its come point with odds, a seat that left, a moved shooter. */
    private static TableDriver midGame() {
        TableDriver t = TableDriver.of(RULES, 100_000, 1000, 1000, 1000);
        t.table.withdraw(2);
        t.roll(4, 4);
        t.roll(3, 4); // seven-out: shooter 1
        long pass = t.bet(0, PASS, 10);
        t.roll(2, 3);
        t.odds(0, PASS_ODDS, 40, pass);
        long come = t.bet(1, COME, 10);
        t.roll(3, 3);
        t.odds(1, COME_ODDS, 50, come);
        t.bet(1, BetKind.HARD, 10, 8);
        t.usedId(); // the last id was used by a refused bet, say
        return t;
    }

    @Test
    void restoringFromTheReadsGivesAnEqualTableWithTheSameIdCounter() {
        TableDriver t = midGame();
        TableSnapshot snapshot = TableSnapshot.of(t.table);
        CrapsTable restored = snapshot.restore(t.table.nextBetId());
        assertEquals(snapshot, TableSnapshot.of(restored));
        assertEquals(t.table.nextBetId(), restored.nextBetId());
        assertEquals(t.table.worstNextRollWinnings(), restored.worstNextRollWinnings());
        assertEquals(1, restored.shooter());
        assertEquals(5, restored.point());
    }

    @Test
    void aRestoredTablePlaysOnExactlyLikeTheOriginal() {
        TableDriver original = midGame();
        CrapsTable restored = TableSnapshot.of(original.table).restore(original.table.nextBetId());
        int[][] rolls = {{3, 3}, {4, 4}, {2, 3}, {1, 1}, {6, 1}, {5, 5}};
        for (int[] dice : rolls) {
            assertEquals(original.table.roll(dice[0], dice[1]), restored.roll(dice[0], dice[1]));
            assertEquals(TableSnapshot.of(original.table), TableSnapshot.of(restored));
        }
    }

    @Test
    void restoreWithoutACounterStartsAboveTheLargestIdOnTheFelt() {
        TableDriver t = midGame();
        TableSnapshot s = TableSnapshot.of(t.table);
        long largest = s.felt().stream().mapToLong(Bet::id).max().orElseThrow();
        CrapsTable restored = CrapsTable.restore(s.rules(), new long[] {s.stacks().get(0), s.stacks().get(1),
                s.stacks().get(2)}, s.bank(), new long[] {0, 0, s.withdrawn().get(2)},
                new boolean[] {true, true, false}, s.point(), s.shooter(), s.felt());
        assertEquals(largest + 1, restored.nextBetId());
        assertEquals(s, TableSnapshot.of(restored));
    }

    private static void assertRefused(int point, int shooter, boolean[] active, long bank, Bet... felt) {
        long[] stacks = new long[active.length];
        for (int i = 0; i < active.length; i++) {
            stacks[i] = active[i] ? 100 : 0;
        }
        assertThrows(IllegalArgumentException.class, () -> CrapsTable.restore(RULES, stacks, bank,
                new long[active.length], active, point, shooter, List.of(felt)));
    }

    @Test
    void restoreRefusesStatesThatBreakAnInvariant() {
        boolean[] both = {true, true};
        Bet pass = new Bet(1, 0, PASS, 10, 0, 0, 0);
        assertRefused(0, 0, both, 100, pass, new Bet(2, 0, PASS_ODDS, 10, 0, 1, 0)); // pass odds on come-out
        assertRefused(4, 0, both, 100, new Bet(2, 0, PASS_ODDS, 10, 0, 1, 0), pass); // odds before their base
        assertRefused(4, 0, both, 100, new Bet(2, 0, PASS_ODDS, 10, 0, 1, 0)); // odds without their base
        assertRefused(4, 0, both, 100, pass, new Bet(2, 1, PASS_ODDS, 10, 0, 1, 0)); // another seat's base
        assertRefused(4, 0, both, 100, pass, new Bet(2, 0, PASS_ODDS, 31, 0, 1, 0)); // over 3x on 4
        assertRefused(4, 0, both, 100, pass, new Bet(2, 0, COME_ODDS, 10, 0, 1, 0)); // wrong base kind
        assertRefused(0, 0, both, 100, new Bet(1, 0, COME, 10, 0, 0, 0)); // come without a point on come-out
        assertRefused(0, 0, both, 100, new Bet(1, 0, BetKind.PLACE, 10, 7, 0, 0)); // place 7
        assertRefused(0, 0, both, 100, new Bet(1, 0, BetKind.FIELD, 10, 0, 0, 4)); // come point on a field bet
        assertRefused(0, 0, both, 100, pass, new Bet(1, 1, BetKind.FIELD, 10, 0, 0, 0)); // id twice
        assertRefused(0, 0, both, 100, new Bet(1, 2, BetKind.FIELD, 10, 0, 0, 0)); // no seat 2
        assertRefused(7, 0, both, 100); // no point 7
        assertRefused(0, 0, both, -1); // negative bank
        assertRefused(0, 1, new boolean[] {true, false}, 100); // shooter left while seat 0 plays
        assertRefused(0, 2, both, 100); // shooter is not a seat
        assertRefused(0, 0, new boolean[] {true, false}, 100, new Bet(1, 1, BetKind.FIELD, 10, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> CrapsTable.restore(RULES, new long[] {1, 1}, 0,
                new long[2], both, 0, 0, List.of(pass), 1)); // the counter must be above every id on the felt
        assertThrows(IllegalArgumentException.class, () -> CrapsTable.restore(RULES, new long[] {1, 1}, 0,
                new long[] {5, 0}, both, 0, 0, List.of())); // an active seat with withdrawn tokens
    }
}
