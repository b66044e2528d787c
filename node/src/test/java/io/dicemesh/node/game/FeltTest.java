package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The felt's kept lookups (by id, per seat, odds per base) and its order always equal a plain list's. */
class FeltTest {
    private static final int SEATS = 4;

    @Test
    void randomPlacementsTakeDownsAndRollsKeepTheOrderAndTheLookupsOfAPlainList() {
        long seed = Long.getLong("dicemesh.test.seed", System.nanoTime());
        System.out.println("[felt] seed " + seed + " (replay: -Dtest=FeltTest -Ddicemesh.test.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        Felt felt = new Felt();
        List<Bet> reference = new ArrayList<>();
        long nextId = 1;
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(100);
            String at = "seed " + seed + " step " + step;
            if (op < 50 || reference.isEmpty()) {
                Bet bet = newBet(random, nextId++, reference);
                felt.add(bet);
                reference.add(bet);
            } else if (op < 85) {
                Bet gone = reference.remove(random.nextInt(reference.size()));
                assertSame(gone, felt.remove(gone.id()), at);
                assertNull(felt.remove(gone.id()), at + ": a bet is taken off once");
            } else if (op < 92) {
                assertSame(reference.remove(reference.size() - 1), felt.remove(felt.newest().id()), at);
            } else if (op < 95) {
                List<Bet> survivors = new ArrayList<>();
                for (Bet bet : reference) {
                    if (random.nextInt(3) > 0) {
                        survivors.add(bet.kind() == BetKind.COME ? bet.withComePoint(6) : bet);
                    }
                }
                reference.clear();
                reference.addAll(survivors);
                felt.replaceAll(survivors);
            } else {
                Bet first = reference.get(0);
                assertThrows(IllegalArgumentException.class, () -> felt.add(first), at);
            }
            check(felt, reference, at);
        }
    }

    private static Bet newBet(SplittableRandom random, long id, List<Bet> reference) {
        int seat = random.nextInt(SEATS);
        if (random.nextInt(4) == 0) {
            for (Bet base : reference) {
                if (base.kind() == BetKind.PASS && base.seat() == seat) {
                    return new Bet(id, seat, BetKind.PASS_ODDS, 1 + random.nextInt(50), 0, base.id(), 0);
                }
            }
        }
        BetKind kind = switch (random.nextInt(3)) {
            case 0 -> BetKind.PASS;
            case 1 -> BetKind.COME;
            default -> BetKind.FIELD;
        };
        return new Bet(id, seat, kind, 5 + random.nextInt(100), 0, 0, 0);
    }

    private static void check(Felt felt, List<Bet> reference, String at) {
        assertEquals(reference, felt.copy(), at);
        assertEquals(reference.size(), felt.size(), at);
        for (int seat = 0; seat < SEATS; seat++) {
            final int s = seat;
            assertEquals(reference.stream().filter(b -> b.seat() == s).count(), felt.betsOf(seat), at);
        }
        for (Bet bet : reference) {
            assertSame(bet, felt.byId(bet.id()), at);
            long odds = reference.stream().filter(b -> b.kind().isOdds() && b.on() == bet.id())
                    .mapToLong(Bet::stake).sum();
            assertEquals(odds, felt.oddsStakeOn(bet.id()), at);
            assertEquals(odds > 0, felt.hasOddsOn(bet.id()), at);
        }
    }
}
