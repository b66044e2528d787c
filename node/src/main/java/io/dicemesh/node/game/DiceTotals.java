package io.dicemesh.node.game;

/** Facts about dice totals and the 21 distinct pairs of two dice, shared by settlement and the solvency rule. */
final class DiceTotals {
    /** How many distinct unordered pairs two six-sided dice show. */
    static final int PAIRS = 21;

    private static final int[] PAIR_DIE1 = new int[PAIRS];
    private static final int[] PAIR_DIE2 = new int[PAIRS];

    static {
        int i = 0;
        for (int d1 = 1; d1 <= 6; d1++) {
            for (int d2 = d1; d2 <= 6; d2++) {
                PAIR_DIE1[i] = d1;
                PAIR_DIE2[i] = d2;
                i++;
            }
        }
    }

    private DiceTotals() {
    }

    static int pairDie1(int pair) {
        return PAIR_DIE1[pair];
    }

    static int pairDie2(int pair) {
        return PAIR_DIE2[pair];
    }

    /** 4, 5, 6, 8, 9 and 10: the totals that can become a point or a come point. */
    static boolean isPointNumber(int total) {
        return total == 4 || total == 5 || total == 6 || total == 8 || total == 9 || total == 10;
    }

    static boolean isCraps(int total) {
        return total == 2 || total == 3 || total == 12;
    }

    static void checkDie(int die) {
        if (die < 1 || die > 6) {
            throw new IllegalArgumentException("a die shows 1..6, not " + die);
        }
    }
}
