package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.GenesisRecord;
import io.dicemesh.protocol.LockRecord;
import io.dicemesh.protocol.TableInvite;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rebuilds a node's tables, open slots and pending invites from its ledger after a restart. */
final class LedgerLoader {
    private final EngineContext ctx;
    private final KvReader ledger;

    LedgerLoader(EngineContext ctx, KvReader ledger) {
        this.ctx = ctx;
        this.ledger = ledger;
    }

    void load(Map<TableId, TableEngine> tables, Map<TableId, GenesisRecord> genesisRecords, InviteBook pending) {
        scanTables(LedgerLayout.GENESIS, (id, bytes) -> genesisRecords.put(id, GenesisRecord.parseFrom(bytes)));
        scanTables(LedgerLayout.STATE, (id, bytes) -> {
            TableEngine engine = new TableEngine(ctx, TableModel.fromProto(TableState.parseFrom(bytes)));
            restoreSlot(engine);
            tables.put(id, engine);
        });
        scanTables(LedgerLayout.PENDING_GENESIS, (id, bytes) -> {
            if (!tables.containsKey(id)) {
                pending.restore(pendingTable(id, GenesisRecord.parseFrom(bytes)));
            }
        });
    }

    private void restoreSlot(TableEngine engine) {
        ByteString id = engine.id().bytes();
        LockRecord[] lock = new LockRecord[1];
        Envelope[] status = new Envelope[1];
        List<Envelope> ownBatches = new ArrayList<>();
        ledger.scan(Column.PREPARED, LedgerLayout.tableRangeStart(id), io.dicemesh.node.ledger.Keys.prefixEnd(id.toByteArray()),
                (key, value) -> {
                    try {
                        switch (LedgerLayout.preparedKind(key)) {
                            case LedgerLayout.LOCK -> lock[0] = LockRecord.parseFrom(value);
                            case LedgerLayout.STATUS -> status[0] = Envelope.parseFrom(value);
                            case LedgerLayout.OWN_BATCH -> ownBatches.add(Envelope.parseFrom(value));
                            default -> throw new IllegalStateException("unknown prepared record kind in the ledger");
                        }
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("corrupt prepared record of table " + engine.id(), e);
                    }
                    return true;
                });
        engine.restore(lock[0], status[0], ownBatches);
        ledger.scan(Column.EVIDENCE, LedgerLayout.tableRangeStart(id),
                io.dicemesh.node.ledger.Keys.prefixEnd(id.toByteArray()), (key, value) -> {
                    try {
                        engine.restoreEvidence(Evidence.parseFrom(value));
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("corrupt evidence record of table " + engine.id(), e);
                    }
                    return true;
                });
    }

    private PendingTable pendingTable(TableId id, GenesisRecord record) throws InvalidProtocolBufferException {
        Verified invite = (Verified) ctx.verify(record.getInvite());
        TableInvite ti = invite.body().getTableInvite();
        PendingTable table = new PendingTable(id, record.getInvite(), Genesis.parseFrom(ti.getGenesis()));
        for (Envelope a : record.getAcceptsList()) {
            VerifyResult r = ctx.verify(a);
            if (r instanceof Verified v && v.kind() == Body.KindCase.GENESIS_ACCEPT) {
                table.accepts.put(v.sender(), a);
            }
        }
        return table;
    }

    private interface TableVisitor {
        void visit(TableId id, byte[] value) throws InvalidProtocolBufferException;
    }

    private void scanTables(byte prefix, TableVisitor visitor) {
        byte[] from = LedgerLayout.tablesPrefix(prefix);
        byte[] to = {(byte) (prefix + 1)};
        ledger.scan(Column.TABLES, from, to, (key, value) -> {
            TableId id = new TableId(LedgerLayout.tableIdOfTablesKey(key));
            try {
                visitor.visit(id, value);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt record of table " + id + " in the ledger", e);
            }
            return true;
        });
    }
}
