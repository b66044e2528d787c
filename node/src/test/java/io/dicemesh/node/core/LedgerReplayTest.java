package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvStore;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The audit ({@link LedgerReplay}) re-derives a table from the ledger alone: an honest ledger audits OK and
 * replays to its stored state; every kind of tampering is named with the slot where it is found.
 */
@Timeout(30)
class LedgerReplayTest {
    private static final EnvelopeVerifier VERIFIER = new EnvelopeVerifier();

    /** Two players, a few bets and rolls, committed on both nodes. */
    private static TableId play(EngineHarness h) {
        TableId t = NodeEngineTest.table(h, 2);
        for (int i = 0; i < 4; i++) {
            h.commandAndPump(0, new ClientRequest.PlaceBet(t, BetKind.FIELD, 100, 0, 0));
            h.commandAndPump(1, new ClientRequest.PlaceBet(t, BetKind.PASS, 100, 0, 0));
            h.commandAndPump(i % 2, new ClientRequest.Roll(t));
        }
        h.advance(100);
        return t;
    }

    private static LogEntry entry(KvStore store, TableId t, long seq) throws Exception {
        return LogEntry.parseFrom(store.get(Column.TXLOG, LedgerLayout.logKey(t.bytes(), seq)));
    }

    private static void put(KvStore store, TableId t, long seq, LogEntry e) {
        store.write(WriteBatch.builder().put(Column.TXLOG, LedgerLayout.logKey(t.bytes(), seq), e.toByteArray())
                .build(), true);
    }

    @Test
    void anHonestLedgerAuditsOkAndReplaysToItsStoredStateOnEveryNode() {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = play(h);
            for (int i = 0; i < 2; i++) {
                List<LedgerReplay.ReplayedSlot> slots = new ArrayList<>();
                LedgerReplay.Report r = new LedgerReplay(h.store(i), VERIFIER).replay(t, slots::add);
                assertTrue(r.ok(), r.problems().toString());
                TableState state = h.state(i, t);
                assertEquals(state.getSeq(), r.lastSeq());
                assertEquals(state, r.state());
                assertEquals(state.getSeq(), slots.size());
                assertTrue(slots.stream().anyMatch(s -> s.result().hasRoll()), "the game rolled");
                assertEquals(Hex.of(state.getLastHash()), slots.get(slots.size() - 1).txHash());
            }
        }
    }

    @Test
    void aTamperedTxIsFoundAtItsSlot() throws Exception {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = play(h);
            KvStore store = h.store(0);
            LogEntry e = entry(store, t, 2);
            Tx tx = Tx.parseFrom(e.getCertificate().getTx());
            Tx forged = tx.toBuilder().clearIntentBatches().build();
            put(store, t, 2, e.toBuilder().setCertificate(e.getCertificate().toBuilder().setTx(forged.toByteString()))
                    .build());
            LedgerReplay.Report r = new LedgerReplay(store, VERIFIER).replay(t, s -> { });
            assertFalse(r.ok());
            assertTrue(r.problems().get(0).startsWith("seq 2: "), r.problems().toString());
            assertEquals(1, r.slotsChecked(), "slot 1 was fine");
        }
    }

    @Test
    void aCertificateMissingAVoteIsFound() throws Exception {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = play(h);
            KvStore store = h.store(1);
            LogEntry e = entry(store, t, 3);
            Certificate c = e.getCertificate().toBuilder().removeVotes(1).build();
            put(store, t, 3, e.toBuilder().setCertificate(c).build());
            LedgerReplay.Report r = new LedgerReplay(store, VERIFIER).replay(t, s -> { });
            assertFalse(r.ok());
            assertTrue(r.problems().get(0).contains("seq 3") && r.problems().get(0).contains("vote"),
                    r.problems().toString());
        }
    }

    @Test
    void aVoteWithABrokenSignatureIsFound() throws Exception {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = play(h);
            KvStore store = h.store(0);
            LogEntry e = entry(store, t, 1);
            byte[] sig = e.getCertificate().getVotes(0).getSignature().toByteArray();
            sig[5] ^= 1;
            Certificate c = e.getCertificate().toBuilder().setVotes(0, e.getCertificate().getVotes(0).toBuilder()
                    .setSignature(ByteString.copyFrom(sig))).build();
            put(store, t, 1, e.toBuilder().setCertificate(c).build());
            LedgerReplay.Report r = new LedgerReplay(store, VERIFIER).replay(t, s -> { });
            assertFalse(r.ok());
            assertTrue(r.problems().get(0).startsWith("seq 1: "), r.problems().toString());
        }
    }

    @Test
    void aWrongRecordedTxHashAndABrokenChainAreFound() throws Exception {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = play(h);
            KvStore store = h.store(0);
            LogEntry e = entry(store, t, 2);
            put(store, t, 2, e.toBuilder().setTxHash(ByteString.copyFrom(new byte[32])).build());
            LedgerReplay.Report r = new LedgerReplay(store, VERIFIER).replay(t, s -> { });
            assertTrue(r.problems().get(0).contains("hash"), r.problems().toString());
        }
    }

    @Test
    void aStoredStateThatDiffersFromTheLogIsFound() throws Exception {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = play(h);
            KvStore store = h.store(0);
            byte[] key = LedgerLayout.tableKey(LedgerLayout.STATE, t.bytes());
            TableState s = TableState.parseFrom(store.get(Column.TABLES, key));
            TableState richer = s.toBuilder().setPlayers(0, s.getPlayers(0).toBuilder()
                    .setStack(s.getPlayers(0).getStack() + 1)).build();
            store.write(WriteBatch.builder().put(Column.TABLES, key, richer.toByteArray()).build(), true);
            LedgerReplay.Report r = new LedgerReplay(store, VERIFIER).replay(t, x -> { });
            assertFalse(r.ok());
            assertTrue(r.problems().get(0).contains("stored state"), r.problems().toString());
        }
    }

    @Test
    void anUnknownTableOrAMissingGenesisIsSaidPlainly() {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = play(h);
            TableId other = TableId.of(new byte[32]);
            LedgerReplay.Report r = new LedgerReplay(h.store(0), VERIFIER).replay(other, s -> { });
            assertFalse(r.ok());
            assertTrue(r.problems().get(0).contains("no genesis record"), r.problems().toString());
            h.store(0).write(WriteBatch.builder().delete(Column.TABLES,
                    LedgerLayout.tableKey(LedgerLayout.GENESIS, t.bytes())).build(), true);
            assertFalse(new LedgerReplay(h.store(0), VERIFIER).replay(t, s -> { }).ok());
        }
    }
}
