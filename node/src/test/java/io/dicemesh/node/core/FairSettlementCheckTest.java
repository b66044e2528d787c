package io.dicemesh.node.core;

import static io.dicemesh.node.core.NodeEngineTest.harness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.invariants.FairSettlement;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fair-settlement invariant bites: fed a real committed Evict tx (or Leave) with one field of its settlement,
 * or of the state after it, off by one token, it reports that field; fed the real one, nothing. The scenarios run
 * under {@link EngineHarness}, which checks every invariant on every step, so the honest run passing is itself the
 * no-false-alarm half.
 */
@Timeout(60)
class FairSettlementCheckTest {
    /** A committed slot and the one before it on the same node and table (whose state is the state before). */
    private record Commit(Event.SlotCommitted before, Event.SlotCommitted slot) {
        Tx tx() {
            try {
                return Tx.parseFrom(slot.tx());
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }

        Commit withTx(UnaryOperator<Tx.Builder> change) {
            return new Commit(before, copy(slot, change.apply(tx().toBuilder()).build(), slot.state()));
        }

        Commit withState(UnaryOperator<TableState.Builder> change) {
            return new Commit(before, copy(slot, tx(), change.apply(slot.state().toBuilder()).build()));
        }

        /** What a fresh invariant reports for this slot. */
        List<String> problems() {
            FairSettlement check = new FairSettlement();
            List<String> out = new ArrayList<>();
            io.dicemesh.crypto.NodeId node = io.dicemesh.crypto.NodeId.of(slot.state().getPlayers(0).getPlayer());
            check.onEvent(node, before, (invariant, n, message) -> out.add(message));
            check.onEvent(node, slot, (invariant, n, message) -> out.add(message));
            return out;
        }

        private static Event.SlotCommitted copy(Event.SlotCommitted c, Tx tx, TableState state) {
            return new Event.SlotCommitted(c.table(), c.seq(), tx.toByteString(), c.txHash(), c.result(), state,
                    c.startedMs(), c.committedMs());
        }
    }

