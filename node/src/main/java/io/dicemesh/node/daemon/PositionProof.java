package io.dicemesh.node.daemon;

import com.google.gson.stream.JsonWriter;
import io.dicemesh.node.core.Position;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.TableState;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;

/**
 * Writes a player's provable position (DESIGN 5b) as one JSON file: the position as the node's state gives it, and
 * the evidence anyone can check it with: the genesis record (invite and every accept) and every committed slot's
 * log entry (tx and certificate) from seq 1 up to the position's seq, each base64 protobuf, in order. Replaying
 * them (as {@code dicemesh audit} does) re-derives every figure. Streamed, so a long table never sits in memory.
 */
final class PositionProof {
    static final String FORMAT = "dicemesh-position-proof/v1";

    private PositionProof() {
    }

    static void write(Path out, TableId table, TableState state, Position p, KvReader ledger) throws IOException {
        byte[] genesis = ledger.get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, table.bytes()));
        if (genesis == null) {
            throw new IOException("no genesis record for table " + table + " in this ledger");
        }
        try {
            writeJson(out, table, state, p, ledger, genesis);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw e; // someone else's file: never touched
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out); // never leave half a proof behind (the file is ours: created new)
            throw e;
        }
    }

    private static void writeJson(Path out, TableId table, TableState state, Position p, KvReader ledger,
            byte[] genesis) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                JsonWriter j = new JsonWriter(w)) {
            j.setIndent(" ");
            j.beginObject();
            j.name("format").value(FORMAT);
            j.name("table").value(table.hex());
            j.name("player").value(p.player().hex());
            j.name("seq").value(p.seq());
            j.name("last_hash").value(p.lastHash());
            j.name("stack").value(p.stack());
            j.name("set_aside").value(p.withdrawn());
            j.name("seated").value(p.seated());
            if (p.evicted() != null) {
                j.name("evicted").value(p.evicted());
            }
            j.name("bets").beginArray();
            for (Position.PositionBet b : p.bets()) {
                j.beginObject();
                j.name("bet_id").value(b.betId());
                j.name("type").value(b.type());
                if (b.number() != 0) {
                    j.name("number").value(b.number());
                }
                j.name("face").value(b.face());
                j.name("fair_value").value(b.fairValue().toString());
                j.name("settlement_value").value(b.settlementValue().toString());
                j.endObject();
            }
            j.endArray();
            j.name("state").value(b64.encodeToString(state.toByteArray()));
            j.name("genesis_record").value(b64.encodeToString(genesis));
            j.name("log_entries").beginArray();
            for (long seq = 1; seq <= p.seq(); seq++) {
                byte[] entry = ledger.get(Column.TXLOG, LedgerLayout.logKey(table.bytes(), seq));
                if (entry == null) {
                    throw new IOException("slot " + seq + " of table " + table + " is missing from the ledger");
                }
                j.value(b64.encodeToString(entry));
            }
            j.endArray();
            j.endObject();
        }
    }
}
