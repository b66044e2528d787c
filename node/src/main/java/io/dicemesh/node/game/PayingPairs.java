package io.dicemesh.node.game;

import java.util.Arrays;

/**
 * For every bet profile (kind, the number that matters to it, table point), the dice pairs on which the bet is paid.
 * Derived once from {@link BetResolver}, so the solvency arithmetic can never disagree with settlement, and the
 * solvency check touches only the few pairs a bet can win on instead of evaluating all 21.
 */
final class PayingPairs {
    /** The values a bet's relevant number and the table point can take: none, or a point number. */
    private static final int[] NUMBERS = {0, 4, 5, 6, 8, 9, 10};
    private static final int[][][][] BY_PROFILE = build(); // [kind][number index][table point index] -> pairs
    private static final boolean[][][] CAN_LOSE = buildCanLose(); // [kind][number index][table point index]

    private PayingPairs() {
    }

    /** The pair indexes (0..20, see {@link DiceTotals#pairDie1}) on which {@code bet} wins in this phase. */
    static int[] of(Bet bet, int tablePoint, int oddsPoint) {
        return BY_PROFILE[bet.kind().ordinal()][index(relevantNumber(bet, oddsPoint))][index(tablePoint)];
    }

    /** Whether some dice pair makes {@code bet} lose on the next roll: its stake is at risk on that roll. */
    static boolean canLose(Bet bet, int tablePoint, int oddsPoint) {
        return CAN_LOSE[bet.kind().ordinal()][index(relevantNumber(bet, oddsPoint))][index(tablePoint)];
    }

    /** The one number BetResolver reads for this kind: place/hard number, come point, or the odds' point. */
    private static int relevantNumber(Bet bet, int oddsPoint) {
        BetKind kind = bet.kind();
        if (kind.takesNumber()) {
            return bet.number();
        }
        if (kind.hasComePoint()) {
            return bet.comePoint();
        }
        return kind.isOdds() ? oddsPoint : 0;
    }

    private static int index(int number) {
        return switch (number) {
            case 0 -> 0;
            case 4 -> 1;
            case 5 -> 2;
            case 6 -> 3;
            case 8 -> 4;
            case 9 -> 5;
            case 10 -> 6;
            default -> throw new IllegalStateException("not a point number: " + number);
        };
    }

    /** One bet profile with the phase it is looked at in: where it sits in the tables, and its resolver inputs. */
    private interface ProfileVisitor {
        void visit(int kind, int number, int point, Bet profile, int tablePoint, int oddsPoint);
    }

    private static void forEachProfile(ProfileVisitor visitor) {
        for (BetKind kind : BetKind.values()) {
            for (int n = 0; n < NUMBERS.length; n++) {
                int number = NUMBERS[n];
                Bet profile = new Bet(1, 0, kind, 1, kind.takesNumber() ? number : 0, kind.isOdds() ? 1 : 0,
                        kind.hasComePoint() ? number : 0);
                for (int p = 0; p < NUMBERS.length; p++) {
                    visitor.visit(kind.ordinal(), n, p, profile, NUMBERS[p], kind.isOdds() ? number : 0);
                }
            }
        }
    }

    private static int[][][][] build() {
        int[][][][] table = new int[BetKind.values().length][NUMBERS.length][NUMBERS.length][];
        forEachProfile((kind, n, p, profile, tablePoint, oddsPoint) ->
                table[kind][n][p] = paying(profile, tablePoint, oddsPoint));
        return table;
    }

    private static boolean[][][] buildCanLose() {
        boolean[][][] table = new boolean[BetKind.values().length][NUMBERS.length][NUMBERS.length];
        forEachProfile((kind, n, p, profile, tablePoint, oddsPoint) -> {
            for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
                Effect e = BetResolver.effect(profile, tablePoint, oddsPoint, DiceTotals.pairDie1(pair),
                        DiceTotals.pairDie2(pair));
                table[kind][n][p] |= e == Effect.LOSE;
            }
        });
        return table;
    }

    private static int[] paying(Bet profile, int tablePoint, int oddsPoint) {
        int[] pairs = new int[DiceTotals.PAIRS];
        int count = 0;
        for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
            if (BetResolver.effect(profile, tablePoint, oddsPoint, DiceTotals.pairDie1(pair), DiceTotals.pairDie2(pair)).pays()) {
                pairs[count++] = pair;
            }
        }
        return Arrays.copyOf(pairs, count);
    }
}
