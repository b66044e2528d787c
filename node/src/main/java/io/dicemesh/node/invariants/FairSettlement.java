package io.dicemesh.node.invariants;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ApplyResult;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.core.TableStates;
import io.dicemesh.node.game.Bet;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Eviction;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * DESIGN 5b's settlement, recomputed for every committed departure from the state before it, without the engine's
 * settlement code ({@link Departures}, {@link BetFates}). For an Evict tx, each eviction's stated {@code paid},
 * {@code bond_forfeited} (its reveal bond reckoned on the felt before the tx, capped by its stack, when its reveal
 * is missing) and {@code set_aside} must be exactly the recomputed ones, and the state after must show them: the
 * evicted player's bets gone (the others' untouched), its stack 0 and its withdrawn grown by its set-aside, its
 * eviction recorded with that paid and bond, and the bank changed by exactly sum(stakes - paid + bond). A committed
 * Leave settles its player's bets as for absence: the tx's accepted intents are replayed in order on the game (its
 * ApplyResult says which were accepted) up to each Leave, which is settled there, and the state after must show the
 * same settlement and bank.
 */
public final class FairSettlement implements Invariant {
    private final LastStates last = new LastStates();

    @Override
    public String name() {
        return "fair-settlement";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
        if (!(event instanceof Event.SlotCommitted c)) {
            return;
        }
        TableState before = last.get(node, c.table());
        last.put(node, c.table(), c.state());
        if (before == null) {
            return;
        }
        Tx tx;
        try {
            tx = Tx.parseFrom(c.tx());
        } catch (InvalidProtocolBufferException e) {
            return; // HashChain reports it
        }
        String where = "seq " + c.seq() + ": ";
        if (tx.hasEvict()) {
            checkEvict(before, c.state(), c.seq(), tx, problems(name(), node, where, out));
        } else if (tx.getIntentBatchesCount() > 0) {
            checkLeaves(before, c.state(), tx, c.result(), problems(name(), node, where, out));
        }
    }

    @Override
    public void onRestart(NodeId node, NodeEngine engine, KvReader store, Violations out) {
        last.reload(node, engine);
    }

    /** Where one event's problems go. */
    @FunctionalInterface
    private interface Problems {
        void report(String message);
    }

    private static Problems problems(String name, NodeId node, String where, Violations out) {
        return message -> out.report(name, node, where + message);
    }

    private static void checkEvict(TableState before, TableState after, long seq, Tx tx, Problems out) {
        CrapsTable game = TableStates.game(before);
        BetFates fates = new BetFates(game.rules());
        List<Bet> felt = game.felt();
        long bank = game.bank();
        TreeSet<Integer> gone = new TreeSet<>();
        for (Eviction e : tx.getEvict().getEvictionsList()) {
            int seat = seatOf(before, e.getPlayer());
            if (seat < 0 || !game.isActive(seat) || !gone.add(seat)) {
                out.report("an eviction names no active player of the table, or one twice");
                return;
            }
            String who = "the eviction of " + NodeId.of(e.getPlayer());
            Departures.Departure d = Departures.settle(fates, game.rules(), game.seats(), game.point(), felt, felt,
                    seat, game.stack(seat), bank, e.getRevealMissing());
            if (e.getPaid() != d.paid()) {
                out.report(who + " paid " + e.getPaid() + " where its bets are worth " + d.paid());
            }
            if (e.getBondForfeited() != d.bond()) {
                out.report(who + " forfeited a bond of " + e.getBondForfeited() + " where its reveal bond is "
                        + d.bond() + " (reveal missing: " + e.getRevealMissing() + ", stack " + game.stack(seat) + ")");
            }
            if (e.getSetAside() != d.setAside()) {
                out.report(who + " set aside " + e.getSetAside() + " where its stack " + game.stack(seat)
                        + " less its bond " + d.bond() + " plus its paid " + d.paid() + " is " + d.setAside());
            }
            PlayerState p = after.getPlayers(seat);
            if (p.getEvicted() != e.getCause() || p.getEvictedSeq() != seq || p.getEvictedPaid() != d.paid()
                    || p.getEvictedBond() != d.bond()) {
                out.report(who + " is recorded as cause " + p.getEvicted() + " at seq " + p.getEvictedSeq()
                        + ", paid " + p.getEvictedPaid() + ", bond " + p.getEvictedBond() + "; expected " + e.getCause()
                        + ", " + seq + ", " + d.paid() + ", " + d.bond());
            }
            checkDeparted(before, after, seat, d, who, out);
            bank = d.bankAfter();
        }
        checkFeltWithout(before, after, gone, out);
        checkBank(before, after, bank, out);
    }

