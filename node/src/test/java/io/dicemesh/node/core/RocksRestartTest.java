package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvStore;
import io.dicemesh.node.ledger.Keys;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import io.dicemesh.node.ledger.StoreProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol on RocksDB ledgers: a node's store is closed mid-slot (after it voted, before the slot committed),
 * reopened, and the engine restored from it; the slot still commits with the same tx everywhere, and every ledger
 * ends byte-identical (genesis record, log entries with their certificates, state).
 */
@Timeout(30)
class RocksRestartTest {
    @TempDir
    Path dir;

    private static String hex(byte[] b) {
        return BaseEncoding.base16().lowerCase().encode(b);
    }

    /** The table's genesis record, state and every log entry, keyed by what they are. */
    static Map<String, String> ledger(KvStore store, TableId t) {
        Map<String, String> out = new TreeMap<>();
        byte[] genesis = store.get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, t.bytes()));
        byte[] state = store.get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.STATE, t.bytes()));
        assertNotNull(genesis);
        assertNotNull(state);
        out.put("genesis", hex(genesis));
        out.put("state", hex(state));
        store.scan(Column.TXLOG, t.toByteArray(), Keys.prefixEnd(t.toByteArray()), (k, v) -> {
            out.put("txlog/" + hex(k), hex(v));
            return true;
        });
        return out;
    }

    /** The log is a hash chain from the table id to the state's last hash, one entry per seq. */
    static void auditLog(KvStore store, TableId t) throws InvalidProtocolBufferException {
        TableState state = TableState.parseFrom(store.get(Column.TABLES,
                LedgerLayout.tableKey(LedgerLayout.STATE, t.bytes())));
        ByteString prev = t.bytes();
        for (long seq = 1; seq <= state.getSeq(); seq++) {
            byte[] raw = store.get(Column.TXLOG, LedgerLayout.logKey(t.bytes(), seq));
            assertNotNull(raw, "log entry " + seq);
            LogEntry e = LogEntry.parseFrom(raw);
            Tx tx = Tx.parseFrom(e.getCertificate().getTx());
            assertEquals(seq, tx.getSeq());
            assertEquals(prev, tx.getPrevHash(), "hash chain at seq " + seq);
            assertEquals(ByteString.copyFrom(Sha256.hash(e.getCertificate().getTx().toByteArray())), e.getTxHash());
            prev = e.getTxHash();
        }
        assertEquals(prev, state.getLastHash());
        assertNull(store.get(Column.TXLOG, LedgerLayout.logKey(t.bytes(), state.getSeq() + 1)));
        // Nothing in flight is left behind for committed slots.
        store.scan(Column.PREPARED, t.toByteArray(), Keys.prefixEnd(t.toByteArray()), (k, v) -> {
            byte kind = LedgerLayout.preparedKind(k);
            if (kind == LedgerLayout.LOCK || kind == LedgerLayout.STATUS) {
                assertTrue(LedgerLayout.preparedNumber(k) > state.getSeq(), "a prepared record of a committed slot");
            }
            return true;
        });
    }

    private static void sameLedgers(EngineHarness h, TableId t, int n) throws InvalidProtocolBufferException {
        Map<String, String> first = ledger(h.store(0), t);
        for (int i = 0; i < n; i++) {
            assertEquals(first, ledger(h.store(i), t), "ledger of node " + i);
            auditLog(h.store(i), t);
        }
    }

    @Test
    void aVoterWhoseStoreIsClosedAndReopenedMidSlotLetsTheSlotCommitWithTheSameTx() throws Exception {
        try (EngineHarness h = new EngineHarness(3, NodeEngineTest.SEED, EngineConfig.defaults(),
                StoreProvider.rocks(dir))) {
            TableId t = h.createTable(List.of(0, 1, 2), 1000, 100_000, NodeEngineTest.RULES);
            h.command(1, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(50);
            h.dropIf(m -> m.kind() == Body.KindCase.VOTE && (m.from() == 2 || m.to() == 2));
            long bet = h.command(0, new ClientRequest.PlaceBet(t, BetKind.DONT_PASS, 20, 0, 0));
            h.advance(50);
            ByteString voted = h.votedFor(2, t, 2);
            assertNotNull(voted, "node 2 voted at seq 2");
            assertNull(h.committedAt(t, 2), "nobody committed seq 2");
            byte[] stateBefore = h.state(2, t).toByteArray();

            h.crash(2); // closes the RocksDB store, as a killed process would leave it
            h.clearHooks();
            h.restart(2); // reopens it and restores the engine from it
            assertArrayEquals(stateBefore, h.state(2, t).toByteArray());
            assertEquals(voted, h.engine(2).lockedTxHash(t).orElseThrow());
            h.advance(100);

            assertEquals(voted, h.committedAt(t, 2), "the slot committed with the tx node 2 voted for");
            assertTrue(((ClientResult.IntentDone) h.reply(0, bet)).outcome().accepted());
            long roll = h.command(2, new ClientRequest.Roll(t));
            h.advance(200);
            assertInstanceOf(ClientResult.Rolled.class, h.reply(2, roll));
            assertEquals(4, NodeEngineTest.sameStateEverywhere(h, t, 0, 1, 2).getSeq());
            sameLedgers(h, t, 3);
        }
    }

    @Test
    void aCoordinatorWhoseStoreIsClosedBeforeAnyoneSawItsPrepareStillGetsItsSlotCommitted() throws Exception {
        try (EngineHarness h = new EngineHarness(3, NodeEngineTest.SEED, EngineConfig.defaults(),
                StoreProvider.rocks(dir))) {
            TableId t = h.createTable(List.of(0, 1, 2), 1000, 100_000, NodeEngineTest.RULES);
            // Node 1 coordinates seq 1: it proposes and votes, and nothing of it gets out.
            h.dropIf(m -> m.from() == 1 && (m.kind() == Body.KindCase.PREPARE || m.kind() == Body.KindCase.VOTE
                    || m.kind() == Body.KindCase.CERTIFICATE_REPLY));
            long bet = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(5);
            ByteString proposed = h.votedFor(1, t, 1);
            assertNotNull(proposed, "node 1 proposed and voted");
            assertNull(h.votedFor(0, t, 1));
            assertNull(h.votedFor(2, t, 1));

            h.crash(1);
            h.clearHooks();
            h.restart(1);
            assertEquals(proposed, h.engine(1).lockedTxHash(t).orElseThrow());
            // Its peers fetch the Prepare behind its repeated vote, or a view change forces its locked tx (R3).
            h.advance(1_000);
            assertEquals(proposed, h.committedAt(t, 1), "the slot committed with the tx node 1 was locked on");
            assertEquals(proposed, h.votedFor(0, t, 1));
            assertEquals(proposed, h.votedFor(2, t, 1));
            assertTrue(((ClientResult.IntentDone) h.reply(0, bet)).outcome().accepted());
            long more = h.command(1, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            h.advance(50);
            assertTrue(((ClientResult.IntentDone) h.reply(1, more)).outcome().accepted());
            assertEquals(2, NodeEngineTest.sameStateEverywhere(h, t, 0, 1, 2).getSeq());
            sameLedgers(h, t, 3);
        }
    }
}
