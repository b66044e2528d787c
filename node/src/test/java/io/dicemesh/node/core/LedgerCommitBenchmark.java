package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.RocksKvStore;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.LogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What committing a slot costs in the ledger: the write a node makes for each committed slot (the table's state
 * after it, the log entry with the certificate of its 5 votes and the tx, the slot's lock and status deleted), as
 * {@code Committer} builds it, written to RocksDB with fsync. {@code feltBets} is how many bets the table's state
 * holds (the whole state is written each slot; 500 is a full felt of 5 seats); the slot itself is one player's
 * batch of that many place bets, at most 100.
 *
 * <p>Run as the README's "Benchmarks" says, with {@code LedgerCommitBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LedgerCommitBenchmark {
    @Param({"1", "500"})
    public int feltBets;

    private Path dir;
    private RocksKvStore store;
    private TableFixture fixture;
    private byte[] state;
    private ByteString tx;
    private ByteString txHash;
    private List<Envelope> votes;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("dicemesh-bench-ledger");
        store = RocksKvStore.open(dir.resolve("ledger"));
        fixture = new TableFixture(5, 1_000_000_000_000L, 10_000_000_000_000L);
        TableModel s = fixture.fresh();
        ApplyResult last = null;
        int placed = 0;
        for (int seat = 0; placed < feltBets; seat++) {
            int n = Math.min(100, feltBets - placed);
            List<Intent> bets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                bets.add(Wire.bet(i + 1, BetType.PLACE, 30, 6, 0));
            }
            Envelope batch = Wire.batch(fixture.player(seat), fixture.id, 1, bets.toArray(new Intent[0]));
            tx = Wire.nextTx(s).addIntentBatches(batch).build().toByteString();
            last = fixture.apply(s, Wire.nextTx(s).addIntentBatches(batch));
            placed += n;
        }
        if (last.intents().stream().anyMatch(o -> !o.accepted())) {
            throw new IllegalStateException("the benchmark's bets must all be accepted");
        }
        state = s.toProto().toByteArray();
        txHash = Wire.hash(tx);
        votes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            votes.add(Wire.vote(fixture.player(i), fixture.id, s.seq(), 0, txHash));
        }
        seq = s.seq();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** One slot's commit, synced; each at the next seq, as a table's log grows. */
    @Benchmark
    public long commitSlot() {
        seq++;
        ByteString table = fixture.id.bytes();
        Certificate cert = Certificate.newBuilder().setTableId(table).setSeq(seq).setTx(tx).addAllVotes(votes)
                .build();
        WriteBatch wb = WriteBatch.builder()
                .put(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.STATE, table), state)
                .put(Column.TXLOG, LedgerLayout.logKey(table, seq),
                        LogEntry.newBuilder().setCertificate(cert).setTxHash(txHash).build().toByteArray())
                .delete(Column.PREPARED, LedgerLayout.preparedKey(table, LedgerLayout.LOCK, seq))
                .delete(Column.PREPARED, LedgerLayout.preparedKey(table, LedgerLayout.STATUS, seq)).build();
        store.write(wb, true);
        return wb.sizeBytes();
    }
}
