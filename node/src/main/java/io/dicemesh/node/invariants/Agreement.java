package io.dicemesh.node.invariants;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * No two honest nodes commit different txs at one slot of a table, and the state after it is byte-identical on
 * every honest node. Remembers what was committed at each slot (and the state's hash), which {@link Atomicity}
 * also reads.
 */
public final class Agreement implements Invariant {
    private final Predicate<NodeId> honest;
    private final Map<TableId, Map<Long, ByteString>> txAt = new HashMap<>();
    private final Map<TableId, Map<Long, ByteString>> stateAt = new HashMap<>();

    public Agreement(Predicate<NodeId> honest) {
        this.honest = honest;
    }

    @Override
    public String name() {
        return "agreement";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
        if (!(event instanceof Event.SlotCommitted c) || !honest.test(node)) {
            return;
        }
        ByteString first = txAt.computeIfAbsent(c.table(), t -> new HashMap<>()).putIfAbsent(c.seq(), c.txHash());
        if (first != null && !first.equals(c.txHash())) {
            out.report(name(), node, "table " + c.table() + " seq " + c.seq() + ": committed " + Hashes.shortOf(c.txHash())
                    + " where another honest peer committed " + Hashes.shortOf(first));
        }
        ByteString stateHash = ByteString.copyFrom(Sha256.hash(c.state().toByteArray()));
        ByteString firstState = stateAt.computeIfAbsent(c.table(), t -> new HashMap<>()).putIfAbsent(c.seq(),
                stateHash);
        if (firstState != null && !firstState.equals(stateHash)) {
            out.report(name(), node, "table " + c.table() + " seq " + c.seq() + ": state differs from a peer's");
        }
    }

    /** The hash of the state an honest node held after (table, seq), or null if none committed it yet. */
    ByteString stateHashAt(TableId table, long seq) {
        return stateAt.getOrDefault(table, Map.of()).get(seq);
    }

    /** The tx hash committed at (table, seq) by an honest node, or null. */
    public ByteString committedAt(TableId table, long seq) {
        return txAt.getOrDefault(table, Map.of()).get(seq);
    }
}
