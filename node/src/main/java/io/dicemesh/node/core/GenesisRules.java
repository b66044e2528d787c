package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.WireLimits;
import java.util.HashSet;
import java.util.Set;

/** What makes a genesis acceptable. Returns a reason for a bad one (null when fine); never throws. */
final class GenesisRules {
    /** Largest token total a table may hold, so no sum of stakes can overflow. */
    static final long TOTAL_MAX = 1L << 60;
    static final int SALT_BYTES = 16;
    static final int ODDS_MULTIPLE_MAX = 1000;
    /** Bounds of the view timeout a genesis may set (the protocol backs off from it up to its own ceiling). */
    static final int RULE_VIEW_TIMEOUT_MIN_MS = 1;
    static final int RULE_VIEW_TIMEOUT_MAX_MS = 600_000;
    /** The dice timeout's floor: a reveal missing for less than this never makes a withholder. */
    static final int RULE_DICE_TIMEOUT_MIN_MS = 1_000;
    static final int RULE_DICE_TIMEOUT_MAX_MS = 3_600_000;
    static final int RULE_ABSENT_TIMEOUT_MIN_MS = 1_000;
    static final int RULE_ABSENT_TIMEOUT_MAX_MS = 3_600_000;

    private GenesisRules() {
    }

    static String problem(Genesis g) {
        if (g.getProtocolVersion() != WireLimits.PROTOCOL_VERSION) {
            return "genesis for protocol version " + g.getProtocolVersion();
        }
        int n = g.getSeatsCount();
        if (n < 1 || n > WireLimits.PLAYERS_PER_TABLE_MAX) {
            return n + " players; a table seats 1 to " + WireLimits.PLAYERS_PER_TABLE_MAX;
        }
        Set<NodeId> seen = new HashSet<>();
        long total = g.getBank();
        if (total < 0) {
            return "negative bank";
        }
        for (int i = 0; i < n; i++) {
            if (!NodeId.isWellFormed(g.getSeats(i).getPlayer())) {
                return "player " + i + " is not a node id";
            }
            if (!seen.add(NodeId.of(g.getSeats(i).getPlayer()))) {
                return "player " + NodeId.of(g.getSeats(i).getPlayer()) + " is seated twice";
            }
            long stack = g.getSeats(i).getStack();
            if (stack < 0 || stack > TOTAL_MAX || total > TOTAL_MAX - stack) {
                return "stacks and bank exceed " + TOTAL_MAX + " tokens";
            }
            total += stack;
        }
        if (!NodeId.isWellFormed(g.getCreator()) || !seen.contains(NodeId.of(g.getCreator()))) {
            return "the creator must be one of the players";
        }
        if (g.getSalt().size() != SALT_BYTES) {
            return "salt must be " + SALT_BYTES + " bytes";
        }
        return rulesProblem(g.getRules(), n);
    }

    /** What is wrong with rules for a table of {@code players}, or null. */
    static String rulesProblem(TableRules r, int players) {
        if (r.getMinBet() < 1 || r.getMaxBet() < r.getMinBet() || r.getMaxBet() > TOTAL_MAX) {
            return "bet limits must satisfy 1 <= min_bet <= max_bet";
        }
        OddsMultiples o = r.getOdds();
        for (int m : new int[] {o.getFour(), o.getFive(), o.getSix(), o.getEight(), o.getNine(), o.getTen()}) {
            if (m < 1 || m > ODDS_MULTIPLE_MAX) {
                return "odds multiples must be 1 to " + ODDS_MULTIPLE_MAX;
            }
        }
        if (r.getViewTimeoutMs() < RULE_VIEW_TIMEOUT_MIN_MS || r.getViewTimeoutMs() > RULE_VIEW_TIMEOUT_MAX_MS) {
            return "view timeout must be " + RULE_VIEW_TIMEOUT_MIN_MS + " to " + RULE_VIEW_TIMEOUT_MAX_MS + " ms";
        }
        if (r.getDiceTimeoutMs() < RULE_DICE_TIMEOUT_MIN_MS || r.getDiceTimeoutMs() > RULE_DICE_TIMEOUT_MAX_MS) {
            return "dice timeout must be " + RULE_DICE_TIMEOUT_MIN_MS + " to " + RULE_DICE_TIMEOUT_MAX_MS + " ms";
        }
        if (r.getAbsentTimeoutMs() < RULE_ABSENT_TIMEOUT_MIN_MS || r.getAbsentTimeoutMs() > RULE_ABSENT_TIMEOUT_MAX_MS) {
            return "absent timeout must be " + RULE_ABSENT_TIMEOUT_MIN_MS + " to " + RULE_ABSENT_TIMEOUT_MAX_MS + " ms";
        }
        if (r.getAbsentTimeoutMs() < 2L * r.getViewTimeoutMs()) {
            // a player, even one idle, hears from the others at the first view change: found gone only after that
            return "absent timeout must be at least twice the view timeout (" + r.getViewTimeoutMs() + " ms)";
        }
        if (r.getLiarsTolerated() < 0 || r.getLiarsTolerated() >= Math.max(1, players)) {
            return "liars tolerated must be 0 to " + (Math.max(1, players) - 1) + " at a table of " + players;
        }
        if (Integer.compareUnsigned(r.getFeltBetsPerSeat(), CrapsRules.FELT_BETS_PER_SEAT_MAX) > 0) {
            return "felt bets per seat must be 1 to " + CrapsRules.FELT_BETS_PER_SEAT_MAX + " (0: the default "
                    + CrapsRules.FELT_BETS_PER_SEAT_DEFAULT + ")";
        }
        return null;
    }
}
