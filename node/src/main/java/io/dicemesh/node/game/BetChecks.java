package io.dicemesh.node.game;

/**
 * CRAPS.md's refusals, checked in its order, for a new bet and for a take-down. Bank-cannot-cover is the one check
 * left to the table, which owns the solvency arithmetic. Each method returns the first refusal that applies, or
 * null when the step is allowed.
 */
final class BetChecks {
    private BetChecks() {
    }

    static Refusal placement(CrapsRules rules, Felt felt, int tablePoint, int seat, long stack, BetRequest request) {
        if (request.kind().isEmpty()) {
            return Refusal.UNKNOWN_BET;
        }
        BetKind kind = request.kind().get();
        boolean numberFits = kind.takesNumber() ? kind.acceptsNumber(request.number()) : request.number() == 0;
        boolean onFits = kind.isOdds() == (request.on() != 0);
        if (!numberFits || !onFits) {
            return Refusal.UNKNOWN_BET;
        }
        Bet base = null;
        if (kind.isOdds()) {
            base = felt.byId(request.on());
            if (base != null && base.seat() != seat) {
                return Refusal.NOT_PLAYERS_BET;
            }
        }
        if (!allowedNow(kind, base, tablePoint)) {
            return Refusal.NOT_ALLOWED_NOW;
        }
        long amount = request.amount();
        if (kind.isOdds()) {
            if (amount <= 0) {
                return Refusal.UNDER_MIN;
            }
            long limit = saturatingMultiply(base.stake(), rules.odds().multipleFor(Felt.oddsPoint(base, tablePoint)));
            // The felt never holds more odds than the limit, so limit - already does not underflow.
            if (amount > limit - felt.oddsStakeOn(base.id())) {
                return Refusal.ODDS_OVER_LIMIT;
            }
        } else {
            if (amount < rules.minBet()) {
                return Refusal.UNDER_MIN;
            }
            if (amount > rules.maxBet()) {
                return Refusal.OVER_MAX;
            }
        }
        if (amount > stack) {
            return Refusal.INSUFFICIENT_STACK;
        }
        return felt.betsOf(seat) >= rules.feltBetsPerSeat() ? Refusal.FELT_FULL : null;
    }

    static Refusal takeDown(Felt felt, int seat, long betId) {
        Bet bet = felt.byId(betId);
        if (bet == null) {
            return Refusal.UNKNOWN_BET;
        }
        if (bet.seat() != seat) {
            return Refusal.NOT_PLAYERS_BET;
        }
        // Odds come down first: a base bet never leaves its odds behind.
        if (!bet.kind().canTakeDown() || felt.hasOddsOn(bet.id())) {
            return Refusal.NOT_ALLOWED_NOW;
        }
        return null;
    }

    /** The phase rules of the "may be made" column; for odds, base is the felt bet named by on (null if none). */
    private static boolean allowedNow(BetKind kind, Bet base, int tablePoint) {
        return switch (kind) {
            case PASS, DONT_PASS -> tablePoint == 0;
            case COME, DONT_COME -> tablePoint != 0;
            case PASS_ODDS, DONT_PASS_ODDS, COME_ODDS, DONT_COME_ODDS ->
                    base != null && base.kind() == kind.oddsBase() && Felt.oddsPoint(base, tablePoint) != 0;
            default -> true;
        };
    }

    static long saturatingMultiply(long a, int b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low; // a, b >= 0
    }
}