    /** The first slot node 0 committed on table t whose tx matches, with the slot before it. */
    private static Commit commitOf(EngineHarness h, TableId t, Predicate<Tx> which) {
        Event.SlotCommitted prev = null;
        for (Event.SlotCommitted c : h.events(0, Event.SlotCommitted.class)) {
            if (!c.table().equals(t)) {
                continue;
            }
            try {
                if (prev != null && which.test(Tx.parseFrom(c.tx()))) {
                    return new Commit(prev, c);
                }
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            prev = c;
        }
        throw new AssertionError("node 0 committed no such slot");
    }

    private static void reports(Commit c, String what) {
        List<String> problems = c.problems();
        assertTrue(problems.stream().anyMatch(p -> p.contains(what)), "expected a report of '" + what + "': "
                + problems);
    }

    /**
     * Node 2 withholds its reveal with a field bet of 30 (a pair makes it lose: forfeited) and a place 6 of 12 (off
     * on the come-out: settled at max(12, 130/11) = 12) while node 0 has a pass and node 1 a don't pass of 10 each.
     * Its bond: the others' stakes some pair makes lose (10 + 10) plus the most one pair pays them (10) = 30; set
     * aside: its stack 958 - 30 + 12 = 940.
     */
    private static Commit withholding(EngineHarness h) {
        TableId t = EvictionTest.table(h, 3, EvictionTest.RULES);
        EvictionTest.bet(h, 0, t, BetKind.PASS, 10);
        EvictionTest.bet(h, 1, t, BetKind.DONT_PASS, 10);
        EvictionTest.bet(h, 2, t, BetKind.FIELD, 30);
        long place = h.command(2, new ClientRequest.PlaceBet(t, BetKind.PLACE, 12, 6, 0));
        assertTrue(h.runUntil(() -> h.reply(2, place) != null, 5_000), "place bet not answered");
        h.dropIf(m -> m.from() == 2 && (m.kind() == Body.KindCase.DICE_REVEAL
                || m.kind() == Body.KindCase.CERTIFICATE_REPLY
                || (m.kind() == Body.KindCase.PREPARE && EvictionTest.carriesReveals(m.body().getPrepare().getTx()))));
        h.command(0, new ClientRequest.Roll(t));
        assertTrue(h.runUntil(() -> h.state(0, t).getRollCommitmentsCount() == 3
                && h.state(1, t).getRollCommitmentsCount() == 3, 5_000), "the roll's commitments never committed");
        h.crash(2);
        assertTrue(h.runUntil(() -> h.state(0, t).getPlayers(2).getEvicted()
                != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 30_000), "node 2 was never evicted: "
                + h.engine(0).debugState(t));
        return commitOf(h, t, Tx::hasEvict);
    }

    @Test
    void aWithholdersBondAndSetAsideAreRecomputedAndTheStateAfterMustShowThem() {
        try (EngineHarness h = harness(3)) {
            Commit c = withholding(h);
            var e = c.tx().getEvict().getEvictions(0);
            assertTrue(e.getRevealMissing());
            assertEquals(12, e.getPaid());
            assertEquals(30, e.getBondForfeited());
            assertEquals(940, e.getSetAside());
            assertEquals(List.of(), c.problems(), "the honest settlement");

            reports(c.withTx(tx -> {
                tx.getEvictBuilder().getEvictionsBuilder(0).setBondForfeited(31);
                return tx;
            }), "forfeited a bond of 31 where its reveal bond is 30");
            reports(c.withTx(tx -> {
                tx.getEvictBuilder().getEvictionsBuilder(0).setBondForfeited(29);
                return tx;
            }), "forfeited a bond of 29 where its reveal bond is 30");
            reports(c.withTx(tx -> {
                tx.getEvictBuilder().getEvictionsBuilder(0).setSetAside(941);
                return tx;
            }), "set aside 941 where its stack 958 less its bond 30 plus its paid 12 is 940");
            reports(c.withTx(tx -> {
                tx.getEvictBuilder().getEvictionsBuilder(0).setPaid(13);
                return tx;
            }), "paid 13 where its bets are worth 12");
        }
    }

    @Test
    void anEvictionsStateAfterMustShowItsBetsGoneItsStackSetAsideAndTheBankMoved() {
        try (EngineHarness h = harness(3)) {
            Commit c = withholding(h);
            TableState after = c.slot().state();
            long withdrawn = after.getPlayers(2).getWithdrawn();
            reports(c.withState(s -> {
                s.getPlayersBuilder(2).setWithdrawn(withdrawn + 1);
                return s.setBank(after.getBank() - 1);
            }), "set aside 941 to it");
            reports(c.withState(s -> {
                s.getPlayersBuilder(2).setWithdrawn(withdrawn - 1).setStack(1);
                return s;
            }), "with a stack of 1");
            reports(c.withState(s -> s.setBank(after.getBank() + 1)), "the bank went from");
            reports(c.withState(s -> {
                s.getPlayersBuilder(2).setEvictedBond(31);
                return s;
            }), "bond 31; expected");
            reports(c.withState(s -> s.addFelt(c.before().state().getFelt(c.before().state().getFeltCount() - 1))),
                    "leaves its bet");
            reports(c.withState(s -> s.removeFelt(0)), "is not the others' bets before them");
        }
    }

    /**
     * Node 2 has a pass line of 30 on when the point is set (it may not come down: settled at fair value, 2 * 30 *
     * P(point before 7)) and leaves: its Leave is settled as for absence, checked on the state after.
     */
    @Test
    void aLeaveWithBetsDownIsSettledAsForAbsenceAndTheStateAfterMustShowIt() {
        try (EngineHarness h = harness(3)) {
            TableId t = EvictionTest.table(h, 3, EvictionTest.RULES);
            int point = 0;
            for (int tries = 0; tries < 200 && point == 0; tries++) {
                TableState s = h.state(0, t);
                boolean hasPass = s.getFeltList().stream().anyMatch(b -> b.getSeat() == 2
                        && b.getType() == io.dicemesh.protocol.BetType.PASS);
                if (s.getPoint() != 0 && hasPass) {
                    point = s.getPoint();
                    break;
                }
                if (s.getPoint() == 0 && !hasPass) {
                    EvictionTest.bet(h, 2, t, BetKind.PASS, 30);
                }
                long roll = h.command(0, new ClientRequest.Roll(t));
                assertTrue(h.runUntil(() -> h.reply(0, roll) != null, 10_000), "roll not answered");
            }
            assertTrue(point != 0, "no point was ever set with node 2's pass on");
            long leave = h.command(2, new ClientRequest.Leave(t));
            assertTrue(h.runUntil(() -> h.reply(2, leave) != null, 10_000), "leave not answered");
            Commit c = commitOf(h, t, tx -> tx.getIntentBatchesList().stream().anyMatch(env -> {
                try {
                    return Body.parseFrom(env.getBody()).getIntentBatch().getIntentsList().stream()
                            .anyMatch(i -> i.getKindCase() == Intent.KindCase.LEAVE);
                } catch (InvalidProtocolBufferException e) {
                    return false;
                }
            }));
            int ways = switch (point) {
                case 4, 10 -> 3;
                case 5, 9 -> 4;
                default -> 5;
            };
            long paid = 2 * 30 * ways / (6 + ways);
            TableState before = c.before().state();
            TableState after = c.slot().state();
            long stack = before.getPlayers(2).getStack();
            assertEquals(stack + paid, after.getPlayers(2).getWithdrawn() - before.getPlayers(2).getWithdrawn(),
                    "pass on " + point);
            assertEquals(List.of(), c.problems(), "the honest settlement");

            long withdrawn = after.getPlayers(2).getWithdrawn();
            reports(c.withState(s -> {
                s.getPlayersBuilder(2).setWithdrawn(withdrawn + 1);
                return s.setBank(after.getBank() - 1);
            }), "set aside " + (stack + paid + 1) + " to it");
            reports(c.withState(s -> s.setBank(after.getBank() + 1)), "the bank went from");
            reports(c.withState(s -> {
                s.getPlayersBuilder(2).setWithdrawn(withdrawn - 1).setStack(1);
                return s;
            }), "with a stack of 1");
            reports(c.withState(s -> s.addFelt(before.getFeltList().stream().filter(b -> b.getSeat() == 2)
                    .findFirst().orElseThrow())), "leaves its bet");
            reports(c.withState(s -> {
                s.getPlayersBuilder(2).setLeft(false);
                return s;
            }), "left the table where the accepted leaves were of");
        }
    }

    /**
     * Two withholders evicted by one Evict tx: each forfeits its reveal bond as PROTOCOL.md defines it, recomputed
     * from the state before the tx, so neither's bond depends on which of them sits first. Node 0 has a pass of 10,
     * node 3 a field of 30 and node 4 a field of 20 (the field pays 3:1 on 12): node 3's bond is 10 + 20 at risk
     * plus 60 on a 12 = 90; node 4's is 10 + 30 at risk plus 90 on a 12 = 130. The engine used to settle the
     * evictions one after another, reckoning node 4's bond without node 3's bets (20): fair-settlement reported it,
     * and so did swarm seed 7118 (three withholders at a table of seven). Fails with bonds reckoned one by one.
     */
    @Test
    void twoWithholdersEvictedTogetherEachForfeitTheBondReckonedOnTheFeltBeforeTheEvict() {
        try (EngineHarness h = harness(5)) {
            TableId t = h.createTable(List.of(0, 1, 2, 3, 4), 1000, 100_000,
                    EvictionTest.RULES.toBuilder().setLiarsTolerated(0).build());
            EvictionTest.bet(h, 0, t, BetKind.PASS, 10);
            EvictionTest.bet(h, 3, t, BetKind.FIELD, 30);
            EvictionTest.bet(h, 4, t, BetKind.FIELD, 20);
            h.dropIf(m -> (m.from() == 3 || m.from() == 4) && (m.kind() == Body.KindCase.DICE_REVEAL
                    || m.kind() == Body.KindCase.CERTIFICATE_REPLY
                    || (m.kind() == Body.KindCase.PREPARE && EvictionTest.carriesReveals(m.body().getPrepare().getTx()))));
            h.command(0, new ClientRequest.Roll(t));
            assertTrue(h.runUntil(() -> h.state(0, t).getRollCommitmentsCount() == 5
                    && h.state(1, t).getRollCommitmentsCount() == 5 && h.state(2, t).getRollCommitmentsCount() == 5,
                    5_000), "the roll's commitments never committed");
            h.crash(3);
            h.crash(4);
            assertTrue(h.runUntil(() -> h.state(0, t).getPlayers(4).getEvicted()
                    != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 30_000), h.engine(0).debugState(t));
            Tx evict = commitOf(h, t, Tx::hasEvict).tx();
            assertEquals(2, evict.getEvict().getEvictionsCount(), "both in one Evict tx");
            assertEquals(90, evict.getEvict().getEvictions(0).getBondForfeited());
            assertEquals(130, evict.getEvict().getEvictions(1).getBondForfeited());
        }
    }
}
