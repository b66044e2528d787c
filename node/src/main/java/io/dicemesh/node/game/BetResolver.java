package io.dicemesh.node.game;

/**
 * CRAPS.md's "wins / loses / working" columns: what a roll does to one bet. Pure and allocation-free, because the
 * solvency rule asks it 21 times per bet before every roll and on every placement.
 */
final class BetResolver {
    private BetResolver() {
    }

    /**
     * @param tablePoint the table point before the roll (0 = come-out)
     * @param oddsPoint for an odds bet, the point it follows (the table point or its base's come point); else ignored
     */
    static Effect effect(Bet bet, int tablePoint, int oddsPoint, int die1, int die2) {
        int total = die1 + die2;
        boolean comeOut = tablePoint == 0;
        return switch (bet.kind()) {
            case PASS -> comeOut ? comeOutRight(total) : pointRight(total, tablePoint);
            case DONT_PASS -> comeOut ? comeOutDont(total) : pointDont(total, tablePoint);
            case COME -> bet.comePoint() == 0 ? moveOr(comeOutRight(total)) : pointRight(total, bet.comePoint());
            case DONT_COME -> bet.comePoint() == 0 ? moveOr(comeOutDont(total)) : pointDont(total, bet.comePoint());
            // Pass odds live only while the table point is set (they resolve with their pass bet).
            case PASS_ODDS -> comeOut ? Effect.NONE : pointRight(total, oddsPoint);
            case DONT_PASS_ODDS -> comeOut ? Effect.NONE : pointDont(total, oddsPoint);
            case COME_ODDS -> comeOdds(total, oddsPoint, comeOut);
            case DONT_COME_ODDS -> pointDont(total, oddsPoint);
            case PLACE -> comeOut ? Effect.NONE : staysUpOrSevenOut(total == bet.number(), total);
            case BIG6 -> staysUpOrSevenOut(total == 6, total);
            case BIG8 -> staysUpOrSevenOut(total == 8, total);
            case HARD -> comeOut ? Effect.NONE : hard(bet.number(), die1, die2);
            case FIELD -> oneRoll(total != 5 && total != 6 && total != 7 && total != 8);
            case ANY_SEVEN -> oneRoll(total == 7);
            case ANY_CRAPS -> oneRoll(DiceTotals.isCraps(total));
            case ACES -> oneRoll(total == 2);
            case ACE_DEUCE -> oneRoll(total == 3);
            case YO -> oneRoll(total == 11);
            case BOXCARS -> oneRoll(total == 12);
        };
    }

    /** Pass on a come-out roll, and Come on its own come-out roll (NONE = a point number). */
    private static Effect comeOutRight(int total) {
        if (total == 7 || total == 11) {
            return Effect.WIN;
        }
        return DiceTotals.isCraps(total) ? Effect.LOSE : Effect.NONE;
    }

    private static Effect comeOutDont(int total) {
        if (total == 2 || total == 3) {
            return Effect.WIN;
        }
        if (total == 12) {
            return Effect.PUSH;
        }
        return total == 7 || total == 11 ? Effect.LOSE : Effect.NONE;
    }

    /** A come bet that its own come-out roll leaves undecided moves to that number. */
    private static Effect moveOr(Effect comeOut) {
        return comeOut == Effect.NONE ? Effect.MOVE : comeOut;
    }

    private static Effect pointRight(int total, int point) {
        if (total == point) {
            return Effect.WIN;
        }
        return total == 7 ? Effect.LOSE : Effect.NONE;
    }

    private static Effect pointDont(int total, int point) {
        if (total == 7) {
            return Effect.WIN;
        }
        return total == point ? Effect.LOSE : Effect.NONE;
    }

    /** Come odds are off on come-out rolls: when their come bet resolves then, they go back untouched. */
    private static Effect comeOdds(int total, int comePoint, boolean comeOut) {
        Effect withBase = pointRight(total, comePoint);
        if (comeOut) {
            return withBase == Effect.NONE ? Effect.NONE : Effect.RETURNED;
        }
        return withBase;
    }

    private static Effect staysUpOrSevenOut(boolean hit, int total) {
        if (hit) {
            return Effect.WIN_STAYS;
        }
        return total == 7 ? Effect.LOSE : Effect.NONE;
    }

    private static Effect hard(int number, int die1, int die2) {
        int total = die1 + die2;
        if (total == number) {
            return die1 == die2 ? Effect.WIN_STAYS : Effect.LOSE;
        }
        return total == 7 ? Effect.LOSE : Effect.NONE;
    }

    private static Effect oneRoll(boolean wins) {
        return wins ? Effect.WIN : Effect.LOSE;
    }
}
