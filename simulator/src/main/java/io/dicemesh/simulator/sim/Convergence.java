package io.dicemesh.simulator.sim;

import com.google.protobuf.ByteString;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.Keys;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** End-of-run checks: do the honest peers of a table agree, in memory and in their ledgers? */
public final class Convergence {
    private Convergence() {
    }

    /** Null when every given node holds the table at the same slot with byte-identical state; else what differs. */
    public static String stateDifference(Simulation sim, TableId table, List<Integer> nodes) {
        TableState first = null;
        int firstNode = -1;
        for (int i : nodes) {
            SimNode n = sim.node(i);
            if (!n.isUp()) {
                return "node" + i + " is down";
            }
            Optional<TableState> s = n.engine().tableState(table);
            if (s.isEmpty()) {
                return "node" + i + " does not hold table " + table;
            }
            if (first == null) {
                first = s.get();
                firstNode = i;
            } else if (!first.equals(s.get())) {
                return "node" + i + " is at seq " + s.get().getSeq() + ", node" + firstNode + " at seq "
                        + first.getSeq() + (first.getSeq() == s.get().getSeq() ? " with a different state" : "");
            }
        }
        return null;
    }

    /**
     * Null when the given nodes' ledgers hold byte-identical records of the table: genesis, state, and every
     * committed tx with its hash. (Certificates may carry votes from different views and are compared by tx.)
     */
    public static String ledgerDifference(Simulation sim, TableId table, List<Integer> nodes) {
        List<byte[]> reference = null;
        int refNode = -1;
        for (int i : nodes) {
            List<byte[]> records = ledgerRecords(sim.node(i), table);
            if (reference == null) {
                reference = records;
                refNode = i;
                continue;
            }
            if (records.size() != reference.size()) {
                return "node" + i + " holds " + records.size() + " records of table " + table + ", node" + refNode
                        + " holds " + reference.size();
            }
            for (int r = 0; r < records.size(); r++) {
                if (!java.util.Arrays.equals(records.get(r), reference.get(r))) {
                    return "record " + r + " of table " + table + " differs between node" + i + " and node" + refNode;
                }
            }
        }
        return null;
    }

    private static List<byte[]> ledgerRecords(SimNode node, TableId table) {
        List<byte[]> out = new ArrayList<>();
        out.add(orEmpty(node.store().get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, table.bytes()))));
        out.add(orEmpty(node.store().get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.STATE, table.bytes()))));
        node.store().scan(Column.TXLOG, table.toByteArray(), Keys.prefixEnd(table.toByteArray()), (k, v) -> {
            try {
                LogEntry e = LogEntry.parseFrom(v);
                out.add(k);
                out.add(e.getCertificate().getTx().toByteArray());
                out.add(e.getTxHash().toByteArray());
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                out.add(("corrupt " + ByteString.copyFrom(k)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return true;
        });
        return out;
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}
