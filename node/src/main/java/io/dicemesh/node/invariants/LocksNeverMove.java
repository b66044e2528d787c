package io.dicemesh.node.invariants;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import java.util.HashMap;
import java.util.Map;

/** R2: a node that voted for a tx at a slot never votes for another tx at that slot, across crashes too. */
public final class LocksNeverMove implements Invariant {
    private final Map<NodeId, Map<TableId, Map<Long, ByteString>>> locks = new HashMap<>();

    @Override
    public String name() {
        return "lock-moved";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
        if (event instanceof Event.Voted v) {
            ByteString before = slots(node, v.table()).putIfAbsent(v.seq(), v.txHash());
            if (before != null && !before.equals(v.txHash())) {
                out.report(name(), node, "table " + v.table() + " seq " + v.seq() + ": voted for "
                        + Hashes.shortOf(v.txHash()) + " after a lock on " + Hashes.shortOf(before));
            }
        } else if (event instanceof Event.SlotCommitted c) {
            slots(node, c.table()).keySet().removeIf(seq -> seq < c.seq()); // a committed slot takes no more votes
        }
    }

    private Map<Long, ByteString> slots(NodeId node, TableId table) {
        return locks.computeIfAbsent(node, n -> new HashMap<>()).computeIfAbsent(table, t -> new HashMap<>());
    }
}
