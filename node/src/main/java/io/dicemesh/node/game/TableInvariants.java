package io.dicemesh.node.game;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that must hold for a table between steps. Checked after construction and restore, and by tests and
 * the simulator after every step; a violation is a bug and throws IllegalStateException naming it. Messages are
 * built only on failure, because this runs after every roll of long simulations.
 */
final class TableInvariants {
    private final CrapsTable table;

    TableInvariants(CrapsTable table) {
        this.table = table;
    }

    void check() {
        checkSeats();
        if (table.bank() < 0) {
            throw violation("negative bank " + table.bank());
        }
        int point = table.point();
        if (point != 0 && !DiceTotals.isPointNumber(point)) {
            throw violation("bad point " + point);
        }
        if (table.nextBetId() < 1) {
            throw violation("next bet id " + table.nextBetId() + " < 1");
        }
        List<Bet> felt = table.felt();
        Map<Long, Bet> earlier = new HashMap<>(); // bets before the one checked, by id: the check stays linear
        Map<Long, Long> oddsOn = new HashMap<>();
        int[] perSeat = new int[table.seats()];
        for (Bet bet : felt) {
            checkBet(earlier, oddsOn, bet);
            earlier.put(bet.id(), bet);
            perSeat[bet.seat()]++;
        }
        // the felt's kept counts and odds sums (what placements read) must equal the bets they summarize
        for (int seat = 0; seat < perSeat.length; seat++) {
            if (perSeat[seat] > table.rules().feltBetsPerSeat()) {
                throw violation("seat " + seat + " has " + perSeat[seat] + " bets on the felt, over the rules' "
                        + table.rules().feltBetsPerSeat());
            }
            if (perSeat[seat] != table.feltBetsOf(seat)) {
                throw violation("seat " + seat + ": the felt counts " + table.feltBetsOf(seat) + " bets, holds "
                        + perSeat[seat]);
            }
        }
        for (Bet bet : felt) {
            long odds = oddsOn.getOrDefault(bet.id(), 0L);
            if (odds != table.feltOddsStakeOn(bet.id())) {
                throw violation(bet, "odds on it sum to " + odds + ", the felt keeps "
                        + table.feltOddsStakeOn(bet.id()));
            }
        }
        checkConservation(felt);
    }

    private void checkSeats() {
        boolean anyActive = false;
        for (int seat = 0; seat < table.seats(); seat++) {
            if (table.stack(seat) < 0 || table.withdrawn(seat) < 0) {
                throw violation("seat " + seat + ": negative stack or withdrawn");
            }
            if (table.isActive(seat)) {
                anyActive = true;
                if (table.withdrawn(seat) != 0) {
                    throw violation("active seat " + seat + " has withdrawn tokens");
                }
            } else if (table.stack(seat) != 0) {
                throw violation("seat " + seat + " left but holds a stack");
            }
        }
        int shooter = table.shooter();
        if (shooter < 0 || shooter >= table.seats()) {
            throw violation("shooter " + shooter + " is not a seat");
        }
        if (anyActive && !table.isActive(shooter)) {
            throw violation("shooter " + shooter + " left while others still play");
        }
    }

    private void checkBet(Map<Long, Bet> earlier, Map<Long, Long> oddsOn, Bet bet) {
        if (bet.id() >= table.nextBetId()) {
            throw violation(bet, "id not below the next bet id " + table.nextBetId());
        }
        if (bet.seat() >= table.seats() || !table.isActive(bet.seat())) {
            throw violation(bet, "no active seat " + bet.seat());
        }
        if (earlier.containsKey(bet.id())) {
            throw violation(bet, "id twice on the felt");
        }
        checkShape(bet);
        if (bet.kind().isOdds()) {
            checkOdds(earlier, oddsOn, bet);
        }
    }

    private void checkShape(Bet bet) {
        BetKind kind = bet.kind();
        if (kind.takesNumber() ? !kind.acceptsNumber(bet.number()) : bet.number() != 0) {
            throw violation(bet, "bad number " + bet.number());
        }
        if (kind.isOdds() != (bet.on() != 0)) {
            throw violation(bet, "bad base id " + bet.on());
        }
        int comePoint = bet.comePoint();
        if (!kind.hasComePoint() && comePoint != 0) {
            throw violation(bet, "a come point on a bet that takes none");
        }
        if (comePoint != 0 && !DiceTotals.isPointNumber(comePoint)) {
            throw violation(bet, "bad come point " + comePoint);
        }
        // Every come bet gets its own point (or resolves) on the roll after it is made, which is in point phase.
        if (kind.hasComePoint() && comePoint == 0 && table.point() == 0) {
            throw violation(bet, "no come point on a come-out");
        }
    }

    /** Odds follow an earlier bet of the same seat and the right kind that has a point, within the limit. */
    private void checkOdds(Map<Long, Bet> earlier, Map<Long, Long> oddsOn, Bet odds) {
        Bet base = earlier.get(odds.on());
        if (base == null || base.seat() != odds.seat() || base.kind() != odds.kind().oddsBase()) {
            throw violation(odds, "no base bet " + odds.on() + " of this seat and kind before it on the felt");
        }
        int oddsPoint = Felt.oddsPoint(base, table.point());
        if (oddsPoint == 0) {
            throw violation(odds, "its base has no point");
        }
        long oddsTotal = oddsOn.merge(base.id(), odds.stake(), Long::sum); // stakes are at most 2^60 in all
        long limit = BetChecks.saturatingMultiply(base.stake(), table.rules().odds().multipleFor(oddsPoint));
        if (oddsTotal > limit) {
            throw violation(odds, "odds " + oddsTotal + " over the limit " + limit);
        }
    }

    private void checkConservation(List<Bet> felt) {
        long sum = table.bank();
        try {
            for (int seat = 0; seat < table.seats(); seat++) {
                sum = Math.addExact(sum, Math.addExact(table.stack(seat), table.withdrawn(seat)));
            }
            for (Bet bet : felt) {
                sum = Math.addExact(sum, bet.stake());
            }
        } catch (ArithmeticException e) {
            throw new IllegalStateException("tokens overflow a long: conservation broken", e);
        }
        if (sum != table.total()) {
            throw violation("conservation broken: tokens " + sum + " != total " + table.total());
        }
    }

    private static IllegalStateException violation(Bet bet, String what) {
        return violation("bet " + bet.id() + " (" + bet.kind().label() + "): " + what);
    }

    private static IllegalStateException violation(String what) {
        return new IllegalStateException(what);
    }
}
