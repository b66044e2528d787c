package io.dicemesh.node.game;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One craps table's money and felt under CRAPS.md: placing and taking down bets, rolling, and the money moves that
 * are not craps (transfers between players, leaving). Single-threaded and deterministic: the dice are arguments.
 *
 * <p>Players are seats 0..n-1. Bet ids come from the caller and must grow: each new bet id (accepted or refused) is
 * at least {@link #nextBetId()}. That makes "an id is never reused" checkable in constant memory and survives
 * {@link #restore}; the ledger's {@code next_bet_id} counter is exactly such a source. A programmer error (unknown
 * seat, reused id, a die outside 1..6) throws; an expected outcome (a refused bet) is a returned value.
 */
public final class CrapsTable {
    private final CrapsRules rules;
    private final long[] stacks;
    private final long[] withdrawn;
    private final boolean[] active;
    /** sum(stacks) + sum(felt stakes) + bank + sum(withdrawn): fixed at construction, checked by the invariants. */
    private final long total;
    private final Felt felt = new Felt();
    /** The felt's sums for the solvency rule and the reveal bond, kept between changes. */
    private final FeltSums sums;
    /** Reused by settle: each felt bet's odds point, read before the roll changes the felt. */
    private int[] oddsPointScratch = new int[16];
    private long bank;
    private int point;
    private int shooter;
    private long nextBetId;

    /** A fresh table: come-out, empty felt, shooter at seat 0, every seat active. */
    public CrapsTable(CrapsRules rules, long[] stacks, long bank) {
        this(rules, stacks, bank, new long[stacks.length], allActive(stacks.length), 0, 0, List.of(), 1);
    }

    private CrapsTable(CrapsRules rules, long[] stacks, long bank, long[] withdrawn, boolean[] active, int point,
            int shooter, List<Bet> felt, long nextBetId) {
        this.rules = Objects.requireNonNull(rules, "rules");
        if (stacks.length == 0 || withdrawn.length != stacks.length || active.length != stacks.length) {
            throw new IllegalArgumentException("need at least one seat, and a stack, withdrawn and active per seat");
        }
        this.stacks = stacks.clone();
        this.withdrawn = withdrawn.clone();
        this.active = active.clone();
        this.sums = new FeltSums(stacks.length);
        this.bank = bank;
        this.point = point;
        this.shooter = shooter;
        this.nextBetId = nextBetId;
        long sum = bank;
        for (int seat = 0; seat < stacks.length; seat++) {
            sum = addOrThrow(sum, addOrThrow(stacks[seat], withdrawn[seat]));
        }
        for (Bet bet : felt) {
            if (bet.seat() < 0 || bet.seat() >= stacks.length) {
                throw new IllegalArgumentException("not a valid table state: bet " + bet.id() + " of seat " + bet.seat()
                        + " at a table of " + stacks.length);
            }
            this.felt.add(bet);
            sum = addOrThrow(sum, bet.stake());
        }
        this.total = sum;
        try {
            checkInvariants();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("not a valid table state: " + e.getMessage(), e);
        }
    }

    /**
     * A table in exactly the given state: every read of the result equals the argument it came from. The next bet id
     * is one above the largest id on the felt; the overload with nextBetId carries the exact counter. Throws
     * IllegalArgumentException when the state breaks an invariant.
     */
    public static CrapsTable restore(CrapsRules rules, long[] stacks, long bank, long[] withdrawn, boolean[] active,
            int point, int shooter, List<Bet> felt) {
        long nextBetId = 1;
        for (Bet bet : felt) {
            nextBetId = Math.max(nextBetId, bet.id() + 1);
        }
        return restore(rules, stacks, bank, withdrawn, active, point, shooter, felt, nextBetId);
    }

    /** As the other restore, with the smallest id the next bet may have. */
    public static CrapsTable restore(CrapsRules rules, long[] stacks, long bank, long[] withdrawn, boolean[] active,
            int point, int shooter, List<Bet> felt, long nextBetId) {
        return new CrapsTable(rules, stacks, bank, withdrawn, active, point, shooter, felt, nextBetId);
    }

    // ---- bets

    /** Places a bet for {@code seat}; empty when accepted (the stake moved to the felt), else why it was refused. */
    public Optional<Refusal> place(int seat, long betId, BetRequest request) {
        requireActiveSeat(seat);
        Objects.requireNonNull(request, "request");
        if (betId < nextBetId) {
            throw new IllegalArgumentException("bet id " + betId + " reused or out of order: next is " + nextBetId);
        }
        if (betId == Long.MAX_VALUE) {
            throw new IllegalArgumentException("bet ids are exhausted");
        }
        nextBetId = betId + 1; // refused bets use up their id too
        Refusal refusal = BetChecks.placement(rules, felt, point, seat, stacks[seat], request);
        if (refusal != null) {
            return Optional.of(refusal);
        }
        BetKind kind = request.kind().orElseThrow();
        Bet bet = new Bet(betId, seat, kind, request.amount(), request.number(), request.on(), 0);
        int oddsPoint = kind.isOdds() ? felt.oddsPointOf(bet, point) : 0;
        FeltSums.Figures figures = FeltSums.Figures.of(bet, point, oddsPoint);
        if (bank < RollExposure.worstWith(sums(), figures)) {
            return Optional.of(Refusal.BANK_CANNOT_COVER);
        }
        if (rules.revealBond() && breaksBond(bet, figures)) {
            return Optional.of(Refusal.BOND_UNCOVERED);
        }
        stacks[seat] -= bet.stake();
        felt.add(bet);
        sums.added(figures);
        return Optional.empty();
    }

    /**
     * Whether placing {@code bet} would leave some active seat's reveal bond less covered than it is: a seat whose
     * bond was already short (a roll can make bets work) does not block bets that leave its shortfall unchanged.
     */
    private boolean breaksBond(Bet bet, FeltSums.Figures figures) {
        long[] before = RevealBond.bonds(sums(), null);
        long[] after = RevealBond.bonds(sums(), figures);
        for (int seat = 0; seat < stacks.length; seat++) {
            long stackAfter = seat == bet.seat() ? stacks[seat] - bet.stake() : stacks[seat];
            if (active[seat] && shortfall(after[seat], stackAfter) > shortfall(before[seat], stacks[seat])) {
                return true;
            }
        }
        return false;
    }

    private static long shortfall(long bond, long stack) {
        return Math.max(0, bond - stack);
    }

    /** The felt's own count of the seat's bets (the invariants compare it with a count over the bets). */
    int feltBetsOf(int seat) {
        return felt.betsOf(seat);
    }

    /** The felt's own sum of the odds on a base bet (the invariants compare it with a sum over the bets). */
    long feltOddsStakeOn(long baseBetId) {
        return felt.oddsStakeOn(baseBetId);
    }

    /** The seat's reveal bond for the next roll as the felt stands (see {@link RevealBond}). */
    public long revealBond(int seat) {
        requireSeat(seat);
        return RevealBond.bonds(sums(), null)[seat];
    }

    /** Whether the rules let {@code fromSeat} give away {@code amount}: its bond stays covered, or no less so. */
    public boolean transferKeepsBond(int fromSeat, long amount) {
        requireActiveSeat(fromSeat);
        return !rules.revealBond() || amount <= 0 || stacks[fromSeat] - amount >= revealBond(fromSeat);
    }

    /** Takes a bet down between rolls; empty when accepted (the stake went back to the stack). */
    public Optional<Refusal> takeDown(int seat, long betId) {
        requireActiveSeat(seat);
        Refusal refusal = BetChecks.takeDown(felt, seat, betId);
        if (refusal != null) {
            return Optional.of(refusal);
        }
        Bet bet = felt.byId(betId);
        int oddsPoint = bet.kind().isOdds() ? felt.oddsPointOf(bet, point) : 0;
        felt.remove(betId);
        stacks[seat] += bet.stake();
        sums.removed(FeltSums.Figures.of(bet, point, oddsPoint));
        return Optional.empty();
    }

    /** Rolls the dice: first the pre-roll solvency returns, then every bet on the felt settles. */
    public RollResult roll(int die1, int die2) {
        DiceTotals.checkDie(die1);
        DiceTotals.checkDie(die2);
        List<BetOutcome> outcomes = new ArrayList<>();
        returnWhileUncovered(outcomes);
        int pointBefore = point;
        settle(die1, die2, outcomes);
        int rolled = die1 + die2;
        boolean sevenOut = pointBefore != 0 && rolled == 7;
        if (pointBefore == 0) {
            point = DiceTotals.isPointNumber(rolled) ? rolled : 0;
        } else if (rolled == pointBefore || sevenOut) {
            point = 0;
        }
        if (sevenOut) {
            shooter = nextActiveSeatAfter(shooter);
        }
        feltChanged();
        return new RollResult(die1, die2, pointBefore, point, sevenOut, shooter, outcomes);
    }

    /**
     * Gross winnings the felt as it stands would pay on the worst single next roll (largest over the 21 distinct
     * dice pairs, every bet working in the current phase, losses not netted); saturates at Long.MAX_VALUE.
     */
    public long worstNextRollWinnings() {
        return RollExposure.worst(sums());
    }

    /** While the bank could not pay the worst next roll, the newest bet goes back to its owner. */
    private void returnWhileUncovered(List<BetOutcome> outcomes) {
        while (bank < RollExposure.worst(sums())) {
            // Odds are always newer than their base, so a base bet never goes back before its odds, and the
            // newest bet's base is still on the felt to give its odds point.
            Bet bet = felt.newest();
            int oddsPoint = bet.kind().isOdds() ? felt.oddsPointOf(bet, point) : 0;
            felt.remove(bet.id());
            stacks[bet.seat()] += bet.stake();
            outcomes.add(new BetOutcome(bet.id(), bet.seat(), Outcome.RETURNED, bet.stake(), 0));
            // subtracted, not walked again: a felt of thousands returned bet by bet stays linear
            sums.removed(FeltSums.Figures.of(bet, point, oddsPoint));
        }
    }

    /** Settles every bet against the pre-roll state; survivors are compacted to the front, keeping their order. */
    private void settle(int die1, int die2, List<BetOutcome> outcomes) {
        int total = die1 + die2;
        List<Bet> bets = felt.copy();
        int size = bets.size();
        if (oddsPointScratch.length < size) {
            oddsPointScratch = new int[Math.max(size, 2 * oddsPointScratch.length)];
        }
        // Odds follow their base's pre-roll point, and the base may leave the felt on this very roll.
        for (int i = 0; i < size; i++) {
            Bet bet = bets.get(i);
            oddsPointScratch[i] = bet.kind().isOdds() ? felt.oddsPointOf(bet, point) : 0;
        }
        List<Bet> survivors = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Bet bet = bets.get(i);
            int oddsPoint = oddsPointScratch[i];
            Effect effect = BetResolver.effect(bet, point, oddsPoint, die1, die2);
            Bet survivor = switch (effect) {
                case NONE -> bet;
                case MOVE -> bet.withComePoint(total);
                case WIN_STAYS -> {
                    pay(bet, effect, Payouts.winnings(bet, oddsPoint, total), outcomes);
                    yield bet;
                }
                case WIN -> {
                    long winnings = Payouts.winnings(bet, oddsPoint, total);
                    stacks[bet.seat()] += bet.stake();
                    pay(bet, effect, winnings, outcomes);
                    yield null;
                }
                case LOSE -> {
                    bank += bet.stake();
                    outcomes.add(new BetOutcome(bet.id(), bet.seat(), Outcome.LOSE, bet.stake(), 0));
                    yield null;
                }
                case PUSH, RETURNED -> {
                    stacks[bet.seat()] += bet.stake();
                    outcomes.add(new BetOutcome(bet.id(), bet.seat(), effect.outcome(), bet.stake(), 0));
                    yield null;
                }
            };
            if (survivor != null) {
                survivors.add(survivor);
            }
        }
        felt.replaceAll(survivors);
    }

    private void pay(Bet bet, Effect effect, long winnings, List<BetOutcome> outcomes) {
        // The pre-roll returns guarantee bank >= this roll's total winnings; a shortfall here is a bug.
        if (winnings > bank) {
            throw new IllegalStateException("bank " + bank + " cannot pay " + winnings + " on bet " + bet.id());
        }
        bank -= winnings;
        stacks[bet.seat()] += winnings;
        outcomes.add(new BetOutcome(bet.id(), bet.seat(), effect.outcome(), bet.stake(), winnings));
    }

    // ---- money that is not craps

    /** Moves tokens between two active players; false (nothing changes) if amount <= 0 or above the sender's stack. */
    public boolean transfer(int fromSeat, int toSeat, long amount) {
        requireActiveSeat(fromSeat);
        requireActiveSeat(toSeat);
        if (fromSeat == toSeat) {
            throw new IllegalArgumentException("transfer from seat " + fromSeat + " to itself");
        }
        if (amount <= 0 || amount > stacks[fromSeat]) {
            return false;
        }
        stacks[fromSeat] -= amount;
        stacks[toSeat] += amount;
        return true;
    }

    public boolean hasBetsOnFelt(int seat) {
        requireSeat(seat);
        return felt.hasBetsOf(seat);
    }

    /**
     * The seat leaves: its whole stack is withdrawn and it becomes inactive; if it was the shooter, the dice pass to
     * the next active seat. Requires an active seat with no bets on the felt. Returns the amount withdrawn.
     */
    public long withdraw(int seat) {
        requireActiveSeat(seat);
        if (felt.hasBetsOf(seat)) {
            throw new IllegalStateException("seat " + seat + " still has bets on the felt");
        }
        long amount = stacks[seat];
        withdrawn[seat] += amount;
        stacks[seat] = 0;
        active[seat] = false;
        if (shooter == seat) {
            shooter = nextActiveSeatAfter(seat);
        }
        return amount;
    }

    /**
     * The seat departs without its consent or with its leave while it has bets down (DESIGN 5b settlement): each of
     * its bets leaves the felt and is valued, for a bet the rules let it take down, at max(face, fair value), for
     * the others at fair value; the values are summed exactly and rounded down once, and the bank keeps the rest of
     * the stakes (or pays the difference). With {@code revealMissing} (its reveal of the roll in progress never came),
     * the bets at risk on that roll go to the bank instead and so does its reveal bond, taken from its stack. What
     * remains is set aside to the seat (as {@link #withdrawn}) and the seat becomes inactive; the dice pass on if it
     * was the shooter. The bank never goes below zero: should it ever be short of a settlement (a felt a roll left
     * uncovered), the seat gets what the bank and the stakes hold.
     */
    public Settlement depart(int seat, boolean revealMissing) {
        return departTogether(new int[] {seat}, new boolean[] {revealMissing}).get(0);
    }

    /**
     * Several seats depart in one decision (one Evict tx), each as {@link #depart}, in the order given; each one's
     * reveal bond is reckoned on the felt as it stands before any of them leaves, so their order changes no bond.
     */
    public List<Settlement> departTogether(int[] seats, boolean[] revealMissing) {
        if (seats.length != revealMissing.length) {
            throw new IllegalArgumentException("one reveal flag per departing seat");
        }
        long[] bonds = new long[seats.length];
        for (int i = 0; i < seats.length; i++) {
            requireActiveSeat(seats[i]);
            bonds[i] = revealMissing[i] ? Math.min(revealBond(seats[i]), stacks[seats[i]]) : 0;
        }
        List<Settlement> out = new ArrayList<>(seats.length);
        for (int i = 0; i < seats.length; i++) {
            out.add(departWithBond(seats[i], revealMissing[i], bonds[i]));
        }
        return out;
    }

    private Settlement departWithBond(int seat, boolean revealMissing, long bond) {
        requireActiveSeat(seat);
        List<Settlement.SettledBet> settled = new ArrayList<>();
        Fraction value = Fraction.ZERO;
        long stakes = 0;
        for (Bet bet : felt.copy()) {
            if (bet.seat() != seat) {
                continue;
            }
            int oddsPoint = bet.kind().isOdds() ? felt.oddsPointOf(bet, point) : 0;
            Fraction fair = FairValue.of(bet, point, oddsPoint);
            boolean forfeited = revealMissing && PayingPairs.canLose(bet, point, oddsPoint);
            Fraction v = forfeited ? Fraction.ZERO : FairValue.settlement(bet, point, oddsPoint);
            settled.add(new Settlement.SettledBet(bet, fair, v, forfeited));
            value = value.plus(v);
            stakes += bet.stake();
        }
        for (Settlement.SettledBet s : settled) {
            felt.remove(s.bet().id());
        }
        long paid = Math.min(value.floor(), Math.addExact(bank, stakes));
        bank = bank + stakes - paid + bond;
        long stackBefore = stacks[seat];
        long setAside = stackBefore - bond + paid;
        withdrawn[seat] += setAside;
        stacks[seat] = 0;
        active[seat] = false;
        if (shooter == seat) {
            shooter = nextActiveSeatAfter(seat);
        }
        feltChanged();
        return new Settlement(seat, stackBefore, settled, paid, bond, setAside);
    }

    /** After any change to the felt or the phase other than one placement or take-down: the cached sums go. */
    private void feltChanged() {
        sums.invalidate();
    }

    private FeltSums sums() {
        return sums.current(felt, point);
    }

    /** The next active seat after {@code seat} in table order, wrapping; {@code seat} itself if no other is active. */
    private int nextActiveSeatAfter(int seat) {
        for (int step = 1; step <= stacks.length; step++) {
            int candidate = (seat + step) % stacks.length;
            if (active[candidate]) {
                return candidate;
            }
        }
        return seat;
    }

    // ---- reads

    public CrapsRules rules() {
        return rules;
    }

    public int seats() {
        return stacks.length;
    }

    public long stack(int seat) {
        requireSeat(seat);
        return stacks[seat];
    }

    public long withdrawn(int seat) {
        requireSeat(seat);
        return withdrawn[seat];
    }

    public boolean isActive(int seat) {
        requireSeat(seat);
        return active[seat];
    }

    public long bank() {
        return bank;
    }

    /** The table point: 0 on come-out, else 4, 5, 6, 8, 9 or 10. */
    public int point() {
        return point;
    }

    public int shooter() {
        return shooter;
    }

    /** The bets on the felt in placing order (a come bet that moved to its come point keeps its place); a copy. */
    public List<Bet> felt() {
        return felt.copy();
    }

    /** The fair value of the bet {@code betId} on the felt as the table stands (see {@link FairValue}). */
    public Fraction fairValue(long betId) {
        Bet bet = feltBet(betId);
        return FairValue.of(bet, point, bet.kind().isOdds() ? felt.oddsPointOf(bet, point) : 0);
    }

    /** What settling the bet {@code betId} for a departing owner returns (see {@link FairValue#settlement}). */
    public Fraction settlementValue(long betId) {
        Bet bet = feltBet(betId);
        return FairValue.settlement(bet, point, bet.kind().isOdds() ? felt.oddsPointOf(bet, point) : 0);
    }

    private Bet feltBet(long betId) {
        Bet bet = felt.byId(betId);
        if (bet == null) {
            throw new IllegalArgumentException("no bet " + betId + " on the felt");
        }
        return bet;
    }

    /** The smallest id the next bet may use. */
    public long nextBetId() {
        return nextBetId;
    }

    /** sum(stacks) + sum(felt stakes) + bank + sum(withdrawn): fixed at construction. */
    public long total() {
        return total;
    }

    /** Throws IllegalStateException when the table breaks any invariant (see {@link TableInvariants}). */
    public void checkInvariants() {
        new TableInvariants(this).check();
    }

    // ---- helpers

    private void requireSeat(int seat) {
        if (seat < 0 || seat >= stacks.length) {
            throw new IllegalArgumentException("no seat " + seat + " at a table of " + stacks.length);
        }
    }

    private void requireActiveSeat(int seat) {
        requireSeat(seat);
        if (!active[seat]) {
            throw new IllegalStateException("seat " + seat + " has left the table");
        }
    }

    private static boolean[] allActive(int seats) {
        boolean[] all = new boolean[seats];
        java.util.Arrays.fill(all, true);
        return all;
    }

    private static long addOrThrow(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("table total overflows a long", e);
        }
    }
}
