package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.protocol.TableState;
import java.util.List;

/** The answer to a {@link ClientRequest}: a value with a reason, never an exception. */
public sealed interface ClientResult {
    enum Code {
        UNKNOWN_TABLE, NOT_SEATED, INVALID_REQUEST, BUSY, NOT_STARTED, CLOSED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Refused before anything was signed or sent; nothing changed. */
    record Failed(Code code, String message) implements ClientResult {
    }

    record TableCreated(TableId table, int players) implements ClientResult {
    }

    record Joined(TableId table) implements ClientResult {
    }

    /** The intent's slot committed: accepted (with the bet id for bets) or rejected with its reason. */
    record IntentDone(TableId table, long seq, ApplyResult.IntentOutcome outcome) implements ClientResult {
    }

    /** The outcomes of a {@link ClientRequest.PlaceBets}, in the order of its bets (all in one slot). */
    record IntentsDone(TableId table, long seq, List<ApplyResult.IntentOutcome> outcomes) implements ClientResult {
        public IntentsDone {
            outcomes = List.copyOf(outcomes);
        }
    }

    record Rolled(TableId table, long seq, ApplyResult.RollOutcome roll) implements ClientResult {
    }

    record Tables(List<TableSummary> tables) implements ClientResult {
    }

    record TableInfo(TableSummary summary, TableState state) implements ClientResult {
    }

    /**
     * One line about a table as this node sees it; {@code stall} is set while it cannot commit (status stalled);
     * {@code evicted} lists the players evicted from it, {@code myEviction} this node's own eviction (or null).
     */
    record TableSummary(TableId table, String status, List<NodeId> players, long seq, long rollNo, int point,
            long myStack, int accepts, Stall stall, List<Evicted> evicted, Evicted myEviction) {
        public TableSummary(TableId table, String status, List<NodeId> players, long seq, long rollNo, int point,
                long myStack, int accepts) {
            this(table, status, players, seq, rollNo, point, myStack, accepts, null, List.of(), null);
        }
    }

    /**
     * A player evicted from a table (DESIGN 5b): why, by which slot, what its bets were settled for, the reveal
     * bond it forfeited, and everything set aside to it.
     */
    record Evicted(NodeId player, String cause, long seq, long paid, long bondForfeited, long setAside) {
    }
}
