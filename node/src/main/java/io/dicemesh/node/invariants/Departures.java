package io.dicemesh.node.invariants;

import io.dicemesh.node.game.Bet;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.node.game.CrapsTable;
import java.util.Arrays;
import java.util.List;

/**
 * DESIGN 5b's settlement of one departing seat, as the fair-settlement checker computes it from the felt (never from
 * the engine's Settlement, FairValue or RevealBond). Its bets leave the felt: one its owner may take down returns
 * max(face, fair value), the others their fair value, summed exactly and rounded down once, capped by what the bank
 * and the stakes hold; with its reveal missing, each bet some pair makes lose on the roll in progress is forfeited,
 * and so is its reveal bond (capped by its stack): the others' stakes some pair makes lose on that roll plus the
 * largest total winnings one dice pair pays them. What remains of its stack, plus what it was paid, is set aside.
 */
final class Departures {
    /** Large enough that no test stack or bank limits a take-down check. */
    private static final long PLENTY = 1L << 50;

    /**
     * @param stakes its bets' stakes at face
     * @param paid what its bets returned to it
     * @param bond its reveal bond forfeited (0 unless its reveal is missing)
     * @param setAside its stack less the bond, plus paid
     * @param bankAfter the bank once it departed
     */
    record Departure(long stakes, long paid, long bond, long setAside, long bankAfter) {
    }

    private Departures() {
    }

    /**
     * Settles {@code seat} at a table whose felt (all seats' bets, in placing order) and point are given.
     *
     * @param bondFelt the felt its reveal bond is reckoned on: the felt of the roll in progress
     */
    static Departure settle(BetFates fates, CrapsRules rules, int seats, int point, List<Bet> felt,
            List<Bet> bondFelt, int seat, long stack, long bank, boolean revealMissing) {
        Rational sum = Rational.ZERO;
        long stakes = 0;
        for (Bet bet : felt) {
            if (bet.seat() != seat) {
                continue;
            }
            stakes += bet.stake();
            BetFates.Fate fate = fates.of(bet, felt, point);
            if (revealMissing && fate.canLose()) {
                continue; // forfeited to the bank
            }
            Rational v = fate.value();
            if (v.compareTo(Rational.of(bet.stake())) < 0 && mayTakeDown(rules, seats, point, felt, bet)) {
                v = Rational.of(bet.stake());
            }
            sum = sum.plus(v);
        }
        long paid = Math.min(sum.floor(), bank + stakes);
        long bond = revealMissing ? Math.min(revealBond(fates, point, bondFelt, seat), stack) : 0;
        return new Departure(stakes, paid, bond, stack - bond + paid, bank + stakes - paid + bond);
    }

    /** The others' stakes some pair makes lose on the next roll plus the largest total winnings one pair pays them. */
    static long revealBond(BetFates fates, int point, List<Bet> felt, int seat) {
        long atRisk = 0;
        long[] winnings = new long[36];
        for (Bet bet : felt) {
            if (bet.seat() == seat) {
                continue;
            }
            BetFates.Fate fate = fates.of(bet, felt, point);
            if (fate.canLose()) {
                atRisk = saturatingAdd(atRisk, bet.stake());
            }
            for (int pair = 0; pair < winnings.length; pair++) {
                winnings[pair] = saturatingAdd(winnings[pair], fate.winnings()[pair]);
            }
        }
        return saturatingAdd(atRisk, Arrays.stream(winnings).max().orElse(0));
    }

    /** Whether the table lets the owner take the bet down between rolls (its own odds on it taken down first). */
    private static boolean mayTakeDown(CrapsRules rules, int seats, int point, List<Bet> felt, Bet bet) {
        long[] stacks = new long[seats];
        boolean[] active = new boolean[seats];
        Arrays.fill(stacks, PLENTY);
        Arrays.fill(active, true);
        CrapsTable game = CrapsTable.restore(rules, stacks, PLENTY, new long[seats], active, point, 0, felt);
        for (Bet other : felt) {
            if (other.kind().isOdds() && other.on() == bet.id()) {
                game.takeDown(other.seat(), other.id());
            }
        }
        return game.takeDown(bet.seat(), bet.id()).isEmpty();
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
