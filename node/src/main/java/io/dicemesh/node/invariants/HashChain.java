package io.dicemesh.node.invariants;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;

/**
 * Every node's log of a table is a hash chain: each committed tx hashes to its recorded hash, comes at the seq
 * after the last one, names the previous tx's hash, and the state after it names it.
 */
public final class HashChain implements Invariant {
    private final LastStates last = new LastStates();

    @Override
    public String name() {
        return "hash-chain";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
        if (!(event instanceof Event.SlotCommitted c)) {
            return;
        }
        if (!ByteString.copyFrom(Sha256.hash(c.tx().toByteArray())).equals(c.txHash())) {
            out.report(name(), node, "seq " + c.seq() + " tx does not hash to its tx hash");
        }
        Tx tx;
        try {
            tx = Tx.parseFrom(c.tx());
        } catch (InvalidProtocolBufferException e) {
            out.report(name(), node, "committed tx does not parse");
            return;
        }
        TableState before = last.get(node, c.table());
        if (before != null) {
            if (c.seq() != before.getSeq() + 1) {
                out.report(name(), node, "table " + c.table() + " committed seq " + c.seq() + " after "
                        + before.getSeq());
            } else if (!tx.getPrevHash().equals(before.getLastHash())) {
                out.report(name(), node, "table " + c.table() + " seq " + c.seq() + " does not chain to seq "
                        + before.getSeq());
            }
        }
        if (!c.state().getLastHash().equals(c.txHash()) || c.state().getSeq() != c.seq()) {
            out.report(name(), node, "state after seq " + c.seq() + " does not name its tx");
        }
        last.put(node, c.table(), c.state());
    }

    @Override
    public void onRestart(NodeId node, NodeEngine engine, KvReader store, Violations out) {
        last.reload(node, engine);
    }
}
