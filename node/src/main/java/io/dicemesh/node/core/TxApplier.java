package io.dicemesh.node.core;

import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.BetRequest;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.node.game.Refusal;
import io.dicemesh.node.game.RollResult;
import io.dicemesh.node.game.Settlement;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.PlaceBet;
import io.dicemesh.protocol.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a valid tx to a table's state: a roll (the reveals), or the intent batches in tx order followed by the
 * next roll's commitments, if the tx carries them. Deterministic: every peer that applies the same tx to the same
 * state gets the same state and the same results.
 */
final class TxApplier {
    private TxApplier() {
    }

    static ApplyResult apply(TableModel state, ParsedTx tx) {
        if (tx.tx().hasEvict()) {
            List<Settlement> settled = Evictions.apply(state, tx.tx().getEvict(), tx.tx().getSeq());
            state.advance(tx.tx().getSeq(), tx.hash());
            state.checkInvariants();
            return new ApplyResult(state.id(), tx.tx().getSeq(), List.of(), null, false, settled);
        }
        ApplyResult.RollOutcome roll = null;
        if (tx.isRoll()) {
            roll = roll(state, tx.reveals());
        }
        boolean rollStarts = !tx.commitments().isEmpty();
        List<ApplyResult.IntentOutcome> outcomes = new ArrayList<>();
        for (ParsedTx.SignedBatch b : tx.batches()) {
            applyBatch(state, b.seat(), b.batch(), rollStarts, outcomes);
        }
        if (rollStarts) {
            state.recordCommitments(tx.tx().getDiceCommitmentsList());
        }
        state.advance(tx.tx().getSeq(), tx.hash());
        state.checkInvariants();
        return new ApplyResult(state.id(), tx.tx().getSeq(), List.copyOf(outcomes), roll,
                !tx.commitments().isEmpty(), List.of());
    }

    private static ApplyResult.RollOutcome roll(TableModel state, List<DiceReveal> reveals) {
        List<byte[]> nonces = new ArrayList<>(reveals.size());
        for (DiceReveal r : reveals) {
            nonces.add(r.getNonce().toByteArray());
        }
        long rollNo = state.rollNo();
        int[] dice = Dice.roll(Dice.seed(state.id().toByteArray(), rollNo, nonces));
        RollResult result = state.game().roll(dice[0], dice[1]);
        state.finishRoll(dice[0], dice[1]);
        return new ApplyResult.RollOutcome(rollNo, result);
    }

    private static void applyBatch(TableModel state, int seat, IntentBatch batch, boolean rollStarts,
            List<ApplyResult.IntentOutcome> out) {
        NodeId player = state.seats().get(seat);
        IntentRejection whole = null;
        if (!state.game().isActive(seat)) {
            whole = IntentRejection.NOT_SEATED;
        } else if (batch.getBatchNo() <= state.lastBatchNo(seat)) {
            whole = IntentRejection.DUPLICATE;
        } else if (batch.getBatchNo() != state.lastBatchNo(seat) + 1) {
            whole = IntentRejection.OUT_OF_ORDER;
        }
        if (whole == null) {
            state.setLastBatchNo(seat, batch.getBatchNo());
        }
        for (Intent intent : batch.getIntentsList()) {
            IntentRejection rejection = whole;
            long betId = 0;
            Settlement[] settlement = new Settlement[1];
            if (rejection == null && !state.game().isActive(seat)) {
                rejection = IntentRejection.NOT_SEATED; // left earlier in this batch
            }
            if (rejection == null) {
                switch (intent.getKindCase()) {
                    case PLACE_BET -> {
                        betId = state.takeBetId();
                        rejection = place(state.game(), seat, betId, intent.getPlaceBet());
                    }
                    case TAKE_DOWN -> rejection = refusal(state.game().takeDown(seat, intent.getTakeDown().getBetId()));
                    case TRANSFER -> rejection = transfer(state, seat, intent.getTransfer());
                    case LEAVE -> rejection = leave(state, seat, rollStarts, settlement);
                    case KIND_NOT_SET -> rejection = IntentRejection.MALFORMED;
                }
            }
            out.add(new ApplyResult.IntentOutcome(player, batch.getBatchNo(), intent.getIntentId(),
                    intent.getKindCase(), rejection, rejection == null ? betId : 0, settlement[0]));
        }
    }

    private static IntentRejection place(CrapsTable game, int seat, long betId, PlaceBet p) {
        BetRequest request = new BetRequest(GameProtos.kind(p.getType()), p.getAmount(), p.getNumber(), p.getOnBet());
        return refusal(game.place(seat, betId, request));
    }

    private static IntentRejection refusal(Optional<Refusal> refusal) {
        return refusal.map(IntentRejection::of).orElse(null);
    }

    private static IntentRejection transfer(TableModel state, int seat, Transfer t) {
        if (!NodeId.isWellFormed(t.getTo())) {
            return IntentRejection.UNKNOWN_PLAYER;
        }
        int to = state.seatOf(NodeId.of(t.getTo()));
        if (to < 0 || to == seat || !state.game().isActive(to)) {
            return IntentRejection.UNKNOWN_PLAYER;
        }
        if (t.getAmount() <= 0) {
            return IntentRejection.INVALID_AMOUNT;
        }
        if (t.getAmount() > state.game().stack(seat)) {
            return IntentRejection.INSUFFICIENT_STACK;
        }
        if (!state.game().transferKeepsBond(seat, t.getAmount())) {
            return IntentRejection.BOND_UNCOVERED;
        }
        return state.game().transfer(seat, to, t.getAmount()) ? null : IntentRejection.INSUFFICIENT_STACK;
    }

    /**
     * Leaving between rolls only: not while a roll's commitments are being recorded or awaiting reveals. Bets still
     * down are settled as for absence (DESIGN 5b: max(face, fair value) for those that may come down, fair value for
     * the others), and the stack plus that settlement is withdrawn.
     */
    private static IntentRejection leave(TableModel state, int seat, boolean rollStarts, Settlement[] settled) {
        if (rollStarts || state.awaitingReveals()) {
            return IntentRejection.NOT_ALLOWED_NOW;
        }
        settled[0] = state.game().depart(seat, false);
        state.refreshActive();
        return null;
    }
}