    /**
     * Replays the tx's accepted intents on the game from the state before it (placing, taking down, transferring),
     * settling each Leave where it falls; then the state after must show each such departure and the bank.
     */
    private static void checkLeaves(TableState before, TableState after, Tx tx, ApplyResult result, Problems out) {
        TreeSet<Integer> left = new TreeSet<>();
        for (int i = 0; i < before.getPlayersCount(); i++) {
            if (!before.getPlayers(i).getLeft() && after.getPlayers(i).getLeft()) {
                left.add(i);
            }
        }
        boolean anyLeave = result.intents().stream()
                .anyMatch(o -> o.accepted() && o.kind() == Intent.KindCase.LEAVE);
        if (left.isEmpty() && !anyLeave) {
            return;
        }
        CrapsTable game = TableStates.game(before);
        BetFates fates = new BetFates(game.rules());
        Map<Integer, Departures.Departure> leaves = new LinkedHashMap<>();
        Iterator<ApplyResult.IntentOutcome> outcomes = result.intents().iterator();
        for (Envelope env : tx.getIntentBatchesList()) {
            List<Intent> intents;
            try {
                intents = Body.parseFrom(env.getBody()).getIntentBatch().getIntentsList();
            } catch (InvalidProtocolBufferException e) {
                return; // OwnerConsent reports it
            }
            for (Intent intent : intents) {
                if (!outcomes.hasNext()) {
                    out.report("the tx has more intents than its apply result");
                    return;
                }
                ApplyResult.IntentOutcome o = outcomes.next();
                if (!o.accepted()) {
                    continue;
                }
                int seat = seatOf(before, o.player().byteString());
                String bad = seat < 0 || intent.getKindCase() != o.kind() ? "does not match the tx"
                        : replay(before, game, seat, o, intent);
                if (bad != null) {
                    out.report("accepted intent " + o.intentId() + " of " + o.player() + " (" + o.kind() + ") "
                            + bad + ": the leave is not checked");
                    return;
                }
                if (intent.getKindCase() == Intent.KindCase.LEAVE) {
                    Departures.Departure d = Departures.settle(fates, game.rules(), game.seats(), game.point(),
                            game.felt(), game.felt(), seat, game.stack(seat), game.bank(), false);
                    leaves.put(seat, d);
                    game = without(game, seat, d);
                }
            }
        }
        if (!left.equals(new TreeSet<>(leaves.keySet()))) {
            out.report("seats " + left + " left the table where the accepted leaves were of " + leaves.keySet());
            return;
        }
        for (Map.Entry<Integer, Departures.Departure> l : leaves.entrySet()) {
            checkDeparted(before, after, l.getKey(), l.getValue(),
                    "the leave of " + NodeId.of(before.getPlayers(l.getKey()).getPlayer()), out);
        }
        checkBank(before, after, game.bank(), out);
    }

