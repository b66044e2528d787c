package io.dicemesh.node.invariants;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.core.TableStates;
import io.dicemesh.node.game.Bet;
import io.dicemesh.node.game.BetOutcome;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.node.game.RollResult;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.protocol.Eviction;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DESIGN 5b's settlement, recomputed for every committed Evict tx from the state before it, without the engine's
 * FairValue: each bet's fair value is found by first-step analysis over the game itself (every one of the 36 dice
 * pairs rolled on a table holding just that bet, and its base bet for odds), solving the resulting chain exactly;
 * a bet the table lets its owner take down is worth at least its stake; a bet some pair makes lose forfeits when
 * its player's reveal is missing; the sum per player is rounded down once and capped by what the bank can pay.
 * The paid amount the tx states must be exactly that.
 */
public final class FairSettlement implements Invariant {
    private static final long PLENTY = 1L << 50;
    /** Chain states one bet may visit (table point by come point, with room). */
    private static final int STATES_MAX = 256;
    private final LastStates last = new LastStates();

    @Override
    public String name() {
        return "fair-settlement";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
        if (!(event instanceof Event.SlotCommitted c)) {
            return;
        }
        TableState before = last.get(node, c.table());
        last.put(node, c.table(), c.state());
        if (before == null) {
            return;
        }
        Tx tx;
        try {
            tx = Tx.parseFrom(c.tx());
        } catch (InvalidProtocolBufferException e) {
            return; // HashChain reports it
        }
        if (!tx.hasEvict()) {
            return;
        }
        long bank = before.getBank();
        for (Eviction e : tx.getEvict().getEvictionsList()) {
            int seat = seatOf(before, e);
            if (seat < 0) {
                out.report(name(), node, "seq " + c.seq() + ": an eviction names no player of the table");
                return;
            }
            Rational sum = Rational.ZERO;
            long stakes = 0;
            for (Bet bet : TableStates.game(before).felt()) {
                if (bet.seat() != seat) {
                    continue;
                }
                stakes += bet.stake();
                boolean forfeited = e.getRevealMissing() && canLoseNextRoll(before, bet);
                Rational v = forfeited ? Rational.ZERO : value(before, bet);
                if (!forfeited && mayTakeDown(before, bet) && v.compareTo(Rational.of(bet.stake())) < 0) {
                    v = Rational.of(bet.stake());
                }
                sum = sum.plus(v);
            }
            long expected = Math.min(sum.floor(), bank + stakes);
            if (expected != e.getPaid()) {
                out.report(name(), node, "seq " + c.seq() + ": the eviction of " + NodeId.of(e.getPlayer())
                        + " paid " + e.getPaid() + " where its bets are worth " + sum + " (" + expected + ")");
            }
            bank = bank + stakes - e.getPaid() + e.getBondForfeited();
        }
    }

    @Override
    public void onRestart(NodeId node, NodeEngine engine, KvReader store, Violations out) {
        last.reload(node, engine);
    }

