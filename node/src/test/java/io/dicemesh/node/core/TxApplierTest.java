package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.BetOutcome;
import io.dicemesh.node.game.Outcome;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TxApplier}: every intent's fate and reason, batch numbering, bet ids, leaving, rolls, determinism. */
@Timeout(20)
class TxApplierTest {
    private final TableFixture f = new TableFixture(3, 1000, 100_000);
    private final TableModel state = f.fresh();
    /** Every rejection reason some test in this class produced (checked by the coverage test on its own run). */
    private final Set<IntentRejection> seen = EnumSet.noneOf(IntentRejection.class);

    private Envelope batch(int player, long batchNo, Intent... intents) {
        return Wire.batch(f.player(player), f.id, batchNo, intents);
    }

    private long nextBatch(int player) {
        return state.lastBatchNo(player) + 1;
    }

    /** Applies one batch of {@code player} (its next number) and returns its outcomes. */
    private List<ApplyResult.IntentOutcome> step(int player, Intent... intents) {
        return f.applyBatches(state, batch(player, nextBatch(player), intents)).intents();
    }

    private IntentRejection one(int player, Intent intent) {
        List<ApplyResult.IntentOutcome> out = step(player, intent);
        assertEquals(1, out.size());
        if (out.get(0).rejection() != null) {
            seen.add(out.get(0).rejection());
        }
        return out.get(0).rejection();
    }

    private void expect(IntentRejection expected, int player, Intent intent) {
        TableState before = state.toProto();
        IntentRejection got = one(player, intent);
        assertEquals(expected, got, "intent " + intent);
        if (expected != null) {
            assertUnchangedButSlot(before, state.toProto());
        }
    }

    /** A refused intent changes nothing but the slot, the hash, the batch number and the next bet id. */
    private static void assertUnchangedButSlot(TableState before, TableState after) {
        TableState.Builder a = after.toBuilder().setSeq(before.getSeq()).setLastHash(before.getLastHash())
                .setNextBetId(before.getNextBetId());
        for (int i = 0; i < before.getPlayersCount(); i++) {
            a.setPlayers(i, a.getPlayers(i).toBuilder().setLastBatchNo(before.getPlayers(i).getLastBatchNo()));
        }
        assertEquals(before, a.build(), "a refused intent moved something");
    }

    private long stack(int player) {
        return state.game().stack(player);
    }

    /** Rolls until the point is on (a pass bet of player 0 makes sure the felt has something to follow). */
    private void rollToPoint() {
        byte[][] nonces = f.noncesFor(state, t -> t == 4 || t == 5 || t == 6 || t == 8 || t == 9 || t == 10);
        f.roll(state, nonces);
        assertTrue(state.game().point() != 0);
    }

    // ------------------------------------------------------------------ batch numbering

    @Test
    void batchesApplyOnlyInContiguousOrderAndADuplicateChangesNothing() {
        ApplyResult first = f.applyBatches(state, batch(0, 1, Wire.bet(1, BetType.FIELD, 5)));
        assertTrue(first.intents().get(0).accepted());
        assertEquals(1, state.lastBatchNo(0));

        TableState before = state.toProto();
        ApplyResult dup = f.applyBatches(state, batch(0, 1, Wire.bet(1, BetType.FIELD, 5)));
        assertEquals(IntentRejection.DUPLICATE, dup.intents().get(0).rejection());
        seen.add(IntentRejection.DUPLICATE);
        assertUnchangedButSlot(before, state.toProto());

        ApplyResult gap = f.applyBatches(state, batch(0, 3, Wire.bet(3, BetType.FIELD, 5),
                Wire.transfer(4, f.player(1).nodeId(), 1)));
        assertEquals(List.of(IntentRejection.OUT_OF_ORDER, IntentRejection.OUT_OF_ORDER),
                gap.intents().stream().map(ApplyResult.IntentOutcome::rejection).toList());
        assertEquals(1, state.lastBatchNo(0));
        seen.add(IntentRejection.OUT_OF_ORDER);

        // 3 before 2 in one tx: 3 is out of order, 2 applies; then 3 alone applies.
        ApplyResult swapped = f.applyBatches(state, batch(0, 3, Wire.bet(5, BetType.FIELD, 5)),
                batch(0, 2, Wire.bet(6, BetType.FIELD, 5)));
        assertEquals(IntentRejection.OUT_OF_ORDER, swapped.intents().get(0).rejection());
        assertTrue(swapped.intents().get(1).accepted());
        assertEquals(2, state.lastBatchNo(0));

        ApplyResult contiguous = f.applyBatches(state, batch(0, 3, Wire.bet(7, BetType.FIELD, 5)),
                batch(0, 4, Wire.bet(8, BetType.FIELD, 5)), batch(1, 1, Wire.bet(9, BetType.FIELD, 5)));
        assertTrue(contiguous.intents().stream().allMatch(ApplyResult.IntentOutcome::accepted));
        assertEquals(4, state.lastBatchNo(0));
        assertEquals(1, state.lastBatchNo(1));
        assertEquals(0, state.lastBatchNo(2));
    }

