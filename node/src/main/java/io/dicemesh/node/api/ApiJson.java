package io.dicemesh.node.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ApplyResult;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.Stall;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.game.BetOutcome;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.node.game.RollResult;
import io.dicemesh.node.game.Settlement;
import io.dicemesh.protocol.Bet;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin API's JSON, one method per answer. Field names are snake_case and stable: clients (the CLI, the
 * simulator's live mesh) read them by name. Ids are lowercase hex; amounts are whole tokens.
 */
final class ApiJson {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private ApiJson() {
    }

    /** An engine refusal ({@link ClientResult.Failed}) with its HTTP status. */
    static Reply failed(ClientResult.Failed f) {
        int status = switch (f.code()) {
            case UNKNOWN_TABLE -> 404;
            case INVALID_REQUEST -> 400;
            case NOT_SEATED, NOT_STARTED, CLOSED -> 409;
            case BUSY -> 503;
        };
        return Reply.error(status, f.code().label(), f.message());
    }

    static JsonObject id(NodeId id) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id.hex());
        return o;
    }

    static JsonObject peers(NodeService.Peers peers) {
        JsonObject o = new JsonObject();
        JsonArray connected = new JsonArray();
        peers.connected().stream().sorted().forEach(p -> connected.add(p.hex()));
        JsonArray known = new JsonArray();
        peers.known().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            JsonObject k = new JsonObject();
            k.addProperty("id", e.getKey().hex());
            k.addProperty("address", e.getValue());
            k.addProperty("connected", peers.connected().contains(e.getKey()));
            known.add(k);
        });
        o.add("connected", connected);
        o.add("known", known);
        return o;
    }

    static JsonObject tableCreated(ClientResult.TableCreated c) {
        JsonObject o = new JsonObject();
        o.addProperty("table", c.table().hex());
        o.addProperty("players", c.players());
        return o;
    }

    static JsonObject joined(ClientResult.Joined j) {
        JsonObject o = new JsonObject();
        o.addProperty("table", j.table().hex());
        o.addProperty("joined", true);
        return o;
    }

    static JsonObject tables(ClientResult.Tables t) {
        JsonArray list = new JsonArray();
        t.tables().stream().sorted((a, b) -> a.table().compareTo(b.table())).forEach(s -> list.add(summary(s)));
        JsonObject o = new JsonObject();
        o.add("tables", list);
        return o;
    }

    static JsonObject balance(ClientResult.Tables t) {
        JsonArray list = new JsonArray();
        t.tables().stream().sorted((a, b) -> a.table().compareTo(b.table())).forEach(s -> {
            JsonObject b = new JsonObject();
            b.addProperty("table", s.table().hex());
            b.addProperty("status", s.status());
            b.addProperty("stack", s.myStack());
            if (s.myEviction() != null) {
                b.add("evicted", evicted(List.of(s.myEviction())).get(0));
            }
            list.add(b);
        });
        JsonObject o = new JsonObject();
        o.add("balances", list);
        return o;
    }

    /** One table as this node sees it: status (active, left, closed, waiting, invited), seq, roll, point. */
    static JsonObject summary(ClientResult.TableSummary s) {
        JsonObject o = new JsonObject();
        o.addProperty("table", s.table().hex());
        o.addProperty("status", s.status());
        o.add("players", hexes(s.players()));
        o.addProperty("seq", s.seq());
        o.addProperty("roll_no", s.rollNo());
        o.addProperty("point", s.point());
        o.addProperty("my_stack", s.myStack());
        o.addProperty("accepts", s.accepts());
        if (s.stall() != null) {
            Stall st = s.stall();
            JsonObject j = new JsonObject();
            j.addProperty("since_ms", st.sinceMs());
            j.addProperty("waiting_on", st.waitingOn());
            j.add("waiting_for", hexes(st.waitingFor()));
            if (st.evictableAtMs() >= 0) {
                j.addProperty("evictable_at_ms", st.evictableAtMs());
            } else {
                j.addProperty("cannot_evict", st.cannotEvict());
            }
            o.add("stalled", j);
        }
        if (!s.evicted().isEmpty()) {
            o.add("evicted", evicted(s.evicted()));
        }
        return o;
    }

    /** A written proof: {out, table?, seq, stack, set_aside, evicted?, bets: [{bet_id, type, face, fair_value, ...}]}. */
    static JsonObject position(io.dicemesh.node.core.Position p, java.nio.file.Path out) {
        JsonObject o = new JsonObject();
        o.addProperty("out", out.toString());
        o.addProperty("player", p.player().hex());
        o.addProperty("seq", p.seq());
        o.addProperty("stack", p.stack());
        o.addProperty("set_aside", p.withdrawn());
        o.addProperty("seated", p.seated());
        if (p.evicted() != null) {
            o.addProperty("evicted", p.evicted());
        }
        JsonArray bets = new JsonArray();
        for (io.dicemesh.node.core.Position.PositionBet b : p.bets()) {
            JsonObject j = new JsonObject();
            j.addProperty("bet_id", b.betId());
            j.addProperty("type", b.type());
            j.addProperty("number", b.number());
            j.addProperty("face", b.face());
            j.addProperty("fair_value", b.fairValue().toString());
            j.addProperty("settlement_value", b.settlementValue().toString());
            bets.add(j);
        }
        o.add("bets", bets);
        return o;
    }

    /** Evicted players: {player, cause, seq, settled (what the bets paid), bond_forfeited, set_aside}. */
    static JsonArray evicted(List<ClientResult.Evicted> evicted) {
        JsonArray a = new JsonArray();
        for (ClientResult.Evicted e : evicted) {
            JsonObject j = new JsonObject();
            j.addProperty("player", e.player().hex());
            j.addProperty("cause", e.cause());
            j.addProperty("seq", e.seq());
            j.addProperty("settled", e.paid());
            j.addProperty("bond_forfeited", e.bondForfeited());
            j.addProperty("set_aside", e.setAside());
            a.add(j);
        }
        return a;
    }

    /** The summary plus the committed state: stacks per player, the felt, the bank, the last dice, the rules. */
    static JsonObject table(ClientResult.TableInfo info) {
        JsonObject o = summary(info.summary());
        TableState s = info.state();
        List<NodeId> players = info.summary().players();
        o.addProperty("bank", s.getBank());
        o.addProperty("total", s.getTotal());
        o.addProperty("shooter", s.getShooter() < players.size() ? players.get(s.getShooter()).hex() : "");
        o.addProperty("awaiting_reveals", s.getRollCommitmentsCount() > 0);
        JsonArray stacks = new JsonArray();
        for (PlayerState p : s.getPlayersList()) {
            JsonObject j = new JsonObject();
            j.addProperty("player", NodeId.of(p.getPlayer()).hex());
            j.addProperty("stack", p.getStack());
            j.addProperty("left", p.getLeft());
            j.addProperty("withdrawn", p.getWithdrawn());
            stacks.add(j);
        }
        o.add("stacks", stacks);
        JsonArray felt = new JsonArray();
        for (Bet b : s.getFeltList()) {
            JsonObject j = new JsonObject();
            j.addProperty("bet_id", b.getId());
            j.addProperty("player", b.getSeat() < players.size() ? players.get(b.getSeat()).hex() : "");
            j.addProperty("type", label(b.getType()));
            j.addProperty("stake", b.getStake());
            j.addProperty("number", b.getNumber());
            j.addProperty("on", b.getOnBet());
            j.addProperty("come_point", b.getComePoint());
            felt.add(j);
        }
        o.add("felt", felt);
        JsonArray dice = new JsonArray();
        s.getLastDiceList().forEach(dice::add);
        o.add("last_dice", dice);
        o.add("rules", rules(s.getRules()));
        return o;
    }

    static JsonObject rules(TableRules r) {
        JsonObject o = new JsonObject();
        o.addProperty("min_bet", r.getMinBet());
        o.addProperty("max_bet", r.getMaxBet());
        OddsMultiples m = r.getOdds();
        JsonObject odds = new JsonObject();
        odds.addProperty("4", m.getFour());
        odds.addProperty("5", m.getFive());
        odds.addProperty("6", m.getSix());
        odds.addProperty("8", m.getEight());
        odds.addProperty("9", m.getNine());
        odds.addProperty("10", m.getTen());
        o.add("odds", odds);
        o.addProperty("view_timeout_ms", r.getViewTimeoutMs());
        o.addProperty("dice_timeout_ms", r.getDiceTimeoutMs());
        o.addProperty("absent_timeout_ms", r.getAbsentTimeoutMs());
        o.addProperty("liars_tolerated", r.getLiarsTolerated());
        o.addProperty("felt_bets_per_seat", CrapsRules.feltBetsPerSeatOf(r.getFeltBetsPerSeat()));
        return o;
    }

    /** A committed intent: 200 when accepted, 409 "refused" with the table's reason when not. */
    static Reply intentDone(ClientResult.IntentDone d) {
        ApplyResult.IntentOutcome o = d.outcome();
        String kind = kindLabel(o.kind());
        if (!o.accepted()) {
            String reason = o.rejection().label();
            JsonObject e = Reply.errorBody("refused", kind.replace("place-bet", "bet") + " refused: " + reason);
            e.addProperty("reason", reason);
            e.addProperty("table", d.table().hex());
            e.addProperty("seq", d.seq());
            e.addProperty("kind", kind);
            return Reply.json(409, e);
        }
        JsonObject j = new JsonObject();
        j.addProperty("table", d.table().hex());
        j.addProperty("seq", d.seq());
        j.addProperty("kind", kind);
        j.addProperty("accepted", true);
        j.addProperty("bet_id", o.betId());
        if (o.settlement() != null) {
            j.add("settlement", settlement(o.settlement()));
        }
        return Reply.ok(j);
    }

    /**
     * A batch of take-downs and bets, all committed in one slot: 200 with each outcome in order ({@code bet_id},
     * or {@code reason} when refused; the take-downs under {@code take_down}) and the counts of bets, since
     * refusals are per item, not of the request.
     */
    static Reply intentsDone(ClientResult.IntentsDone d) {
        JsonObject j = new JsonObject();
        j.addProperty("table", d.table().hex());
        j.addProperty("seq", d.seq());
        JsonArray bets = new JsonArray();
        JsonArray downs = new JsonArray();
        int accepted = 0;
        for (ApplyResult.IntentOutcome o : d.outcomes()) {
            boolean down = o.kind() == Intent.KindCase.TAKE_DOWN;
            JsonObject b = new JsonObject();
            b.addProperty("accepted", o.accepted());
            if (o.accepted()) {
                accepted += down ? 0 : 1;
                b.addProperty("bet_id", o.betId());
            } else {
                b.addProperty("reason", o.rejection().label());
            }
            (down ? downs : bets).add(b);
        }
        j.addProperty("accepted", accepted);
        j.addProperty("refused", bets.size() - accepted);
        j.add("bets", bets);
        if (!downs.isEmpty()) {
            j.add("take_down", downs);
        }
        return Reply.ok(j);
    }

    /** A departure's settlement: each bet at face, fair value and what it was settled for (exact fractions). */
    static JsonObject settlement(Settlement s) {
        JsonObject o = new JsonObject();
        o.addProperty("stack", s.stack());
        o.addProperty("paid", s.paid());
        o.addProperty("bond_forfeited", s.bondForfeited());
        o.addProperty("set_aside", s.setAside());
        JsonArray bets = new JsonArray();
        for (Settlement.SettledBet b : s.bets()) {
            JsonObject one = new JsonObject();
            one.addProperty("bet_id", b.bet().id());
            one.addProperty("type", b.bet().kind().label());
            one.addProperty("face", b.bet().stake());
            one.addProperty("fair_value", b.fairValue().toString());
            one.addProperty("value", b.value().toString());
            one.addProperty("forfeited", b.forfeited());
            bets.add(one);
        }
        o.add("bets", bets);
        return o;
    }

    /** A committed roll; {@code info} (the table after it) names the player of each settled bet, may be null. */
    static JsonObject rolled(ClientResult.Rolled r, ClientResult.TableInfo info) {
        RollResult roll = r.roll().result();
        List<NodeId> players = info == null ? List.of() : info.summary().players();
        JsonObject o = new JsonObject();
        o.addProperty("table", r.table().hex());
        o.addProperty("seq", r.seq());
        o.addProperty("roll_no", r.roll().rollNo());
        JsonArray dice = new JsonArray();
        dice.add(roll.die1());
        dice.add(roll.die2());
        o.add("dice", dice);
        o.addProperty("total", roll.die1() + roll.die2());
        o.addProperty("point_before", roll.pointBefore());
        o.addProperty("point_after", roll.pointAfter());
        o.addProperty("seven_out", roll.sevenOut());
        JsonArray outcomes = new JsonArray();
        for (BetOutcome b : roll.outcomes()) {
            JsonObject j = new JsonObject();
            j.addProperty("bet_id", b.betId());
            j.addProperty("seat", b.seat());
            j.addProperty("player", b.seat() < players.size() ? players.get(b.seat()).hex() : "");
            j.addProperty("outcome", b.outcome().label());
            j.addProperty("stake", b.stake());
            j.addProperty("winnings", b.winnings());
            outcomes.add(j);
        }
        o.add("outcomes", outcomes);
        if (info != null) {
            o.addProperty("my_stack", info.summary().myStack());
        }
        return o;
    }

    static JsonObject history(TableId table, List<NodeService.HistoryEntry> entries) {
        JsonArray list = new JsonArray();
        for (NodeService.HistoryEntry e : entries) {
            JsonObject j = new JsonObject();
            j.addProperty("seq", e.seq());
            if (e.txHash() != null && !e.txHash().isEmpty()) {
                j.addProperty("tx_hash", e.txHash());
            }
            JsonArray lines = new JsonArray();
            e.lines().forEach(lines::add);
            j.add("lines", lines);
            list.add(j);
        }
        JsonObject o = new JsonObject();
        o.addProperty("table", table.hex());
        o.add("entries", list);
        return o;
    }

    static JsonObject audit(LedgerReplay.Report r) {
        JsonObject o = new JsonObject();
        o.addProperty("table", r.table().hex());
        o.addProperty("ok", r.ok());
        JsonArray problems = new JsonArray();
        r.problems().forEach(problems::add);
        o.add("problems", problems);
        o.addProperty("slots_checked", r.slotsChecked());
        o.addProperty("last_seq", r.lastSeq());
        return o;
    }

    /** {@code PLACE_BET} as {@code place-bet}. */
    static String kindLabel(Intent.KindCase kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String label(BetType type) {
        if (type == BetType.BET_TYPE_UNSPECIFIED || type == BetType.UNRECOGNIZED) {
            return "unknown";
        }
        return BetKind.valueOf(type.name()).label();
    }

    private static JsonArray hexes(List<NodeId> ids) {
        JsonArray a = new JsonArray();
        ids.forEach(id -> a.add(id.hex()));
        return a;
    }
}
