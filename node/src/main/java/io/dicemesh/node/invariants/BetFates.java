package io.dicemesh.node.invariants;

import io.dicemesh.node.game.Bet;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.game.BetOutcome;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.node.game.Outcome;
import io.dicemesh.node.game.RollResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fair-settlement checker knows of a bet, found without the engine's FairValue, PayingPairs or RevealBond:
 * the game itself rolls each of the 36 dice pairs on a table holding just the bet (and its base bet, for odds), which
 * gives what the next roll does to it (whether some pair makes it lose, what each pair pays it), and first-step
 * analysis over those rolls gives its fair value, the chain solved exactly. A bet's fate depends only on its profile
 * (kind, stake, number, come point, its base bet's, and the table point), so one instance memoizes per profile; use
 * one per checked event (the rules are fixed within it).
 */
final class BetFates {
    /** Stacks and bank of the one-bet tables: more than any roll of one bet can pay. */
    private static final long PLENTY = 1L << 50;
    /** Chain states one bet may visit (table point by come point, with room). */
    private static final int STATES_MAX = 256;
    private static final int PAIRS = 36;
    private static final long BASE_ID = 1;
    private static final long BET_ID = 2;

    /**
     * @param canLose some pair makes the bet lose on the next roll: its stake is at risk on that roll
     * @param winnings per ordered pair (die1 - 1) * 6 + (die2 - 1), the winnings the next roll pays it (stake not
     *     included)
     * @param value its expected return from here, stake included
     */
    record Fate(boolean canLose, long[] winnings, Rational value) {
    }

    /** A bet as its fate sees it: ids and seat dropped, the base bet (odds only) normalized the same way. */
    private record Profile(int point, BetKind kind, long stake, int number, int comePoint, Bet base) {
    }

    private record State(int point, List<Bet> felt) {
    }

    private final CrapsRules rules;
    private final Map<Profile, Fate> known = new HashMap<>();

    BetFates(CrapsRules rules) {
        this.rules = rules;
    }

    /** The fate of {@code bet} on {@code felt} (which holds it, and its base bet if it is odds) at table point. */
    Fate of(Bet bet, List<Bet> felt, int point) {
        Bet base = null;
        if (bet.kind().isOdds()) {
            for (Bet b : felt) {
                if (b.id() == bet.on()) {
                    base = new Bet(BASE_ID, 0, b.kind(), b.stake(), b.number(), 0, b.comePoint());
                }
            }
            if (base == null) {
                throw new IllegalStateException("odds " + bet + " without its base bet on the felt");
            }
        }
        Profile p = new Profile(point, bet.kind(), bet.stake(), bet.number(), bet.comePoint(), base);
        return known.computeIfAbsent(p, this::fateOf);
    }

    private Fate fateOf(Profile p) {
        Bet bet = new Bet(BET_ID, 0, p.kind(), p.stake(), p.number(), p.base() == null ? 0 : BASE_ID, p.comePoint());
        List<Bet> alone = p.base() == null ? List.of(bet) : List.of(p.base(), bet);
        boolean canLose = false;
        long[] winnings = new long[PAIRS];
        for (int d1 = 1; d1 <= 6; d1++) {
            for (int d2 = 1; d2 <= 6; d2++) {
                for (BetOutcome o : tableOf(p.point(), alone).roll(d1, d2).outcomes()) {
                    if (o.betId() == BET_ID) {
                        canLose |= o.outcome() == Outcome.LOSE;
                        if (o.outcome() == Outcome.WIN || o.outcome() == Outcome.WIN_STAYS) {
                            winnings[(d1 - 1) * 6 + (d2 - 1)] = o.winnings();
                        }
                    }
                }
            }
        }
        return new Fate(canLose, winnings, value(new State(p.point(), alone)));
    }

    private CrapsTable tableOf(int point, List<Bet> felt) {
        return CrapsTable.restore(rules, new long[] {PLENTY}, PLENTY, new long[1], new boolean[] {true}, point, 0,
                felt);
    }

    /** The bet's expected return from here: V(s) = sum over pairs of (paid now + V(next state)) / 36, solved. */
    private Rational value(State start) {
        Map<State, Integer> index = new HashMap<>();
        List<State> states = new ArrayList<>();
        List<Map<Integer, Rational>> next = new ArrayList<>();
        List<Rational> now = new ArrayList<>();
        index.put(start, 0);
        states.add(start);
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(0));
        Rational pair = Rational.of(1).divide(PAIRS);
        while (!todo.isEmpty()) {
            int i = todo.poll();
            State s = states.get(i);
            Map<Integer, Rational> row = new HashMap<>();
            Rational paid = Rational.ZERO;
            for (int d1 = 1; d1 <= 6; d1++) {
                for (int d2 = 1; d2 <= 6; d2++) {
                    CrapsTable t = tableOf(s.point(), s.felt());
                    RollResult r = t.roll(d1, d2);
                    for (BetOutcome o : r.outcomes()) {
                        if (o.betId() == BET_ID) {
                            long back = switch (o.outcome()) {
                                case WIN -> o.stake() + o.winnings();
                                case WIN_STAYS -> o.winnings();
                                case LOSE -> 0;
                                case PUSH, RETURNED -> o.stake();
                            };
                            paid = paid.plus(pair.times(back));
                        }
                    }
                    List<Bet> left = new ArrayList<>();
                    boolean stays = false;
                    for (Bet b : t.felt()) {
                        stays |= b.id() == BET_ID;
                        left.add(b); // the bet and its base, nothing else
                    }
                    if (stays) {
                        State n = new State(t.point(), List.copyOf(left));
                        Integer j = index.get(n);
                        if (j == null) {
                            if (states.size() >= STATES_MAX) {
                                throw new IllegalStateException("bet " + start.felt() + " visits more than "
                                        + STATES_MAX + " states");
                            }
                            j = states.size();
                            index.put(n, j);
                            states.add(n);
                            todo.add(j);
                        }
                        row.merge(j, pair, Rational::plus);
                    }
                }
            }
            next.add(row);
            now.add(paid);
        }
        return solve(next, now)[0];
    }

    /** Solves V = now + next * V (the chain absorbs, so I - next is invertible) by Gauss-Jordan elimination. */
    private static Rational[] solve(List<Map<Integer, Rational>> next, List<Rational> now) {
        int n = now.size();
        Rational[][] a = new Rational[n][n + 1];
        for (int i = 0; i < n; i++) {
            Arrays.fill(a[i], Rational.ZERO);
            for (Map.Entry<Integer, Rational> c : next.get(i).entrySet()) {
                a[i][c.getKey()] = Rational.ZERO.minus(c.getValue());
            }
            a[i][i] = Rational.of(1).plus(a[i][i]);
            a[i][n] = now.get(i);
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (a[pivot][col].isZero()) {
                pivot++;
            }
            Rational[] tmp = a[pivot];
            a[pivot] = a[col];
            a[col] = tmp;
            Rational p = a[col][col];
            for (int j = col; j <= n; j++) {
                a[col][j] = a[col][j].divide(p);
            }
            for (int i = 0; i < n; i++) {
                if (i != col && !a[i][col].isZero()) {
                    Rational f = a[i][col];
                    for (int j = col; j <= n; j++) {
                        a[i][j] = a[i][j].minus(f.times(a[col][j]));
                    }
                }
            }
        }
        Rational[] v = new Rational[n];
        for (int i = 0; i < n; i++) {
            v[i] = a[i][n];
        }
        return v;
    }
}