    @Test
    void outcomesNameThePlayerBatchAndIntentInTxOrder() {
        ApplyResult r = f.applyBatches(state, batch(2, 1, Wire.bet(11, BetType.PASS, 10),
                Wire.transfer(12, f.player(0).nodeId(), 3)), batch(0, 1, Wire.bet(13, BetType.FIELD, 5)));
        assertEquals(3, r.intents().size());
        ApplyResult.IntentOutcome a = r.intents().get(0);
        assertEquals(f.player(2).nodeId(), a.player());
        assertEquals(1, a.batchNo());
        assertEquals(11, a.intentId());
        assertEquals(Intent.KindCase.PLACE_BET, a.kind());
        assertEquals(1, a.betId());
        assertEquals(Intent.KindCase.TRANSFER, r.intents().get(1).kind());
        assertEquals(0, r.intents().get(1).betId());
        assertEquals(f.player(0).nodeId(), r.intents().get(2).player());
        assertEquals(2, r.intents().get(2).betId());
        assertEquals(1, r.seq());
        assertFalse(r.hasRoll());
        assertFalse(r.commitmentsRecorded());
    }

    // ------------------------------------------------------------------ bets

    @Test
    void betIdsOnlyGrowAndRefusedBetsUseUpTheirIds() {
        List<ApplyResult.IntentOutcome> out = step(0, Wire.bet(1, BetType.PASS, 10), Wire.bet(2, BetType.PASS, 4),
                Wire.transfer(3, f.player(1).nodeId(), 5), Wire.bet(4, BetType.FIELD, 5));
        assertEquals(1, out.get(0).betId());
        assertEquals(IntentRejection.UNDER_MIN, out.get(1).rejection());
        assertEquals(0, out.get(1).betId(), "a refused bet names no bet id");
        assertEquals(3, out.get(3).betId(), "the refused bet used up id 2; transfers use none");
        assertEquals(4, state.game().nextBetId());
        List<Long> ids = state.game().felt().stream().map(io.dicemesh.node.game.Bet::id).toList();
        assertEquals(List.of(1L, 3L), ids);
        assertEquals(5, step(1, Wire.bet(5, BetType.PASS, 1_000_000), Wire.bet(6, BetType.ANY_SEVEN, 5))
                .get(1).betId());
    }

    @Test
    void placeBetAcceptedMovesItsStakeToTheFelt() {
        assertNull(one(1, Wire.bet(1, BetType.PASS, 25)));
        assertEquals(975, stack(1));
        assertEquals(1, state.game().felt().size());
        assertNull(one(1, Wire.bet(2, BetType.PLACE, 12, 6, 0)));
        assertNull(one(1, Wire.bet(3, BetType.HARD, 5, 8, 0)));
        assertEquals(958, stack(1));
    }

    @Test
    void placeBetRefusalsFollowTheCrapsRules() {
        expect(IntentRejection.UNKNOWN_BET, 0, Wire.bet(1, BetType.BET_TYPE_UNSPECIFIED, 10));
        expect(IntentRejection.UNKNOWN_BET, 0, Wire.bet(2, BetType.PLACE, 10, 7, 0));
        expect(IntentRejection.UNKNOWN_BET, 0, Wire.bet(3, BetType.PASS, 10, 6, 0));
        expect(IntentRejection.NOT_ALLOWED_NOW, 0, Wire.bet(4, BetType.COME, 10));
        expect(IntentRejection.UNDER_MIN, 0, Wire.bet(5, BetType.PASS, 4));
        expect(IntentRejection.UNDER_MIN, 0, Wire.bet(6, BetType.PASS, -10));
        expect(IntentRejection.OVER_MAX, 0, Wire.bet(7, BetType.PASS, 501));
        expect(null, 0, Wire.bet(8, BetType.PASS, 500)); // the others' reveal bond: 500 at risk + 500 on a 7
        expect(IntentRejection.BOND_UNCOVERED, 0, Wire.bet(9, BetType.DONT_PASS, 450)); // 950 + 500 > 1000
        expect(null, 0, Wire.transfer(10, f.player(1).nodeId(), 450));
        expect(IntentRejection.INSUFFICIENT_STACK, 0, Wire.bet(11, BetType.FIELD, 60));
    }