    /** Applies one accepted intent other than a Leave to the replayed game; null, or why it could not. */
    private static String replay(TableState before, CrapsTable game, int seat, ApplyResult.IntentOutcome o, Intent intent) {
        return switch (intent.getKindCase()) {
            case PLACE_BET -> game.place(seat, o.betId(), TableStates.betRequest(intent.getPlaceBet()))
                    .map(r -> "is refused on replay: " + r).orElse(null);
            case TAKE_DOWN -> game.takeDown(seat, intent.getTakeDown().getBetId())
                    .map(r -> "is refused on replay: " + r).orElse(null);
            case TRANSFER -> {
                int to = seatOf(before, intent.getTransfer().getTo());
                yield to >= 0 && to != seat && game.isActive(to)
                        && game.transfer(seat, to, intent.getTransfer().getAmount()) ? null : "is refused on replay";
            }
            case LEAVE -> game.isActive(seat) ? null : "comes from a seat that is not active";
            case KIND_NOT_SET -> "has no kind";
        };
    }

    /** The game once {@code seat} departed with {@code d}: its bets off the felt, its stack set aside. */
    private static CrapsTable without(CrapsTable game, int seat, Departures.Departure d) {
        int n = game.seats();
        long[] stacks = new long[n];
        long[] withdrawn = new long[n];
        boolean[] active = new boolean[n];
        for (int i = 0; i < n; i++) {
            stacks[i] = game.stack(i);
            withdrawn[i] = game.withdrawn(i);
            active[i] = game.isActive(i);
        }
        stacks[seat] = 0;
        withdrawn[seat] += d.setAside();
        active[seat] = false;
        List<Bet> felt = new ArrayList<>();
        for (Bet b : game.felt()) {
            if (b.seat() != seat) {
                felt.add(b);
            }
        }
        int shooter = game.shooter();
        for (int step = 1; step <= n && !active[shooter]; step++) {
            shooter = (seat + step) % n;
        }
        if (!active[shooter]) {
            shooter = seat; // nobody plays on
        }
        return CrapsTable.restore(game.rules(), stacks, d.bankAfter(), withdrawn, active, game.point(), shooter, felt,
                game.nextBetId());
    }

    /** The state after shows the departure: no bets, stack 0, withdrawn grown by exactly its set-aside. */
    private static void checkDeparted(TableState before, TableState after, int seat, Departures.Departure d,
            String who, Problems out) {
        PlayerState was = before.getPlayers(seat);
        PlayerState now = after.getPlayers(seat);
        if (!now.getLeft() || now.getStack() != 0) {
            out.report(who + " leaves it seated (left " + now.getLeft() + ") with a stack of " + now.getStack());
        }
        if (now.getWithdrawn() - was.getWithdrawn() != d.setAside()) {
            out.report(who + " set aside " + (now.getWithdrawn() - was.getWithdrawn()) + " to it (withdrawn "
                    + was.getWithdrawn() + " -> " + now.getWithdrawn() + ") where its settlement sets aside "
                    + d.setAside());
        }
        for (io.dicemesh.protocol.Bet b : after.getFeltList()) {
            if (b.getSeat() == seat) {
                out.report(who + " leaves its bet " + b.getId() + " on the felt");
            }
        }
    }

    /** An Evict tx takes the evicted players' bets off the felt and changes nothing else on it. */
    private static void checkFeltWithout(TableState before, TableState after, TreeSet<Integer> gone, Problems out) {
        List<io.dicemesh.protocol.Bet> stay = new ArrayList<>();
        for (io.dicemesh.protocol.Bet b : before.getFeltList()) {
            if (!gone.contains(b.getSeat())) {
                stay.add(b);
            }
        }
        if (!stay.equals(after.getFeltList())) {
            out.report("the felt after the evictions of seats " + gone + " is not the others' bets before them: "
                    + after.getFeltList().size() + " bets where " + stay.size() + " stay");
        }
    }

    private static void checkBank(TableState before, TableState after, long expected, Problems out) {
        if (after.getBank() != expected) {
            out.report("the bank went from " + before.getBank() + " to " + after.getBank() + " where the departures"
                    + " leave it " + expected + " (each: + stakes - paid + bond)");
        }
    }

    private static int seatOf(TableState s, com.google.protobuf.ByteString player) {
        for (int i = 0; i < s.getPlayersCount(); i++) {
            if (s.getPlayers(i).getPlayer().equals(player)) {
                return i;
            }
        }
        return -1;
    }
}
