package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.Seat;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/** A table of a few test identities at seq 0, without any engine: for the validator, applier and model tests. */
final class TableFixture {
    final List<Identity> players = new ArrayList<>();
    final Identity outsider = Wire.identity("outsider");
    final Genesis genesis;
    final TableId id;
    final EnvelopeVerifier verifier = new EnvelopeVerifier();
    final TxValidator validator = new TxValidator(verifier::verify);

    TableFixture(int n, long stack, long bank) {
        this(n, stack, bank, Wire.rules(100, 1000));
    }

    TableFixture(int n, long stack, long bank, TableRules rules) {
        Genesis.Builder g = Genesis.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION).setBank(bank)
                .setRules(rules).setCreatedAtMs(1).setSalt(ByteString.copyFrom(new byte[GenesisRules.SALT_BYTES]));
        for (int i = 0; i < n; i++) {
            Identity p = Wire.identity("player" + i);
            players.add(p);
            g.addSeats(Seat.newBuilder().setPlayer(p.nodeId().byteString()).setStack(stack));
        }
        genesis = g.setCreator(players.get(0).nodeId().byteString()).build();
        id = TableId.of(Sha256.hash(genesis.toByteArray()));
    }

    Identity player(int i) {
        return players.get(i);
    }

    TableModel fresh() {
        return TableModel.fromGenesis(id, genesis);
    }

    TxCheck check(TableModel state, Tx.Builder tx) {
        return validator.check(state, tx.build().toByteString());
    }

    /** Validates (must be valid) and applies; checks conservation and that seq moved by one. */
    ApplyResult apply(TableModel state, Tx.Builder tx) {
        TxCheck check = check(state, tx);
        TxCheck.Valid valid = assertInstanceOf(TxCheck.Valid.class, check, () -> "tx must be valid: " + check);
        long seqBefore = state.seq();
        ApplyResult r = TxApplier.apply(state, valid.tx());
        assertEquals(seqBefore + 1, state.seq());
        assertEquals(valid.tx().hash(), state.lastHash());
        EngineHarness.checkConservation(state.toProto());
        return r;
    }

    /**
     * What a node does with a slot's tx bytes: validates them (they must be valid) and applies them, without the
     * tests' own checks of {@link #apply} (for benchmarks).
     */
    ApplyResult validateAndApply(TableModel state, ByteString tx) {
        TxCheck check = validator.check(state, tx);
        if (!(check instanceof TxCheck.Valid valid)) {
            throw new IllegalStateException("not valid: " + check);
        }
        return TxApplier.apply(state, valid.tx());
    }

    /** Applies one tx holding the given batches. */
    ApplyResult applyBatches(TableModel state, Envelope... batches) {
        return apply(state, Wire.nextTx(state).addAllIntentBatches(List.of(batches)));
    }

    /** Every active player's commitment for the state's roll, nonce i = nonces[i], after their applied batches. */
    List<Envelope> commitments(TableModel state, byte[][] nonces) {
        List<Envelope> out = new ArrayList<>();
        for (int i = 0; i < state.active().size(); i++) {
            Identity p = identityOf(state, i);
            out.add(Wire.commitment(p, id, state.rollNo(), nonces[i], state.lastBatchNo(state.seatOf(p.nodeId()))));
        }
        return out;
    }

    List<Envelope> reveals(TableModel state, byte[][] nonces) {
        List<Envelope> out = new ArrayList<>();
        for (int i = 0; i < state.active().size(); i++) {
            out.add(Wire.reveal(identityOf(state, i), id, state.rollNo(), nonces[i]));
        }
        return out;
    }

    /** The identity of the i-th active player. */
    Identity identityOf(TableModel state, int activeIndex) {
        for (Identity p : players) {
            if (p.nodeId().equals(state.active().get(activeIndex))) {
                return p;
            }
        }
        throw new AssertionError("no identity for active player " + activeIndex);
    }

    /** Commits the roll's commitments in one slot and its reveals in the next; returns the roll's result. */
    ApplyResult roll(TableModel state, byte[][] nonces) {
        apply(state, Wire.nextTx(state).addAllDiceCommitments(commitments(state, nonces)));
        return apply(state, Wire.nextTx(state).addAllDiceReveals(reveals(state, nonces)));
    }

    /** The dice the nonces give at the state's roll, as {@link Dice} derives them. */
    int[] diceOf(TableModel state, byte[][] nonces) {
        return Dice.roll(Dice.seed(id.toByteArray(), state.rollNo(), Arrays.asList(nonces)));
    }

    /** Nonces (one per active player) whose dice total satisfies {@code wanted}; searched deterministically. */
    byte[][] noncesFor(TableModel state, IntPredicate wanted) {
        int n = state.active().size();
        for (int fill = 0; fill < 256; fill++) {
            byte[][] nonces = new byte[n][];
            for (int i = 0; i < n; i++) {
                nonces[i] = Wire.nonce(i == 0 ? fill : 100 + i);
            }
            int[] dice = diceOf(state, nonces);
            if (wanted.test(dice[0] + dice[1])) {
                return nonces;
            }
        }
        throw new AssertionError("no nonce fill gives the wanted total");
    }
}