    @Test
    void aBetTheBankCannotCoverIsRefused() {
        TableFixture poor = new TableFixture(2, 1000, 50);
        TableModel s = poor.fresh();
        ApplyResult r = poor.applyBatches(s, Wire.batch(poor.player(0), poor.id, 1,
                Wire.bet(1, BetType.ANY_SEVEN, 20), Wire.bet(2, BetType.ANY_SEVEN, 10)));
        assertEquals(IntentRejection.BANK_CANNOT_COVER, r.intents().get(0).rejection(), "20 pays 80 > bank 50");
        seen.add(IntentRejection.BANK_CANNOT_COVER);
        assertTrue(r.intents().get(1).accepted(), "10 pays 40 <= bank 50");
        assertEquals(990, s.game().stack(0));
    }

    @Test
    void aSeatWithItsMostBetsOnTheFeltIsRefusedFeltFull() {
        TableFixture rich = new TableFixture(2, 100_000, 10_000_000);
        TableModel s = rich.fresh();
        int most = 100; // CrapsRules.FELT_BETS_PER_SEAT_DEFAULT
        Intent[] bets = new Intent[most + 1];
        for (int i = 0; i <= most; i++) {
            bets[i] = Wire.bet(i + 1, BetType.FIELD, 5);
        }
        ApplyResult r = rich.applyBatches(s, Wire.batch(rich.player(0), rich.id, 1, bets));
        assertTrue(r.intents().get(most - 1).accepted());
        assertEquals(IntentRejection.FELT_FULL, r.intents().get(most).rejection());
        seen.add(IntentRejection.FELT_FULL);
        assertEquals(most, s.game().felt().size());
    }

    @Test
    void oddsBetsFollowTheirBaseAndItsLimit() {
        assertNull(one(0, Wire.bet(1, BetType.PASS, 10)));
        expect(IntentRejection.NOT_ALLOWED_NOW, 0, Wire.bet(2, BetType.PASS_ODDS, 10, 0, 1)); // come-out
        rollToPoint();
        expect(IntentRejection.NOT_PLAYERS_BET, 1, Wire.bet(3, BetType.PASS_ODDS, 10, 0, 1));
        expect(IntentRejection.ODDS_OVER_LIMIT, 0, Wire.bet(4, BetType.PASS_ODDS, 51, 0, 1));
        expect(null, 0, Wire.bet(5, BetType.PASS_ODDS, 30, 0, 1));
        expect(IntentRejection.ODDS_OVER_LIMIT, 0, Wire.bet(6, BetType.PASS_ODDS, 21, 0, 1));
        expect(IntentRejection.UNKNOWN_BET, 0, Wire.bet(7, BetType.PASS_ODDS, 5, 0, 0));
        expect(IntentRejection.NOT_ALLOWED_NOW, 0, Wire.bet(8, BetType.PASS_ODDS, 5, 0, 999));
    }

    @Test
    void takeDownAcceptedReturnsTheStakeAndItsRefusalsHaveReasons() {
        assertNull(one(0, Wire.bet(1, BetType.DONT_PASS, 40)));
        assertNull(one(0, Wire.bet(2, BetType.PASS, 10)));
        assertEquals(950, stack(0));
        expect(IntentRejection.UNKNOWN_BET, 0, Wire.takeDown(3, 77));
        expect(IntentRejection.NOT_PLAYERS_BET, 1, Wire.takeDown(4, 1));
        expect(IntentRejection.NOT_ALLOWED_NOW, 0, Wire.takeDown(5, 2)); // a pass bet stays up
        expect(null, 0, Wire.takeDown(6, 1));
        assertEquals(990, stack(0));
        expect(IntentRejection.UNKNOWN_BET, 0, Wire.takeDown(7, 1)); // already down
    }

