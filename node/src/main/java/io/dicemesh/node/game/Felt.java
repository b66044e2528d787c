package io.dicemesh.node.game;

import java.util.ArrayList;
import java.util.List;

/**
 * The bets on the table in placing order. The order matters: settlement reports in it, and the pre-roll solvency
 * rule returns the newest bet first. A come bet that moves to its come point is replaced in place, keeping its rank.
 */
final class Felt {
    /**
     * Bets one seat may have on the felt at once: far more than a craps layout has places for, and a bound on what
     * every step costs (each roll settles every bet, and every peer checks the whole felt after every slot).
     */
    static final int BETS_PER_SEAT_MAX = 100;

    private final ArrayList<Bet> bets = new ArrayList<>();

    /** How many bets the seat has on the felt. */
    int betsOf(int seat) {
        int n = 0;
        for (Bet bet : bets) {
            n += bet.seat() == seat ? 1 : 0;
        }
        return n;
    }

    int size() {
        return bets.size();
    }

    Bet get(int index) {
        return bets.get(index);
    }

    /** Index of the bet with this id, or -1 when it is not on the felt. */
    int indexOf(long betId) {
        for (int i = 0; i < bets.size(); i++) {
            if (bets.get(i).id() == betId) {
                return i;
            }
        }
        return -1;
    }

    /** Total odds stake following the base bet {@code baseBetId}. */
    long oddsStakeOn(long baseBetId) {
        long sum = 0;
        for (Bet bet : bets) {
            if (bet.kind().isOdds() && bet.on() == baseBetId) {
                sum += bet.stake();
            }
        }
        return sum;
    }

    boolean hasOddsOn(long baseBetId) {
        for (Bet bet : bets) {
            if (bet.kind().isOdds() && bet.on() == baseBetId) {
                return true;
            }
        }
        return false;
    }

    boolean hasBetsOf(int seat) {
        for (Bet bet : bets) {
            if (bet.seat() == seat) {
                return true;
            }
        }
        return false;
    }

    /** The point an odds bet follows: the table point for line odds, else its come bet's come point. */
    int oddsPointOf(Bet odds, int tablePoint) {
        int baseIndex = indexOf(odds.on());
        if (baseIndex < 0) {
            throw new IllegalStateException("odds bet " + odds.id() + " without its base " + odds.on());
        }
        return oddsPoint(bets.get(baseIndex), tablePoint);
    }

    static int oddsPoint(Bet base, int tablePoint) {
        return base.kind().hasComePoint() ? base.comePoint() : tablePoint;
    }

    void add(Bet bet) {
        bets.add(bet);
    }

    void set(int index, Bet bet) {
        bets.set(index, bet);
    }

    Bet remove(int index) {
        return bets.remove(index);
    }

    Bet removeLast() {
        return bets.remove(bets.size() - 1);
    }

    /** Drops every bet from {@code size} on (used after compacting the survivors of a roll to the front). */
    void truncate(int size) {
        bets.subList(size, bets.size()).clear();
    }

    List<Bet> copy() {
        return List.copyOf(bets);
    }
}
