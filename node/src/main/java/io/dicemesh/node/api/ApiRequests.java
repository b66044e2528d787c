package io.dicemesh.node.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.TableRules;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Request bodies and path parts into client requests, checked field by field. Anything wrong is an
 * {@link ApiError} (400) naming the field, thrown before the node sees the request, so bad input changes nothing.
 * Unknown fields are refused too: a misspelt optional field must not be silently ignored.
 */
final class ApiRequests {
    static final long DEFAULT_MIN_BET = 5;
    static final long DEFAULT_MAX_BET = 500;
    static final int DEFAULT_VIEW_TIMEOUT_MS = 500;
    static final int DEFAULT_DICE_TIMEOUT_MS = 10_000;
    static final int DEFAULT_ABSENT_TIMEOUT_MS = 120_000;
    static final int HISTORY_DEFAULT = 50;
    /** Table players at most (the genesis rules check the real limit; this only bounds the parse). */
    private static final int PLAYERS_PARSE_MAX = 1_000;

    private static final Set<String> BET_FIELDS = Set.of("type", "amount", "number", "on");
    private static final Set<String> TRANSFER_FIELDS = Set.of("to", "amount");
    private static final Set<String> CREATE_FIELDS = Set.of("players", "stack", "stacks", "bank", "rules");
    private static final Set<String> RULE_FIELDS = Set.of("min_bet", "max_bet", "odds", "view_timeout_ms",
            "dice_timeout_ms", "absent_timeout_ms", "liars_tolerated", "felt_bets_per_seat");
    private static final Set<String> ODDS_FIELDS = Set.of("4", "5", "6", "8", "9", "10");
    private static final Set<String> BACKUP_FIELDS = Set.of("out");

    private ApiRequests() {
    }

    /** A body that must be one JSON object (strict JSON, nothing after it). An empty body is {@code {}}. */
    static JsonObject object(String body) {
        if (body.isBlank()) {
            return new JsonObject();
        }
        try {
            JsonReader reader = new JsonReader(new StringReader(body));
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = ApiJson.GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new ApiError(400, "bad-json", "the request body has data after its JSON object");
            }
            if (!e.isJsonObject()) {
                throw new ApiError(400, "bad-json", "the request body must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiError a) {
                throw a;
            }
            throw new ApiError(400, "bad-json", "the request body is not valid JSON" + where(e.getMessage()));
        }
    }

    static TableId table(String hex) {
        try {
            return TableId.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    static ClientRequest.PlaceBet bet(TableId table, JsonObject o) {
        onlyFields(o, BET_FIELDS);
        String type = string(o, "type");
        BetKind kind = BetInput.kind(type).orElseThrow(() -> new ApiError(400, "bad-bet-type",
                BetInput.unknownKind(type)));
        long amount = positive(o, "amount");
        long number = optionalLong(o, "number", 0);
        long on = optionalLong(o, "on", 0);
        if (number < 0 || number > 12 || on < 0) {
            throw ApiError.badRequest(number < 0 || number > 12 ? "number must be a point number, not " + number
                    : "on must be a bet id, not " + on);
        }
        String problem = BetInput.problem(kind, (int) number, on);
        if (problem != null) {
            throw ApiError.badRequest(problem);
        }
        return new ClientRequest.PlaceBet(table, kind, amount, (int) number, on);
    }

    /**
     * {@code {"bets": [bet, ...], "take_down": [bet id, ...]}}: 1 to
     * {@link io.dicemesh.protocol.WireLimits#INTENTS_PER_BATCH_MAX} in all, each bet as {@link #bet} takes one;
     * an error names the item it is in.
     */
    static ClientRequest.PlaceBets bets(TableId table, JsonObject o) {
        onlyFields(o, Set.of("bets", "take_down"));
        JsonArray list = array(o, "bets");
        JsonArray downs = o.has("take_down") ? array(o, "take_down") : new JsonArray();
        int max = io.dicemesh.protocol.WireLimits.INTENTS_PER_BATCH_MAX;
        if (list.size() + downs.size() == 0 || list.size() + downs.size() > max) {
            throw ApiError.badRequest("bets and take_down must list 1 to " + max + " in all, not "
                    + (list.size() + downs.size()));
        }
        List<Long> takeDowns = new ArrayList<>(downs.size());
        for (int i = 0; i < downs.size(); i++) {
            JsonElement e = downs.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw ApiError.badRequest("take_down[" + i + "] must be a bet id");
            }
            takeDowns.add(betId(e.getAsString()));
        }
        List<ClientRequest.PlaceBet> bets = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            try {
                bets.add(bet(table, objectField("bets[" + i + "]", list.get(i))));
            } catch (ApiError e) {
                throw e.at("bets[" + i + "]");
            }
        }
        return new ClientRequest.PlaceBets(table, takeDowns, bets);
    }

