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
 * What resolving a roll on a full felt costs a node: the slot of the 5 players' reveals validated (each reveal's
 * signature checked in full and opened against its commitment) and applied (the dice derived, every bet on the
 * felt settled or left, the table's invariants checked). The felt holds 100 bets of each of the 5 seats (500, the
 * most it can): a pass line, place bets, hardways, big 6 and 8, come bets and one-roll bets, with the point on 6.
 * {@code total} 7 is the seven-out that settles every bet; 8 settles some and moves the come bets. Each invocation
 * starts from a fresh copy of the table (the copy is not measured).
 *
 * <p>Run as the README's "Benchmarks" says, with {@code RollBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RollBenchmark {
    static final int SEATS = 5;
    static final int BETS_PER_SEAT = 100;

    @Param({"7", "8"})
    public int total;

    private TableFixture fixture;
    private TableModel base;
    private ByteString tx;
    private TableModel state;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new TableFixture(SEATS, 1_000_000_000_000L, 10_000_000_000_000L);
        TableModel s = fixture.fresh();
        for (int seat = 0; seat < SEATS; seat++) {
            fixture.applyBatches(s, Wire.batch(fixture.player(seat), fixture.id, 1,
                    Wire.bet(1, BetType.PASS, 30)));
        }
        fixture.roll(s, fixture.noncesFor(s, t -> t == 6));
        if (s.game().point() != 6) {
            throw new IllegalStateException("the point is not 6 but " + s.game().point());
        }
        int onFelt = SEATS;
        for (int seat = 0; seat < SEATS; seat++) {
            ApplyResult r = fixture.applyBatches(s, Wire.batch(fixture.player(seat), fixture.id, 2,
                    fill(BETS_PER_SEAT - 1).toArray(new Intent[0])));
            for (ApplyResult.IntentOutcome o : r.intents()) {
                onFelt += o.accepted() ? 1 : 0;
            }
        }
        if (onFelt != SEATS * BETS_PER_SEAT) {
            throw new IllegalStateException(onFelt + " bets on the felt, not " + SEATS * BETS_PER_SEAT);
        }
        byte[][] nonces = fixture.noncesFor(s, t -> t == total);
        fixture.apply(s, Wire.nextTx(s).addAllDiceCommitments(fixture.commitments(s, nonces)));
        List<Envelope> reveals = fixture.reveals(s, nonces);
        base = s;
        tx = Wire.nextTx(base).addAllDiceReveals(reveals).build().toByteString();
        state = base.copy();
        ApplyResult r = validateAndApply();
        if (r.roll() == null) {
            throw new IllegalStateException("the reveals rolled no dice");
        }
    }

    /** A seat's bets after its pass line: kinds that may stand more than once, cycled. */
    static List<Intent> fill(int n) {
        List<Intent> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            long id = 2 + out.size();
            out.add(switch (i % 8) {
                case 0 -> Wire.bet(id, BetType.PLACE, 30, 5, 0);
                case 1 -> Wire.bet(id, BetType.PLACE, 30, 8, 0);
                case 2 -> Wire.bet(id, BetType.HARD, 10, 8, 0);
                case 3 -> Wire.bet(id, BetType.HARD, 10, 4, 0);
                case 4 -> Wire.bet(id, BetType.COME, 10, 0, 0);
                case 5 -> Wire.bet(id, BetType.FIELD, 10, 0, 0);
                case 6 -> Wire.bet(id, BetType.BIG8, 10, 0, 0);
                default -> Wire.bet(id, BetType.ANY_SEVEN, 10, 0, 0);
            });
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
