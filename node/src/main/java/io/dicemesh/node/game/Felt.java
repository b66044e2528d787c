package io.dicemesh.node.game;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bets on the table in placing order. The order matters: settlement reports in it, and the pre-roll solvency
 * rule returns the newest bet first. A come bet that moves to its come point is replaced in place, keeping its rank.
 *
 * <p>A felt may hold thousands of bets a seat (the table's rules say how many), and a slot may place or take down
 * thousands, so every lookup a placement or a take-down makes is O(1): bets by id, each seat's count, and each base
 * bet's odds stake are kept beside the order. A take-down leaves a hole in the order, closed when holes outnumber
 * the bets, so removals cost O(1) amortized.
 */
final class Felt {
    /** Placing order; null where a bet was taken off (a hole). */
    private final ArrayList<Bet> order = new ArrayList<>();
    private int holes;
    /** Each bet's place in {@link #order}: places move only when the holes are closed. */
    private final Map<Long, Integer> placeById = new HashMap<>();
    /** Sum of the odds stakes following each base bet id, for base bets that have odds. */
    private final Map<Long, Long> oddsStakeByBase = new HashMap<>();
    private int[] perSeat = new int[0];

    /** How many bets the seat has on the felt. */
    int betsOf(int seat) {
        return seat < perSeat.length ? perSeat[seat] : 0;
    }

    boolean hasBetsOf(int seat) {
        return betsOf(seat) > 0;
    }

    int size() {
        return placeById.size();
    }

    /** The bet with this id, or null when it is not on the felt. */
    Bet byId(long betId) {
        Integer place = placeById.get(betId);
        return place == null ? null : order.get(place);
    }

    /** Total odds stake following the base bet {@code baseBetId}. */
    long oddsStakeOn(long baseBetId) {
        return oddsStakeByBase.getOrDefault(baseBetId, 0L);
    }

    boolean hasOddsOn(long baseBetId) {
        return oddsStakeByBase.containsKey(baseBetId);
    }

    /** The point an odds bet follows: the table point for line odds, else its come bet's come point. */
    int oddsPointOf(Bet odds, int tablePoint) {
        Bet base = byId(odds.on());
        if (base == null) {
            throw new IllegalStateException("odds bet " + odds.id() + " without its base " + odds.on());
        }
        return oddsPoint(base, tablePoint);
    }

    static int oddsPoint(Bet base, int tablePoint) {
        return base.kind().hasComePoint() ? base.comePoint() : tablePoint;
    }

    /** Puts a new bet after every bet on the felt; its id must be new to the felt. */
    void add(Bet bet) {
        if (placeById.putIfAbsent(bet.id(), order.size()) != null) {
            throw new IllegalArgumentException("bet " + bet.id() + " is already on the felt");
        }
        order.add(bet);
        counted(bet, 1);
    }

    /** Takes the bet with this id off the felt; returns it, or null when it was not on it. */
    Bet remove(long betId) {
        Integer place = placeById.remove(betId);
        if (place == null) {
            return null;
        }
        Bet bet = order.get(place);
        counted(bet, -1);
        if (place == order.size() - 1) { // the newest: no hole needed
            order.remove((int) place);
            trimHoles();
        } else {
            order.set(place, null);
            holes++;
            if (holes > Math.max(16, placeById.size())) {
                closeHoles();
            }
        }
        return bet;
    }

    /** The newest bet on the felt. */
    Bet newest() {
        trimHoles();
        if (order.isEmpty()) {
            throw new IllegalStateException("the felt is empty");
        }
        return order.get(order.size() - 1);
    }

    /** The bets in placing order: an unmodifiable copy. */
    List<Bet> copy() {
        List<Bet> out = new ArrayList<>(placeById.size());
        for (Bet bet : order) {
            if (bet != null) {
                out.add(bet);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Replaces the whole felt with {@code bets}, in that order (a roll's survivors, in their old order). */
    void replaceAll(List<Bet> bets) {
        order.clear();
        holes = 0;
        placeById.clear();
        oddsStakeByBase.clear();
        perSeat = new int[0];
        for (Bet bet : bets) {
            add(bet);
        }
    }

    private void closeHoles() {
        order.removeIf(b -> b == null);
        holes = 0;
        for (int i = 0; i < order.size(); i++) {
            placeById.put(order.get(i).id(), i);
        }
    }

    private void trimHoles() {
        while (!order.isEmpty() && order.get(order.size() - 1) == null) {
            order.remove(order.size() - 1);
            holes--;
        }
    }

    private void counted(Bet bet, int sign) {
        if (bet.seat() >= perSeat.length) {
            perSeat = Arrays.copyOf(perSeat, bet.seat() + 1);
        }
        perSeat[bet.seat()] += sign;
        if (bet.kind().isOdds()) {
            long stake = oddsStakeByBase.getOrDefault(bet.on(), 0L) + sign * bet.stake();
            if (stake == 0 && sign < 0) {
                oddsStakeByBase.remove(bet.on());
            } else {
                oddsStakeByBase.put(bet.on(), stake);
            }
        }
    }
}
