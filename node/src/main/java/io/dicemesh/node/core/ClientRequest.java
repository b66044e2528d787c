package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.TableRules;
import java.util.List;

/** What a local client asks its node to do. Bad requests are answered with {@link ClientResult.Failed}. */
public sealed interface ClientRequest {
    /** Propose a table; {@code stacks} has one entry per player, in player order. */
    record CreateTable(List<NodeId> players, List<Long> stacks, long bank, TableRules rules) implements ClientRequest {
    }

    /** Accept an invite this node received. */
    record JoinTable(TableId table) implements ClientRequest {
    }

    /** {@code number}: place and hard only, else 0. {@code onBet}: odds only (the base bet id), else 0. */
    record PlaceBet(TableId table, BetKind kind, long amount, int number, long onBet) implements ClientRequest {
    }

    /**
     * Take-downs, then bets, at once (1 to {@link io.dicemesh.protocol.WireLimits#INTENTS_PER_BATCH_MAX} in all),
     * signed in one intent batch and so committed in one slot; answered once, with every outcome in order
     * (the take-downs' first).
     */
    record PlaceBets(TableId table, List<Long> takeDowns, List<PlaceBet> bets) implements ClientRequest {
        public PlaceBets(TableId table, List<PlaceBet> bets) {
            this(table, List.of(), bets);
        }

        public PlaceBets {
            takeDowns = List.copyOf(takeDowns);
            bets = List.copyOf(bets);
            int n = takeDowns.size() + bets.size();
            if (n == 0 || n > io.dicemesh.protocol.WireLimits.INTENTS_PER_BATCH_MAX) {
                throw new IllegalArgumentException(n + " bets and take-downs in one request (1 to "
                        + io.dicemesh.protocol.WireLimits.INTENTS_PER_BATCH_MAX + ")");
            }
            for (PlaceBet b : bets) {
                if (!b.table().equals(table)) {
                    throw new IllegalArgumentException("a bet for table " + b.table() + " among bets for " + table);
                }
            }
        }
    }

    record TakeDown(TableId table, long betId) implements ClientRequest {
    }

    record Transfer(TableId table, NodeId to, long amount) implements ClientRequest {
    }

    record Leave(TableId table) implements ClientRequest {
    }

    /** Start (or join) the table's next roll; answered once the roll is committed. */
    record Roll(TableId table) implements ClientRequest {
    }

    record ListTables() implements ClientRequest {
    }

    record ShowTable(TableId table) implements ClientRequest {
    }

    /** The table a table command concerns (null for node-wide requests). */
    static TableId tableOf(ClientRequest r) {
        if (r instanceof PlaceBet p) {
            return p.table();
        } else if (r instanceof PlaceBets ps) {
            return ps.table();
        } else if (r instanceof TakeDown d) {
            return d.table();
        } else if (r instanceof Transfer t) {
            return t.table();
        } else if (r instanceof Leave l) {
            return l.table();
        } else if (r instanceof Roll roll) {
            return roll.table();
        } else if (r instanceof ShowTable s) {
            return s.table();
        } else if (r instanceof JoinTable j) {
            return j.table();
        }
        return null;
    }
}
