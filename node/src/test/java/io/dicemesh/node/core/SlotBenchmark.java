package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a slot of one player's batch costs a node to validate and apply: the tx parsed, the batch's signature
 * checked (in full: a peer that had not seen the batch before), every intent checked and applied to a 5-player
 * table, the outcomes listed and the table's invariants checked. {@code intents} of 1 and 100 are place bets (100
 * is a seat's full felt); past the felt's bound of 100 bets a seat, 4,096 is 2,048 place bets each followed by its
 * take-down. Each invocation starts from a fresh copy of the table (the copy is not measured).
 *
 * <p>Run as the README's "Benchmarks" says, with {@code SlotBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SlotBenchmark {
    @Param({"1", "100", "4096"})
    public int intents;

    private TableFixture fixture;
    private TableModel base;
    private ByteString tx;
    private TableModel state;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new TableFixture(5, 1_000_000_000_000L, 10_000_000_000_000L);
        base = fixture.fresh();
        Envelope batch = Wire.batch(fixture.player(0), fixture.id, 1, intents(intents).toArray(new Intent[0]));
        tx = Wire.nextTx(base).addIntentBatches(batch).build().toByteString();
        state = base.copy();
        ApplyResult r = validateAndApply();
        for (ApplyResult.IntentOutcome o : r.intents()) {
            if (!o.accepted()) {
                throw new IllegalStateException("the benchmark's intents must all be accepted: " + o);
            }
        }
        if (r.intents().size() != intents) {
            throw new IllegalStateException(r.intents().size() + " outcomes for " + intents + " intents");
        }
    }

    /** Place bets on 6 (bet ids 1, 2, ... on a fresh table), each taken down at once past a seat's felt. */
    static List<Intent> intents(int n) {
        List<Intent> out = new ArrayList<>(n);
        long betId = 1;
        for (int i = 0; out.size() < n; i++) {
            out.add(Wire.bet(out.size() + 1, BetType.PLACE, 30, 6, 0));
            if (n > 100) {
                out.add(Wire.takeDown(out.size() + 1, betId));
            }
            betId++;
        }
        return out;
    }

    @Setup(Level.Invocation)
    public void freshTable() {
        state = base.copy();
    }

    @Benchmark
    public ApplyResult validateAndApply() {
        return fixture.validateAndApply(state, tx);
    }
}
