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
    /** Bytes of evidence kept in memory per table: a proof may hold a whole Prepare. */
    static final long RECENT_BYTES_MAX = 1L << 20;
    /** Evidence keys remembered for de-duplication. */
    static final int SEEN_MAX = 4096;

    private final TableId table;
    /** Bytes one remembered key takes at most (its record, the culprit's id is shared), for the budget. */
    static final long SEEN_ENTRY_BYTES = 128;

    /** What makes two pieces of evidence the same: recorded once. */
    private record Key(EvidenceKind kind, NodeId culprit, long seq, long rollNo) {
    }

    /** Keys of evidence already recorded, to record each once; bounded (oldest forgotten first). */
    private final Set<Key> seen = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Key, Boolean> eldest) {
            return size() > SEEN_MAX;
        }
    });
    private final List<Evidence> recent = new ArrayList<>();
    private long recentBytes;
    private long stored;

    EvidenceLog(TableId table) {
        this.table = table;
    }

    void record(Out out, EvidenceKind kind, NodeId culprit, long seq, int view, long rollNo, List<Envelope> proof,
            String detail) {
        record(out, kind, culprit, seq, view, rollNo, proof, ByteString.EMPTY, detail);
    }

    /** As above, with the tx the proof is about when no envelope of the proof carries it. */
    void record(Out out, EvidenceKind kind, NodeId culprit, long seq, int view, long rollNo, List<Envelope> proof,
            ByteString tx, String detail) {
        if (!seen.add(new Key(kind, culprit, seq, rollNo))) {
            return;
        }
        Evidence evidence = Evidence.newBuilder().setKind(kind).setTableId(table.bytes())
                .setCulprit(culprit.byteString()).setSeq(seq).setView(view).setRollNo(rollNo).addAllProof(proof)
                .setTx(tx).setDetail(detail).build();
        keepRecent(evidence);
        // The records that halt a table are synced (once per table, one per signer): after a restart the table
        // must still be halted. Other evidence may go down with the next synced write.
        boolean halts = haltsTheTable(kind);
        out.persist(WriteBatch.builder().put(Column.EVIDENCE, LedgerLayout.evidenceKey(table.bytes(), seq,
                kind.getNumber(), culprit.byteString(), stored++), evidence.toByteArray()).build(), halts);
        out.emit(new Event.EvidenceRecorded(evidence));
    }

    private void keepRecent(Evidence e) {
        long size = e.getSerializedSize();
        if (recent.size() < RECENT_MAX && recentBytes + size <= RECENT_BYTES_MAX) {
            recent.add(e);
            recentBytes += size;
        }
    }

    /** Evidence of this kind halts the table at its slot: a certificate fixed a tx this node refuses. */
    static boolean haltsTheTable(EvidenceKind kind) {
        return kind == EvidenceKind.EVIDENCE_CERTIFIED_INVALID_TX;
    }

    long heldBytes() {
        return recentBytes + seen.size() * SEEN_ENTRY_BYTES;
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

    /** One record read back from the ledger after a restart, oldest first: memory stays within the same bounds. */
    void restore(Evidence e) {
        if (NodeId.isWellFormed(e.getCulprit())) {
            seen.add(new Key(e.getKind(), NodeId.of(e.getCulprit()), e.getSeq(), e.getRollNo()));
        }
        keepRecent(e);
        stored++;
    }
}
