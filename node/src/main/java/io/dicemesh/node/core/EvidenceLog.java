package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.EvidenceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Misbehaviour a table engine proved (or, for withheld dice, observed): stored in the ledger's evidence column
 * and emitted once per (kind, culprit, seq).
 */
final class EvidenceLog {
    /** Evidence records kept in memory per table (all are in the ledger). */
    static final int RECENT_MAX = 256;
    /** Evidence keys remembered for de-duplication. */
    static final int SEEN_MAX = 4096;

    private final TableId table;
    /** Keys of evidence already recorded, to record each once; bounded (oldest forgotten first). */
    private final Set<String> seen = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
            return size() > SEEN_MAX;
        }
    });
    private final List<Evidence> recent = new ArrayList<>();
    private long stored;

    EvidenceLog(TableId table) {
        this.table = table;
    }

    void record(Out out, EvidenceKind kind, NodeId culprit, long seq, int view, long rollNo, List<Envelope> proof,
            String detail) {
        String key = kind + "/" + culprit + "/" + seq + "/" + rollNo;
        if (!seen.add(key)) {
            return;
        }
        Evidence evidence = Evidence.newBuilder().setKind(kind).setTableId(table.bytes())
                .setCulprit(culprit.byteString()).setSeq(seq).setView(view).setRollNo(rollNo).addAllProof(proof)
                .setDetail(detail).build();
        if (recent.size() < RECENT_MAX) {
            recent.add(evidence);
        }
        out.persist(WriteBatch.builder().put(Column.EVIDENCE, LedgerLayout.evidenceKey(table.bytes(), seq,
                kind.getNumber(), culprit.byteString(), stored++), evidence.toByteArray()).build(), false);
        out.emit(new Event.EvidenceRecorded(evidence));
    }

    List<Evidence> recent() {
        return List.copyOf(recent);
    }

    boolean names(ByteString culprit) {
        for (Evidence e : recent) {
            if (e.getCulprit().equals(culprit)) {
                return true;
            }
        }
        return false;
    }

    /** Re-installs evidence read back from the ledger after a restart. */
    void restore(List<Evidence> stored) {
        for (Evidence e : stored) {
            seen.add(e.getKind() + "/" + NodeId.of(e.getCulprit()) + "/" + e.getSeq() + "/" + e.getRollNo());
            if (recent.size() < RECENT_MAX) {
                recent.add(e);
            }
        }
        this.stored = stored.size();
    }
}