    private static int seatOf(TableState s, Eviction e) {
        for (int i = 0; i < s.getPlayersCount(); i++) {
            if (s.getPlayers(i).getPlayer().equals(e.getPlayer())) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the table lets its owner take the bet down (its own odds taken down first). */
    private static boolean mayTakeDown(TableState before, Bet bet) {
        CrapsTable game = TableStates.game(before);
        for (Bet other : game.felt()) {
            if (other.kind().isOdds() && other.on() == bet.id()) {
                game.takeDown(other.seat(), other.id());
            }
        }
        return game.takeDown(bet.seat(), bet.id()).isEmpty();
    }

    /** The bet alone, with its base bet if it is odds: all that decides its fate. */
    private static List<Bet> alone(TableState before, Bet bet) {
        List<Bet> out = new ArrayList<>();
        for (Bet b : TableStates.game(before).felt()) {
            if (b.id() == bet.id() || (bet.kind().isOdds() && b.id() == bet.on())) {
                out.add(b);
            }
        }
        return out;
    }

    private static CrapsTable tableOf(TableState before, CrapsRules rules, int point, List<Bet> felt) {
        int seats = before.getPlayersCount();
        long[] stacks = new long[seats];
        boolean[] active = new boolean[seats];
        java.util.Arrays.fill(stacks, PLENTY);
        java.util.Arrays.fill(active, true);
        return CrapsTable.restore(rules, stacks, PLENTY, new long[seats], active, point, 0, felt);
    }

    private static boolean canLoseNextRoll(TableState before, Bet bet) {
        CrapsRules rules = TableStates.rules(before);
        List<Bet> felt = alone(before, bet);
        for (int d1 = 1; d1 <= 6; d1++) {
            for (int d2 = 1; d2 <= 6; d2++) {
                RollResult r = tableOf(before, rules, TableStates.game(before).point(), felt).roll(d1, d2);
                for (BetOutcome o : r.outcomes()) {
                    if (o.betId() == bet.id() && o.outcome() == io.dicemesh.node.game.Outcome.LOSE) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private record State(int point, List<Bet> felt) {
    }

    /** The bet's expected return from here: V(s) = sum over pairs of (paid now + V(next state)) / 36, solved. */
    static Rational value(TableState before, Bet bet) {
        CrapsRules rules = TableStates.rules(before);
        Map<State, Integer> index = new HashMap<>();
        List<State> states = new ArrayList<>();
        List<Map<Integer, Rational>> next = new ArrayList<>();
        List<Rational> now = new ArrayList<>();
        State start = new State(TableStates.game(before).point(), alone(before, bet));
        index.put(start, 0);
        states.add(start);
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(0));
        Rational pair = Rational.of(1).divide(36);
        while (!todo.isEmpty()) {
            int i = todo.poll();
            State s = states.get(i);
            Map<Integer, Rational> row = new HashMap<>();
            Rational paid = Rational.ZERO;
            for (int d1 = 1; d1 <= 6; d1++) {
                for (int d2 = 1; d2 <= 6; d2++) {
                    CrapsTable t = tableOf(before, rules, s.point(), s.felt());
                    RollResult r = t.roll(d1, d2);
                    for (BetOutcome o : r.outcomes()) {
                        if (o.betId() == bet.id()) {
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
                        if (b.id() == bet.id()) {
                            stays = true;
                        }
                        if (b.id() == bet.id() || b.id() == bet.on()) {
                            left.add(b);
                        }
                    }
                    if (stays) {
                        State n = new State(t.point(), List.copyOf(left));
                        Integer j = index.get(n);
                        if (j == null) {
                            if (states.size() >= STATES_MAX) {
                                throw new IllegalStateException("bet " + bet + " visits more than " + STATES_MAX
                                        + " states");
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
            while (next.size() <= i) {
                next.add(null);
                now.add(null);
            }
            next.set(i, row);
            now.set(i, paid);
        }
        return solve(next, now)[0];
    }

    /** Solves V = now + next * V (the chain absorbs, so I - next is invertible) by Gauss-Jordan elimination. */
    private static Rational[] solve(List<Map<Integer, Rational>> next, List<Rational> now) {
        int n = now.size();
        Rational[][] a = new Rational[n][n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Rational c = next.get(i).getOrDefault(j, Rational.ZERO);
                a[i][j] = (i == j ? Rational.of(1) : Rational.ZERO).minus(c);
            }
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

    /** An exact rational over BigInteger, kept in lowest terms with a positive denominator. */
    record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
        static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);

        Rational {
            if (den.signum() == 0) {
                throw new ArithmeticException("zero denominator");
            }
            BigInteger g = num.gcd(den);
            if (den.signum() < 0) {
                g = g.negate();
            }
            if (g.signum() != 0) {
                num = num.divide(g);
                den = den.divide(g);
            }
        }

        static Rational of(long v) {
            return new Rational(BigInteger.valueOf(v), BigInteger.ONE);
        }

        Rational plus(Rational o) {
            return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
        }

        Rational minus(Rational o) {
            return new Rational(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
        }

        Rational times(Rational o) {
            return new Rational(num.multiply(o.num), den.multiply(o.den));
        }

        Rational times(long v) {
            return times(of(v));
        }

        Rational divide(Rational o) {
            return new Rational(num.multiply(o.den), den.multiply(o.num));
        }

        Rational divide(long v) {
            return divide(of(v));
        }

        boolean isZero() {
            return num.signum() == 0;
        }

        long floor() {
            BigInteger[] qr = num.divideAndRemainder(den);
            BigInteger q = qr[0];
            if (qr[1].signum() < 0) {
                q = q.subtract(BigInteger.ONE);
            }
            return q.longValueExact();
        }

        @Override
        public int compareTo(Rational o) {
            return num.multiply(o.den).compareTo(o.num.multiply(den));
        }

        @Override
        public String toString() {
            return num + "/" + den;
        }
    }
}