    @Test
    void intentWithoutAKindIsMalformed() {
        expect(IntentRejection.MALFORMED, 0, Intent.newBuilder().setIntentId(1).build());
    }

    // ------------------------------------------------------------------ transfers

    @Test
    void transferMovesTokensBetweenTwoSeatedPlayers() {
        expect(null, 0, Wire.transfer(1, f.player(2).nodeId(), 1000));
        assertEquals(0, stack(0));
        assertEquals(2000, stack(2));
        expect(IntentRejection.INSUFFICIENT_STACK, 0, Wire.transfer(2, f.player(2).nodeId(), 1));
    }

    @Test
    void transferRefusals() {
        expect(IntentRejection.UNKNOWN_PLAYER, 0, Wire.transfer(1, f.player(0).nodeId(), 5));
        expect(IntentRejection.UNKNOWN_PLAYER, 0, Wire.transfer(2, f.outsider.nodeId(), 5));
        expect(IntentRejection.UNKNOWN_PLAYER, 0, Wire.transfer(3, ByteString.copyFrom(new byte[5]), 5));
        expect(IntentRejection.INVALID_AMOUNT, 0, Wire.transfer(4, f.player(1).nodeId(), 0));
        expect(IntentRejection.INVALID_AMOUNT, 0, Wire.transfer(5, f.player(1).nodeId(), -5));
        expect(IntentRejection.INSUFFICIENT_STACK, 0, Wire.transfer(6, f.player(1).nodeId(), 1001));
        expect(IntentRejection.INSUFFICIENT_STACK, 0, Wire.transfer(7, f.player(1).nodeId(), Long.MAX_VALUE));
        assertNull(one(1, Wire.bet(8, BetType.PASS, 400))); // player 0's bond: 400 at risk + 400 on a 7
        expect(IntentRejection.BOND_UNCOVERED, 0, Wire.transfer(9, f.player(2).nodeId(), 201));
        expect(null, 0, Wire.transfer(10, f.player(2).nodeId(), 200));
    }

    // ------------------------------------------------------------------ leaving

    @Test
    void leaveWithBetsOnTheFeltSettlesThemAsForAbsence() {
        assertTrue(step(1, Wire.bet(1, BetType.PASS, 10), Wire.bet(2, BetType.DONT_PASS, 30)).stream()
                .allMatch(ApplyResult.IntentOutcome::accepted));
        long bank = state.game().bank();
        // come-out: pass 10 is worth 2 * 10 * 244/495, dont pass 30 is worth 30 * 1953/1980 (< face, so face 30):
        // 4880/495 + 30 = 39.85..., rounded down once to 39
        List<ApplyResult.IntentOutcome> out = step(1, Wire.leave(3));
        assertTrue(out.get(0).accepted());
        assertEquals(39, out.get(0).settlement().paid());
        assertEquals(960 + 39, state.game().withdrawn(1));
        assertEquals(bank + 1, state.game().bank());
        assertTrue(state.game().felt().isEmpty());
        assertFalse(state.isActive(f.player(1).nodeId()));
        assertEquals(2, state.active().size());
    }

