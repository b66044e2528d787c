package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fair value against the game itself, on random felts built by random legal play ({@link CrapsTable}, not the
 * fair-value code): (1) exactly, the value is a martingale: for each of the 21 dice pairs, what the roll pays the
 * bet plus its value afterwards, weighted by the pair's ways, averages to its value now; (2) statistically, the mean
 * payment over simulated continuations until the bet leaves the felt (or loses, for bets that stay up) lies within
 * 5 standard errors of it. The seed is fresh each run unless -Ddicemesh.test.seed=N is given, and is printed.
 */
class FairValuePropertyTest {
    private static final int FELTS = 60;
    private static final int CONTINUATIONS = 4_000;
    private static final int ROLLS_PER_CONTINUATION_MAX = 100_000;
    private static final double STANDARD_ERRORS_MAX = 5.0;
    private static final long BANK = 1_000_000_000_000L; // never short: no solvency return disturbs a continuation
    private static final CrapsRules RULES = new CrapsRules(1, 1_000, OddsLimits.THREE_FOUR_FIVE);

    @Test
    void fairValueIsAMartingaleAndTheMeanPaymentOfSimulatedContinuations() {
        long seed = Long.getLong("dicemesh.test.seed", new SplittableRandom().nextLong());
        System.out.println("[fair value] seed " + seed + " (replay: mvn -pl node -am verify -Dtest=FairValuePropertyTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Ddicemesh.test.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        int betsChecked = 0;
        for (int f = 0; f < FELTS; f++) {
            CrapsTable table = randomFelt(random);
            for (Bet bet : table.felt()) {
                checkMartingale(table, bet, seed);
                betsChecked++;
            }
            Bet sampled = table.felt().get(random.nextInt(table.felt().size()));
            checkContinuations(table, sampled, random, seed);
        }
        assertTrue(betsChecked >= FELTS, "too few bets: " + betsChecked);
    }

    /** Random legal bets and rolls from a fresh table, until the felt holds a few bets between rolls. */
    private static CrapsTable randomFelt(SplittableRandom random) {
        CrapsTable table = new CrapsTable(RULES, new long[] {1_000_000, 1_000_000}, BANK);
        long id = 1;
        int rolls = random.nextInt(6);
        for (int step = 0; step <= rolls || table.felt().isEmpty(); step++) {
            for (int b = 0; b < 4; b++) {
                BetKind kind = BetKind.values()[random.nextInt(BetKind.values().length)];
                long amount = 1 + random.nextInt(60);
                List<Bet> felt = table.felt();
                BetRequest request;
                if (kind.isOdds()) {
                    if (felt.isEmpty()) {
                        continue;
                    }
                    request = BetRequest.odds(kind, amount, felt.get(random.nextInt(felt.size())).id());
                } else if (kind.takesNumber()) {
                    request = BetRequest.onNumber(kind, amount, new int[] {4, 5, 6, 8, 9, 10}[random.nextInt(6)]);
                } else {
                    request = BetRequest.of(kind, amount);
                }
                table.place(random.nextInt(2), id++, request); // refusals are fine: only accepted bets matter
            }
            if (step < rolls) {
                table.roll(1 + random.nextInt(6), 1 + random.nextInt(6));
            }
        }
        return table;
    }

    private static void checkMartingale(CrapsTable table, Bet bet, long seed) {
        Fraction now = table.fairValue(bet.id());
        Fraction expected = Fraction.ZERO;
        for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
            int die1 = DiceTotals.pairDie1(pair);
            int die2 = DiceTotals.pairDie2(pair);
            CrapsTable copy = copyOf(table);
            long paid = payment(copy.roll(die1, die2), bet.id());
            Fraction after = Fraction.of(paid);
            if (copy.felt().stream().anyMatch(b -> b.id() == bet.id())) {
                after = after.plus(copy.fairValue(bet.id()));
            }
            expected = expected.plus(after.times(Fraction.of(die1 == die2 ? 1 : 2, 36)));
        }
        assertEquals(now, expected, "seed " + seed + ": not a martingale for " + bet + " at point " + table.point());
    }

    private static void checkContinuations(CrapsTable table, Bet bet, SplittableRandom random, long seed) {
        double sum = 0;
        double squares = 0;
        for (int c = 0; c < CONTINUATIONS; c++) {
            CrapsTable copy = copyOf(table);
            long paid = 0;
            for (int r = 0; r < ROLLS_PER_CONTINUATION_MAX; r++) {
                paid += payment(copy.roll(1 + random.nextInt(6), 1 + random.nextInt(6)), bet.id());
                if (copy.felt().stream().noneMatch(b -> b.id() == bet.id())) {
                    break;
                }
            }
            sum += paid;
            squares += (double) paid * paid;
        }
        double mean = sum / CONTINUATIONS;
        double variance = Math.max(0, squares / CONTINUATIONS - mean * mean);
        double standardError = Math.sqrt(variance / (CONTINUATIONS - 1));
        double fair = table.fairValue(bet.id()).toDouble();
        assertTrue(Math.abs(mean - fair) <= STANDARD_ERRORS_MAX * standardError + 1e-9,
                "seed " + seed + ": " + bet + " at point " + table.point() + ": fair value " + fair
                        + " but continuations paid " + mean + " +- " + standardError);
    }

    /** What a roll paid the bet's owner for the bet: its stake back and winnings, or nothing. */
    private static long payment(RollResult result, long betId) {
        for (BetOutcome outcome : result.outcomes()) {
            if (outcome.betId() == betId) {
                return switch (outcome.outcome()) {
                    case WIN -> outcome.stake() + outcome.winnings();
                    case WIN_STAYS -> outcome.winnings();
                    case PUSH, RETURNED -> outcome.stake();
                    case LOSE -> 0;
                };
            }
        }
        return 0;
    }

    private static CrapsTable copyOf(CrapsTable t) {
        long[] stacks = new long[t.seats()];
        long[] withdrawn = new long[t.seats()];
        boolean[] active = new boolean[t.seats()];
        for (int s = 0; s < t.seats(); s++) {
            stacks[s] = t.stack(s);
            withdrawn[s] = t.withdrawn(s);
            active[s] = t.isActive(s);
        }
        return CrapsTable.restore(t.rules(), stacks, t.bank(), withdrawn, active, t.point(), t.shooter(), t.felt(),
                t.nextBetId());
    }
}
