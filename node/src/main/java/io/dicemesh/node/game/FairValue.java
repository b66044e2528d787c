package io.dicemesh.node.game;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bet's fair value: what it will pay its owner from the current state on, in expectation over fair dice, if it
 * is left to play out under CRAPS.md (stake back plus winnings on a win, stake back on a push or a return, nothing on
 * a loss, every win of a bet that stays up until it loses). Exact, as a fraction of tokens. Settlement of a departed
 * player pays this (or the face, for bets it could take down, when higher), so the value must be a martingale: its
 * expectation after the next roll, counting what the roll paid, is its value now, and timing a departure gains nothing.
 *
 * <p>The game is a Markov chain over (table point, the bet's come point): each of the 21 dice pairs, with its
 * probability, either decides the bet or leads to another state. The chain's linear equations are solved exactly once
 * per bet shape (kind, number, come point, table point, odds point); a value is then that shape's expected number of
 * each kind of payment times the payment the bet's own stake earns. The pre-roll solvency returns are not modelled:
 * they return the stake, and settlement happens between rolls, where the felt is covered.
 */
public final class FairValue {
    /** States: a table point and a come point, each 0 (none) or one of the six point numbers. */
    private static final int STATES_MAX = 7 * 7;
    /** Payments: a win on each total (stake and winnings), a stay-up win on each total (winnings), a stake back. */
    private static final int TOTALS = 13;
    private static final int BACK = 2 * TOTALS;
    private static final int PAYMENTS = BACK + 1;

    private static final Map<Shape, Fraction[]> EXPECTED_PAYMENTS = new ConcurrentHashMap<>();

    private FairValue() {
    }

    /**
     * The fair value of {@code bet} on a table whose point is {@code tablePoint} (0 = come-out).
     *
     * @param oddsPoint for an odds bet, the point it follows (the table point for line odds, its base's come point
     *     for come odds); ignored for other bets
     * @throws IllegalArgumentException for a state no felt can hold (line odds without a point, an odds point that is
     *     not a point number, a place or hard number the kind does not take)
     */
    public static Fraction of(Bet bet, int tablePoint, int oddsPoint) {
        Shape shape = Shape.of(bet, tablePoint, oddsPoint);
        Fraction[] expected = EXPECTED_PAYMENTS.computeIfAbsent(shape, FairValue::solve);
        Fraction value = Fraction.ZERO;
        for (int total = 2; total <= 12; total++) {
            if (!expected[total].isZero() || !expected[TOTALS + total].isZero()) {
                Fraction winnings = Fraction.of(Payouts.winnings(bet, shape.oddsPoint, total));
                value = value.plus(expected[total].times(winnings.plus(Fraction.of(bet.stake()))))
                        .plus(expected[TOTALS + total].times(winnings));
            }
        }
        return value.plus(expected[BACK].times(Fraction.of(bet.stake())));
    }

    /**
     * What settlement returns to a departing owner for {@code bet}: max(face, fair value) for a bet the rules let it
     * take down, else the fair value.
     */
    public static Fraction settlement(Bet bet, int tablePoint, int oddsPoint) {
        Fraction fair = of(bet, tablePoint, oddsPoint);
        return bet.kind().canTakeDown() ? fair.max(Fraction.of(bet.stake())) : fair;
    }

    /** Everything about a bet and its table that its future payments depend on, except the stake. */
    private record Shape(BetKind kind, int number, int comePoint, int tablePoint, int oddsPoint) {
        static Shape of(Bet bet, int tablePoint, int oddsPoint) {
            BetKind kind = bet.kind();
            if (tablePoint != 0 && !DiceTotals.isPointNumber(tablePoint)) {
                throw new IllegalArgumentException("not a table point: " + tablePoint);
            }
            if (kind.takesNumber() != (bet.number() != 0) || (kind.takesNumber() && !kind.acceptsNumber(bet.number()))) {
                throw new IllegalArgumentException(kind.label() + " does not take number " + bet.number());
            }
            if (bet.comePoint() != 0 && (!kind.hasComePoint() || !DiceTotals.isPointNumber(bet.comePoint()))) {
                throw new IllegalArgumentException(kind.label() + " cannot have come point " + bet.comePoint());
            }
            int odds = 0;
            if (kind.isOdds()) {
                boolean line = kind == BetKind.PASS_ODDS || kind == BetKind.DONT_PASS_ODDS;
                if (!DiceTotals.isPointNumber(oddsPoint) || (line && oddsPoint != tablePoint)) {
                    throw new IllegalArgumentException(kind.label() + " cannot follow point " + oddsPoint
                            + " with the table point at " + tablePoint);
                }
                odds = oddsPoint;
            }
            return new Shape(kind, bet.number(), bet.comePoint(), tablePoint, odds);
        }

        /** A stand-in bet of this shape for the resolver; its stake does not matter to the effect. */
        Bet probe(int comePointNow) {
            return new Bet(1, 0, kind, 1, number, kind.isOdds() ? 1 : 0, comePointNow);
        }
    }

    /** A state of the chain: the table point and the bet's come point. */
    private record State(int tablePoint, int comePoint) {
    }

    /**
     * Solves x_s = sum over pairs of p(pair) * (payments of the roll + x_next) for the expected count of each payment
     * from every state reachable from the shape's start; returns the start's row. Multiplied through by 36, every
     * coefficient is an integer.
     */
    private static Fraction[] solve(Shape shape) {
        State start = new State(shape.tablePoint, shape.comePoint);
        Map<State, Integer> index = new HashMap<>();
        List<State> states = new ArrayList<>();
        index.put(start, 0);
        states.add(start);
        List<Fraction[]> rows = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            State state = states.get(i);
            Map<State, Long> next = new HashMap<>();
            long[] payments = new long[PAYMENTS];
            Bet probe = shape.probe(state.comePoint);
            for (int pair = 0; pair < DiceTotals.PAIRS; pair++) {
                int die1 = DiceTotals.pairDie1(pair);
                int die2 = DiceTotals.pairDie2(pair);
                long ways = die1 == die2 ? 1 : 2;
                int total = die1 + die2;
                Effect effect = BetResolver.effect(probe, state.tablePoint, shape.oddsPoint, die1, die2);
                int pointAfter = pointAfter(state.tablePoint, total);
                switch (effect) {
                    case NONE -> next.merge(new State(pointAfter, state.comePoint), ways, Long::sum);
                    case MOVE -> next.merge(new State(pointAfter, total), ways, Long::sum);
                    case WIN_STAYS -> {
                        payments[TOTALS + total] += ways;
                        next.merge(new State(pointAfter, state.comePoint), ways, Long::sum);
                    }
                    case WIN -> payments[total] += ways;
                    case PUSH, RETURNED -> payments[BACK] += ways;
                    case LOSE -> {
                    }
                }
            }
            for (State s : next.keySet()) {
                if (!index.containsKey(s)) {
                    index.put(s, states.size());
                    states.add(s);
                }
            }
            rows.add(row(i, next, index, payments));
        }
        return eliminate(states.size(), rows);
    }

    /**
     * State {@code self}'s equation 36 x_self - sum ways * x_next = sum ways * payment: row[k] for k < STATES_MAX is
     * the coefficient of state k, row[STATES_MAX + j] the right-hand side for payment j.
     */
    private static Fraction[] row(int self, Map<State, Long> next, Map<State, Integer> index, long[] payments) {
        Fraction[] row = new Fraction[STATES_MAX + PAYMENTS];
        java.util.Arrays.fill(row, Fraction.ZERO);
        row[self] = Fraction.of(36);
        for (Map.Entry<State, Long> e : next.entrySet()) {
            int k = index.get(e.getKey());
            row[k] = row[k].minus(Fraction.of(e.getValue()));
        }
        for (int j = 0; j < PAYMENTS; j++) {
            row[STATES_MAX + j] = Fraction.of(payments[j]);
        }
        return row;
    }

    /** Gauss-Jordan elimination on the m reachable states; the chain is absorbing, so the system is regular. */
    private static Fraction[] eliminate(int m, List<Fraction[]> rows) {
        int rhs = STATES_MAX;
        for (int col = 0; col < m; col++) {
            int pivot = col;
            while (rows.get(pivot)[col].isZero()) {
                pivot++; // an absorbing chain's matrix is regular, so a pivot exists
            }
            Fraction[] p = rows.get(pivot);
            rows.set(pivot, rows.get(col));
            rows.set(col, p);
            for (int r = 0; r < m; r++) {
                Fraction[] row = rows.get(r);
                if (r == col || row[col].isZero()) {
                    continue;
                }
                Fraction factor = row[col].dividedBy(p[col]);
                for (int c = col; c < m; c++) {
                    row[c] = row[c].minus(factor.times(p[c]));
                }
                for (int j = 0; j < PAYMENTS; j++) {
                    row[rhs + j] = row[rhs + j].minus(factor.times(p[rhs + j]));
                }
            }
        }
        Fraction[] start = rows.get(0);
        Fraction[] expected = new Fraction[PAYMENTS];
        for (int j = 0; j < PAYMENTS; j++) {
            expected[j] = start[rhs + j].dividedBy(start[0]);
        }
        return expected;
    }

    /** The table point after a roll of {@code total} (CRAPS.md "A round"). */
    private static int pointAfter(int tablePoint, int total) {
        if (tablePoint == 0) {
            return DiceTotals.isPointNumber(total) ? total : 0;
        }
        return total == tablePoint || total == 7 ? 0 : tablePoint;
    }
}