    @Test
    void leaveInATxCarryingCommitmentsIsRefused() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        Tx.Builder tx = Wire.nextTx(state).addIntentBatches(batch(1, 1, Wire.leave(1)))
                .addAllDiceCommitments(f.commitments(state, nonces));
        ApplyResult r = f.apply(state, tx);
        assertEquals(IntentRejection.NOT_ALLOWED_NOW, r.intents().get(0).rejection());
        assertTrue(r.commitmentsRecorded());
        assertTrue(state.isActive(f.player(1).nodeId()));
        assertEquals(3, state.rollCommitments().size());
    }

    @Test
    void leaveDuringARollIsNotEvenVotable() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        f.apply(state, Wire.nextTx(state).addAllDiceCommitments(f.commitments(state, nonces)));
        TxCheck check = f.check(state, Wire.nextTx(state).addIntentBatches(batch(1, 1, Wire.leave(1))));
        assertInstanceOf(TxCheck.Invalid.class, check);
        TxCheck withReveals = f.check(state, Wire.nextTx(state).addAllDiceReveals(f.reveals(state, nonces))
                .addIntentBatches(batch(1, 1, Wire.leave(1))));
        assertInstanceOf(TxCheck.Invalid.class, withReveals);
    }

    @Test
    void aPlayerWhoLeftIsNoLongerActiveAndRotationSkipsIt() {
        List<NodeId> ids = f.players.stream().map(Identity::nodeId).toList();
        assertEquals(ids.get(1), state.coordinator(1, 0));
        expect(null, 1, Wire.leave(1));
        assertFalse(state.isActive(ids.get(1)));
        assertEquals(List.of(ids.get(0), ids.get(2)), state.active());
        assertEquals(0, stack(1));
        assertEquals(1000, state.game().withdrawn(1));
        for (long seq = 2; seq < 8; seq++) {
            for (int view = 0; view < 3; view++) {
                NodeId expected = ids.get((int) ((seq + view) % 2) == 0 ? 0 : 2);
                assertEquals(expected, state.coordinator(seq, view), "seq " + seq + " view " + view);
            }
        }
        // Its later batches change nothing, transfers to it are refused, and a roll needs only two commitments.
        expect(IntentRejection.NOT_SEATED, 1, Wire.bet(2, BetType.PASS, 10));
        expect(IntentRejection.UNKNOWN_PLAYER, 0, Wire.transfer(3, ids.get(1), 5));
        byte[][] three = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        List<Envelope> c = new ArrayList<>();
        for (int i : new int[] {0, 1, 2}) {
            c.add(Wire.commitment(f.player(i), f.id, 1, three[i], state.lastBatchNo(i)));
        }
        assertInstanceOf(TxCheck.Invalid.class, f.check(state, Wire.nextTx(state).addAllDiceCommitments(c)));
        byte[][] two = {Wire.nonce(1), Wire.nonce(3)};
        ApplyResult rolled = f.roll(state, two);
        assertTrue(rolled.hasRoll());
    }

    @Test
    void intentsAfterALeaveInTheSameBatchAreNotSeated() {
        List<ApplyResult.IntentOutcome> out = step(2, Wire.leave(1), Wire.bet(2, BetType.PASS, 10),
                Wire.transfer(3, f.player(0).nodeId(), 1));
        assertTrue(out.get(0).accepted());
        assertEquals(IntentRejection.NOT_SEATED, out.get(1).rejection());
        assertEquals(IntentRejection.NOT_SEATED, out.get(2).rejection());
        seen.add(IntentRejection.NOT_SEATED);
        assertEquals(1000, state.game().withdrawn(2));
        assertEquals(1, state.lastBatchNo(2));
    }

    @Test
    void theShooterLeavingPassesTheDice() {
        assertEquals(0, state.game().shooter());
        expect(null, 0, Wire.leave(1));
        assertEquals(1, state.game().shooter());
    }

    // ------------------------------------------------------------------ rolls

    @Test
    void aRollDerivesTheDiceFromTheRevealedNoncesAndResolvesEveryBet() {
        step(0, Wire.bet(1, BetType.PASS, 10));
        step(1, Wire.bet(2, BetType.DONT_PASS, 20));
        byte[][] nonces = f.noncesFor(state, t -> t == 7);
        int[] expected = f.diceOf(state, nonces);
        ApplyResult commitments = f.apply(state, Wire.nextTx(state)
                .addAllDiceCommitments(f.commitments(state, nonces)));
        assertTrue(commitments.commitmentsRecorded());
        assertTrue(state.awaitingReveals());
        assertEquals(1, state.rollNo());
        long bankBefore = state.game().bank();

        ApplyResult r = f.apply(state, Wire.nextTx(state).addAllDiceReveals(f.reveals(state, nonces)));
        assertTrue(r.hasRoll());
        assertEquals(1, r.roll().rollNo());
        assertArrayEquals(expected, new int[] {r.roll().result().die1(), r.roll().result().die2()});
        assertEquals(List.of(expected[0], expected[1]), state.lastDice());
        assertEquals(2, state.rollNo());
        assertFalse(state.awaitingReveals());
        List<BetOutcome> outcomes = r.roll().result().outcomes();
        assertEquals(2, outcomes.size());
        assertEquals(Outcome.WIN, outcomes.get(0).outcome());
        assertEquals(10, outcomes.get(0).winnings());
        assertEquals(Outcome.LOSE, outcomes.get(1).outcome());
        assertEquals(1010, stack(0));
        assertEquals(980, stack(1));
        assertEquals(bankBefore - 10 + 20, state.game().bank());
        assertTrue(state.game().felt().isEmpty());
    }

    @Test
    void everyRollUsesItsOwnNumberInTheSeed() {
        byte[][] nonces = {Wire.nonce(1), Wire.nonce(2), Wire.nonce(3)};
        int[] first = f.diceOf(state, nonces);
        ApplyResult one = f.roll(state, nonces);
        assertArrayEquals(first, new int[] {one.roll().result().die1(), one.roll().result().die2()});
        int[] second = f.diceOf(state, nonces); // roll 2, same nonces: another seed
        ApplyResult two = f.roll(state, nonces);
        assertEquals(2, two.roll().rollNo());
        assertArrayEquals(second, new int[] {two.roll().result().die1(), two.roll().result().die2()});
    }

    // ------------------------------------------------------------------ every reason, determinism

    @Test
    void everyIntentRejectionIsReachable() {
        List<java.util.function.Consumer<TxApplierTest>> cases = List.of(
                TxApplierTest::batchesApplyOnlyInContiguousOrderAndADuplicateChangesNothing,
                TxApplierTest::placeBetRefusalsFollowTheCrapsRules, TxApplierTest::aBetTheBankCannotCoverIsRefused,
                TxApplierTest::aSeatWithItsMostBetsOnTheFeltIsRefusedFeltFull,
                TxApplierTest::oddsBetsFollowTheirBaseAndItsLimit,
                TxApplierTest::takeDownAcceptedReturnsTheStakeAndItsRefusalsHaveReasons,
                TxApplierTest::intentWithoutAKindIsMalformed, TxApplierTest::transferRefusals,
                TxApplierTest::intentsAfterALeaveInTheSameBatchAreNotSeated);
        Set<IntentRejection> all = EnumSet.noneOf(IntentRejection.class);
        for (java.util.function.Consumer<TxApplierTest> c : cases) {
            TxApplierTest fresh = new TxApplierTest();
            c.accept(fresh);
            all.addAll(fresh.seen);
        }
        assertEquals(EnumSet.allOf(IntentRejection.class), all);
    }

    @Test
    void theSameTxOnTwoCopiesGivesByteIdenticalStates() {
        TableModel copy = TableModel.fromProto(state.toProto());
        Tx.Builder tx = Wire.nextTx(state).addIntentBatches(batch(0, 1, Wire.bet(1, BetType.PASS, 10),
                Wire.bet(2, BetType.FIELD, 7), Wire.transfer(3, f.player(1).nodeId(), 3)))
                .addIntentBatches(batch(1, 1, Wire.bet(4, BetType.PLACE, 12, 6, 0), Wire.leave(5)));
        ApplyResult a = f.apply(state, tx);
        ApplyResult b = f.apply(copy, tx);
        assertEquals(a, b);
        assertArrayEquals(state.toProto().toByteArray(), copy.toProto().toByteArray());
    }

    /**
     * Random txs of random (often refused) intents, rolls in between, applied to the state and to a copy rebuilt
     * from its proto form before every slot: both stay byte-identical, and every apply conserves the total.
     */
    @Test
    void randomTxsKeepConservationAndDeterminism() {
        long seed = Long.getLong("dicemesh.test.seed", 20260101L);
        String replay = "mvn -o -B -pl node test -Dtest=TxApplierTest#randomTxsKeepConservationAndDeterminism"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Ddicemesh.test.seed=" + seed;
        System.out.println("[TxApplierTest] seed " + seed + " (replay: " + replay + ")");
        SplittableRandom random = new SplittableRandom(seed);
        TableFixture big = new TableFixture(4, 2000, 50_000);
        TableModel s = big.fresh();
        Set<IntentRejection> reasons = EnumSet.noneOf(IntentRejection.class);
        int accepted = 0;
        int rolls = 0;
        for (int slot = 0; slot < 400 && !s.closed(); slot++) {
            try {
                TableModel copy = TableModel.fromProto(s.toProto());
                Tx.Builder tx = Wire.nextTx(s);
                if (s.awaitingReveals()) {
                    tx.addAllDiceReveals(big.reveals(s, randomNonces(s, slot)));
                } else {
                    int batches = random.nextInt(4);
                    long[] next = new long[4];
                    for (int i = 0; i < 4; i++) {
                        next[i] = s.lastBatchNo(i) + 1;
                    }
                    for (int b = 0; b < batches; b++) {
                        int p = random.nextInt(10) == 0 ? random.nextInt(4)
                                : s.seatOf(s.active().get(random.nextInt(s.active().size())));
                        long batchNo = random.nextInt(10) == 0 ? next[p] + random.nextInt(-1, 2) : next[p]++;
                        tx.addIntentBatches(Wire.batch(big.player(p), big.id, Math.max(1, batchNo),
                                randomIntents(random, big, s)));
                    }
                    if (random.nextInt(3) == 0) {
                        List<Envelope> c = new ArrayList<>();
                        for (int i = 0; i < s.active().size(); i++) {
                            Identity p = big.identityOf(s, i);
                            c.add(Wire.commitment(p, big.id, s.rollNo(), randomNonces(s, slot)[i],
                                    s.lastBatchNo(s.seatOf(p.nodeId()))));
                        }
                        tx.addAllDiceCommitments(c);
                    }
                }
                ByteString bytes = tx.build().toByteString();
                TxCheck.Valid v1 = assertInstanceOf(TxCheck.Valid.class, big.validator.check(s, bytes));
                TxCheck.Valid v2 = assertInstanceOf(TxCheck.Valid.class, big.validator.check(copy, bytes));
                ApplyResult r1 = TxApplier.apply(s, v1.tx());
                ApplyResult r2 = TxApplier.apply(copy, v2.tx());
                assertEquals(r1, r2);
                assertArrayEquals(s.toProto().toByteArray(), copy.toProto().toByteArray());
                EngineHarness.checkConservation(s.toProto());
                for (ApplyResult.IntentOutcome o : r1.intents()) {
                    if (o.accepted()) {
                        accepted++;
                    } else {
                        reasons.add(o.rejection());
                    }
                }
                rolls += r1.hasRoll() ? 1 : 0;
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("slot " + slot + ": " + e + "\nreplay with: " + replay, e);
            }
        }
        System.out.println("[TxApplierTest] " + accepted + " intents accepted, " + rolls + " rolls, reasons "
                + reasons + ", " + s.seq() + " slots, " + s.active().size() + " players left at the end");
        assertTrue(accepted > 40 && rolls > 20, "the generator must reach accepted intents and rolls");
        assertTrue(reasons.size() >= 10, "the generator must reach most refusals: " + reasons);
    }

    private static byte[][] randomNonces(TableModel s, int slot) {
        byte[][] n = new byte[s.active().size()][];
        for (int i = 0; i < n.length; i++) {
            n[i] = Wire.nonce((int) ((s.rollNo() * 31 + i * 7) & 0xff));
        }
        return n;
    }

    private static final BetType[] TYPES = BetType.values();

    private static Intent[] randomIntents(SplittableRandom r, TableFixture f, TableModel s) {
        Intent[] out = new Intent[1 + r.nextInt(4)];
        for (int i = 0; i < out.length; i++) {
            int pick = r.nextInt(200);
            long betIdGuess = s.game().felt().isEmpty() || r.nextInt(4) == 0 ? r.nextLong(0, s.game().nextBetId() + 2)
                    : s.game().felt().get(r.nextInt(s.game().felt().size())).id();
            if (pick < 110) {
                BetType t = TYPES[r.nextInt(TYPES.length - 1)];
                boolean numbered = t == BetType.PLACE || t == BetType.HARD;
                int number = r.nextInt(8) == 0 ? 7 : numbered ? new int[] {4, 5, 6, 8, 9, 10}[r.nextInt(6)] : 0;
                long on = t.name().endsWith("ODDS") ? betIdGuess : (r.nextInt(20) == 0 ? 1 : 0);
                out[i] = Wire.bet(i, t, r.nextLong(-5, 700), number, on);
            } else if (pick < 150) {
                out[i] = Wire.takeDown(i, betIdGuess);
            } else if (pick < 190) {
                Identity to = r.nextInt(10) == 0 ? f.outsider : f.player(r.nextInt(f.players.size()));
                out[i] = Wire.transfer(i, to.nodeId(), r.nextLong(-5, 1500));
            } else if (pick < 192 && s.active().size() > 2) {
                out[i] = Wire.leave(i);
            } else {
                out[i] = Intent.newBuilder().setIntentId(i).build();
            }
        }
        return out;
    }
}
