package io.dicemesh.node.invariants;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.TableState;
import java.util.HashMap;
import java.util.Map;

/** The last committed state each node holds of each table, for rules that compare a commit with the one before. */
final class LastStates {
    private final Map<NodeId, Map<TableId, TableState>> last = new HashMap<>();

    TableState get(NodeId node, TableId table) {
        return last.computeIfAbsent(node, n -> new HashMap<>()).get(table);
    }

    void put(NodeId node, TableId table, TableState state) {
        last.computeIfAbsent(node, n -> new HashMap<>()).put(table, state);
    }

    /** A restarted node holds what its ledger held. */
    void reload(NodeId node, NodeEngine engine) {
        Map<TableId, TableState> known = last.computeIfAbsent(node, n -> new HashMap<>());
        known.clear();
        for (TableId t : engine.tableIds()) {
            engine.tableState(t).ifPresent(s -> known.put(t, s));
        }
    }
}
