package io.dicemesh.node.invariants;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.node.ledger.Keys;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.TableState;

/**
 * A committed slot's effects are all on a node or none are, across crashes: after a restart each table's state is
 * exactly the state some honest peer had at that seq, its log holds every slot up to it and none beyond, and its
 * genesis record is there.
 */
public final class Atomicity implements Invariant {
    private final Agreement agreement;

    /** @param agreement where the honest peers' states at each seq are remembered */
    public Atomicity(Agreement agreement) {
        this.agreement = agreement;
    }

    @Override
    public String name() {
        return "atomicity";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
    }

    @Override
    public void onRestart(NodeId node, NodeEngine engine, KvReader store, Violations out) {
        for (TableId table : engine.tableIds()) {
            TableState s = engine.tableState(table).orElseThrow();
            String tokens = Conservation.problem(s);
            if (tokens != null) {
                out.report(name(), node, "after restart table " + table + ": " + tokens);
            }
            if (s.getSeq() > 0) {
                ByteString expected = agreement.stateHashAt(table, s.getSeq());
                if (expected != null && !expected.equals(ByteString.copyFrom(Sha256.hash(s.toByteArray())))) {
                    out.report(name(), node, "after restart table " + table + " at seq " + s.getSeq()
                            + " holds a state no peer had at that seq");
                }
            }
            long[] entries = {0, 0};
            store.scan(Column.TXLOG, table.toByteArray(), Keys.prefixEnd(table.toByteArray()), (k, v) -> {
                entries[0]++;
                entries[1] = Keys.readU64(k, k.length - 8);
                return true;
            });
            if (entries[0] != s.getSeq() || entries[1] != s.getSeq()) {
                out.report(name(), node, "after restart table " + table + " is at seq " + s.getSeq()
                        + " but its log holds " + entries[0] + " slots up to " + entries[1]);
            }
            if (store.get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, table.bytes())) == null) {
                out.report(name(), node, "after restart table " + table + " has a state but no genesis record");
            }
        }
    }
}