    static long betId(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest("not a bet id: '" + text + "'");
    }

    static ClientRequest.Transfer transfer(TableId table, JsonObject o) {
        onlyFields(o, TRANSFER_FIELDS);
        return new ClientRequest.Transfer(table, nodeId("to", string(o, "to")), positive(o, "amount"));
    }

    static ClientRequest.CreateTable createTable(JsonObject o) {
        onlyFields(o, CREATE_FIELDS);
        JsonArray ps = array(o, "players");
        if (ps.isEmpty() || ps.size() > PLAYERS_PARSE_MAX) {
            throw ApiError.badRequest("players must list 1 or more node ids");
        }
        List<NodeId> players = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            JsonElement e = ps.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw ApiError.badRequest("players[" + i + "] must be a node id (64 hex characters)");
            }
            players.add(nodeId("players[" + i + "]", e.getAsString()));
        }
        List<Long> stacks = new ArrayList<>();
        if (o.has("stacks") == o.has("stack")) {
            throw ApiError.badRequest("give either stack (every player's) or stacks (one per player)");
        } else if (o.has("stack")) {
            long stack = nonNegative(o, "stack");
            players.forEach(p -> stacks.add(stack));
        } else {
            JsonArray ss = array(o, "stacks");
            if (ss.size() != players.size()) {
                throw ApiError.badRequest(players.size() + " players but " + ss.size() + " stacks");
            }
            for (int i = 0; i < ss.size(); i++) {
                JsonObject one = new JsonObject();
                one.add("stacks[" + i + "]", ss.get(i));
                stacks.add(nonNegative(one, "stacks[" + i + "]"));
            }
        }
        long bank = nonNegative(o, "bank");
        JsonElement r = o.get("rules");
        JsonObject rules = r == null || r.isJsonNull() ? new JsonObject() : objectField("rules", r);
        return new ClientRequest.CreateTable(List.copyOf(players), List.copyOf(stacks), bank, rules(rules, players.size()));
    }

    /**
     * Table rules for a table of {@code players}; every field optional: bets 5..500, 3-4-5x odds, 500 ms view
     * timeout, 10 s dice timeout, 120 s absent timeout, liars tolerated 0 below 4 players, else 1, and 100 bets a seat
     * on the felt at most.
     */
    static TableRules rules(JsonObject o, int players) {
        onlyFields(o, RULE_FIELDS);
        long min = optionalLong(o, "min_bet", DEFAULT_MIN_BET);
        long max = optionalLong(o, "max_bet", DEFAULT_MAX_BET);
        long view = optionalLong(o, "view_timeout_ms", DEFAULT_VIEW_TIMEOUT_MS);
        long dice = optionalLong(o, "dice_timeout_ms", DEFAULT_DICE_TIMEOUT_MS);
        long absent = optionalLong(o, "absent_timeout_ms", DEFAULT_ABSENT_TIMEOUT_MS);
        long liars = optionalLong(o, "liars_tolerated", defaultLiarsTolerated(players));
        long feltBets = optionalLong(o, "felt_bets_per_seat", CrapsRules.FELT_BETS_PER_SEAT_DEFAULT);
        if (min < 1 || max < min) {
            throw ApiError.badRequest("bet limits must satisfy 1 <= min_bet <= max_bet");
        }
        if (view < 1 || view > Integer.MAX_VALUE || dice < 1 || dice > Integer.MAX_VALUE || absent < 1
                || absent > Integer.MAX_VALUE) {
            throw ApiError.badRequest("timeouts must be positive milliseconds");
        }
        if (liars < 0 || liars > Integer.MAX_VALUE) {
            throw ApiError.badRequest("liars_tolerated must be a non-negative count");
        }
        if (feltBets < 1 || feltBets > CrapsRules.FELT_BETS_PER_SEAT_MAX) {
            throw ApiError.badRequest("felt_bets_per_seat must be 1 to " + CrapsRules.FELT_BETS_PER_SEAT_MAX);
        }
        return TableRules.newBuilder().setMinBet(min).setMaxBet(max).setOdds(odds(o.get("odds")))
                .setViewTimeoutMs((int) view).setDiceTimeoutMs((int) dice).setAbsentTimeoutMs((int) absent)
                .setLiarsTolerated((int) liars)
                // the default stays unset: a default table's genesis is as it was before the rule, which older
                // builds also take
                .setFeltBetsPerSeat(feltBets == CrapsRules.FELT_BETS_PER_SEAT_DEFAULT ? 0 : (int) feltBets).build();
    }

    /** DESIGN 5b: no liar tolerated at 3 players or fewer (else no eviction could ever pass), one from 4 on. */
    static int defaultLiarsTolerated(int players) {
        return players >= 4 ? 1 : 0;
    }

    /** Odds multiples: absent (3-4-5x), one number for every point, or {"4": m, ..., "10": m} over 3-4-5x. */
    private static OddsMultiples odds(JsonElement e) {
        long[] m = {3, 4, 5, 5, 4, 3};
        if (e != null && !e.isJsonNull()) {
            if (e.isJsonObject()) {
                JsonObject o = e.getAsJsonObject();
                onlyFields(o, ODDS_FIELDS);
                String[] keys = {"4", "5", "6", "8", "9", "10"};
                for (int i = 0; i < keys.length; i++) {
                    m[i] = optionalLong(o, keys[i], m[i]);
                }
            } else {
                JsonObject one = new JsonObject();
                one.add("odds", e);
                java.util.Arrays.fill(m, optionalLong(one, "odds", 0));
            }
        }
        for (long v : m) {
            if (v < 1 || v > 1_000) {
                throw ApiError.badRequest("odds multiples must be 1 to 1000, not " + v);
            }
        }
        return OddsMultiples.newBuilder().setFour((int) m[0]).setFive((int) m[1]).setSix((int) m[2])
                .setEight((int) m[3]).setNine((int) m[4]).setTen((int) m[5]).build();
    }

    static Path backupOut(JsonObject o) {
        onlyFields(o, BACKUP_FIELDS);
        String out = string(o, "out");
        Path p;
        try {
            p = Path.of(out);
        } catch (java.nio.file.InvalidPathException e) {
            throw ApiError.badRequest("out is not a path: '" + out + "'");
        }
        if (!p.isAbsolute()) {
            throw ApiError.badRequest("out must be an absolute path (the node's working directory is not yours)");
        }
        return p.normalize();
    }

    static int limit(List<String> values) {
        if (values == null || values.isEmpty()) {
            return HISTORY_DEFAULT;
        }
        try {
            int n = Integer.parseInt(values.get(0));
            if (n >= 1 && n <= AdminServer.HISTORY_LIMIT_MAX) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest("limit must be 1 to " + AdminServer.HISTORY_LIMIT_MAX + ", not '" + values.get(0)
                + "'");
    }

    // ------------------------------------------------------------------ fields

    private static void onlyFields(JsonObject o, Set<String> known) {
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                throw ApiError.badRequest("unknown field '" + key + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static NodeId nodeId(String field, String hex) {
        try {
            return NodeId.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(field + ": " + e.getMessage());
        }
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw ApiError.badRequest("missing field '" + key + "'");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiError.badRequest(key + " must be a string");
        }
        return e.getAsString();
    }

    private static JsonArray array(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) {
            throw ApiError.badRequest(key + " must be a list");
        }
        return e.getAsJsonArray();
    }

    private static JsonObject objectField(String key, JsonElement e) {
        if (!e.isJsonObject()) {
            throw ApiError.badRequest(key + " must be an object");
        }
        return e.getAsJsonObject();
    }

    private static long positive(JsonObject o, String key) {
        long v = requiredLong(o, key);
        if (v <= 0) {
            throw ApiError.badRequest(key + " must be a positive whole number, not " + v);
        }
        return v;
    }

    private static long nonNegative(JsonObject o, String key) {
        long v = requiredLong(o, key);
        if (v < 0) {
            throw ApiError.badRequest(key + " must not be negative");
        }
        return v;
    }

    private static long requiredLong(JsonObject o, String key) {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            throw ApiError.badRequest("missing field '" + key + "'");
        }
        return optionalLong(o, key, 0);
    }

    /** A JSON integer (no fraction, within a long); {@code dflt} when absent or null. */
    private static long optionalLong(JsonObject o, String key, long dflt) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return dflt;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiError.badRequest(key + " must be a whole number, not " + e);
        }
        try {
            return new BigDecimal(e.getAsString()).longValueExact();
        } catch (ArithmeticException | NumberFormatException x) {
            throw ApiError.badRequest(key + " must be a whole number, not " + e.getAsString());
        }
    }

    /** " (line L, column C)" from a Gson parse error, or nothing. */
    private static String where(String gsonMessage) {
        java.util.regex.Matcher m = gsonMessage == null ? null
                : java.util.regex.Pattern.compile("line (\\d+) column (\\d+)").matcher(gsonMessage);
        return m != null && m.find() ? " (line " + m.group(1) + ", column " + m.group(2) + ")" : "";
    }
}
