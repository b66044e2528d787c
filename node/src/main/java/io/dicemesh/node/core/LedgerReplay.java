package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.GenesisRecord;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.List;


/**
 * Re-derives a table from its ledger alone, trusting nothing: checks the genesis and every player's accept,
 * then for every committed slot its certificate (a valid vote from every player on the tx's hash), the hash
 * chain, the tx's validity and every signature in it, applies it (conservation is checked on every apply), and
 * finally compares the result with the stored state. This is what {@code dicemesh audit} runs, and what
 * {@code dicemesh history} reads the results of each slot from.
 */
public final class LedgerReplay {
    /** What a replay found: ok, or the first thing that is wrong (later slots cannot be trusted past it). */
    public record Report(TableId table, boolean ok, List<String> problems, long slotsChecked, long lastSeq,
            TableState state) {
    }

    private final KvReader ledger;
    private final EnvelopeVerifier verifier;

    public LedgerReplay(KvReader ledger, EnvelopeVerifier verifier) {
        this.ledger = ledger;
        this.verifier = verifier;
    }

    /** One replayed slot: its seq, its tx hash (hex) and what applying it did. */
    public record ReplayedSlot(long seq, String txHash, ApplyResult result) {
    }

    /** Sees each slot as it is replayed. */
    @FunctionalInterface
    public interface SlotVisitor {
        void visit(ReplayedSlot slot);
    }

    /** Audits a table; {@code eachSlot} sees every slot's result as it is replayed (may be a no-op). */
    public Report replay(TableId table, SlotVisitor eachSlot) {
        List<String> problems = new ArrayList<>();
        byte[] genesisBytes = ledger.get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, table.bytes()));
        if (genesisBytes == null) {
            return new Report(table, false, List.of("no genesis record for table " + table + " in this ledger"), 0, 0,
                    null);
        }
        TableModel model;
        try {
            model = genesis(table, GenesisRecord.parseFrom(genesisBytes), problems);
        } catch (InvalidProtocolBufferException e) {
            problems.add("the genesis record does not parse");
            model = null;
        }
        if (model == null) {
            return new Report(table, false, problems, 0, 0, null);
        }
        TxValidator validator = new TxValidator(verifier::verify);
        long checked = 0;
        for (long seq = 1; ; seq++) {
            byte[] stored = ledger.get(Column.TXLOG, LedgerLayout.logKey(table.bytes(), seq));
            if (stored == null) {
                break;
            }
            String problem = slot(model, seq, stored, validator, eachSlot);
            if (problem != null) {
                problems.add("seq " + seq + ": " + problem);
                return new Report(table, false, problems, checked, model.seq(), model.toProto());
            }
            checked++;
        }
        byte[] stateBytes = ledger.get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.STATE, table.bytes()));
        TableState replayed = model.toProto();
        if (stateBytes == null) {
            problems.add("no stored state for the table");
        } else {
            try {
                TableState storedState = TableState.parseFrom(stateBytes);
                if (!storedState.equals(replayed)) {
                    problems.add("the stored state (seq " + storedState.getSeq() + ") differs from the state the log "
                            + "replays to (seq " + replayed.getSeq() + ")");
                }
            } catch (InvalidProtocolBufferException e) {
                problems.add("the stored state does not parse");
            }
        }
        return new Report(table, problems.isEmpty(), problems, checked, model.seq(), replayed);
    }

    private TableModel genesis(TableId table, GenesisRecord record, List<String> problems) {
        VerifyResult inv = verifier.verify(record.getInvite(), Body.KindCase.TABLE_INVITE);
        if (!(inv instanceof Verified invite)) {
            problems.add("the table invite's signature does not verify: " + inv);
            return null;
        }
        ByteString genesisBytes = invite.body().getTableInvite().getGenesis();
        if (!ByteString.copyFrom(Sha256.hash(genesisBytes.toByteArray())).equals(table.bytes())) {
            problems.add("the genesis does not hash to the table id");
            return null;
        }
        Genesis genesis;
        try {
            genesis = Genesis.parseFrom(genesisBytes);
        } catch (InvalidProtocolBufferException e) {
            problems.add("the genesis does not parse");
            return null;
        }
        String bad = GenesisRules.problem(genesis);
        if (bad != null) {
            problems.add("the genesis breaks a rule: " + bad);
            return null;
        }
        if (!invite.sender().matches(genesis.getCreator())) {
            problems.add("the invite is not signed by the table's creator");
            return null;
        }
        if (record.getAcceptsCount() != genesis.getSeatsCount()) {
            problems.add(record.getAcceptsCount() + " accepts for " + genesis.getSeatsCount() + " players");
            return null;
        }
        for (int i = 0; i < genesis.getSeatsCount(); i++) {
            VerifyResult a = verifier.verify(record.getAccepts(i), Body.KindCase.GENESIS_ACCEPT);
            NodeId player = NodeId.of(genesis.getSeats(i).getPlayer());
            if (!(a instanceof Verified accept) || !accept.sender().equals(player)
                    || !accept.body().getGenesisAccept().getTableId().equals(table.bytes())) {
                problems.add("the accept of player " + player + " does not verify");
                return null;
            }
        }
        return TableModel.fromGenesis(table, genesis);
    }

    private String slot(TableModel model, long seq, byte[] stored, TxValidator validator,
            SlotVisitor eachSlot) {
        LogEntry entry;
        try {
            entry = LogEntry.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            return "the log entry does not parse";
        }
        Certificate cert = entry.getCertificate();
        if (cert.getSeq() != seq || !cert.getTableId().equals(model.id().bytes())) {
            return "the log entry is for another slot";
        }
        ByteString hash = ByteString.copyFrom(Sha256.hash(cert.getTx().toByteArray()));
        if (!hash.equals(entry.getTxHash())) {
            return "the tx does not hash to the recorded tx hash";
        }
        List<Envelope> votes = CatchUp.checkCertificate(model, cert, verifier::verify);
        if (votes == null) {
            return "the certificate does not hold a valid vote on the tx from every player";
        }
        TxCheck check = validator.check(model, cert.getTx());
        if (check instanceof TxCheck.Invalid bad) {
            return "the tx is not valid: " + bad.detail();
        }
        ApplyResult result;
        try {
            result = TxApplier.apply(model, ((TxCheck.Valid) check).tx());
        } catch (IllegalStateException e) {
            return "applying the tx breaks an invariant: " + e.getMessage();
        }
        eachSlot.visit(new ReplayedSlot(seq, Hex.of(hash), result));
        return null;
    }
}
