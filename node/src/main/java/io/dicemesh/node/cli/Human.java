package io.dicemesh.node.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.List;

/** The client commands' human output: short lines, full ids where people copy them, "(me)" for this node. */
final class Human {
    private Human() {
    }

    static String point(long point) {
        return point == 0 ? "off" : Long.toString(point);
    }

    static String who(String player, String me) {
        return player.equals(me) ? "(me)" : player.isEmpty() ? "?" : player.substring(0, 8);
    }

    static void peers(PrintWriter out, JsonObject peers) {
        JsonArray known = peers.getAsJsonArray("known");
        JsonArray connected = peers.getAsJsonArray("connected");
        if (known.isEmpty() && connected.isEmpty()) {
            out.println("no peers known");
            return;
        }
        out.printf("%-64s  %-21s  %s%n", "PEER", "ADDRESS", "CONNECTED");
        for (JsonElement e : known) {
            JsonObject k = e.getAsJsonObject();
            out.printf("%-64s  %-21s  %s%n", k.get("id").getAsString(), k.get("address").getAsString(),
                    k.get("connected").getAsBoolean() ? "yes" : "no");
        }
        for (JsonElement e : connected) {
            boolean listed = false;
            for (JsonElement k : known) {
                listed |= k.getAsJsonObject().get("id").getAsString().equals(e.getAsString());
            }
            if (!listed) {
                out.printf("%-64s  %-21s  %s%n", e.getAsString(), "?", "yes");
            }
        }
    }

    static void tables(PrintWriter out, JsonObject tables) {
        JsonArray list = tables.getAsJsonArray("tables");
        if (list.isEmpty()) {
            out.println("no tables");
            return;
        }
        out.printf("%-64s  %-8s  %7s  %6s  %5s  %5s  %8s%n", "TABLE", "STATUS", "PLAYERS", "SEQ", "ROLL", "POINT",
                "MY STACK");
        for (JsonElement e : list) {
            JsonObject t = e.getAsJsonObject();
            out.printf("%-64s  %-8s  %7d  %6d  %5d  %5s  %8d%n", t.get("table").getAsString(),
                    t.get("status").getAsString(), t.getAsJsonArray("players").size(), t.get("seq").getAsLong(),
                    t.get("roll_no").getAsLong(), point(t.get("point").getAsLong()), t.get("my_stack").getAsLong());
        }
    }

    /** A table that has not started yet, from its list summary. */
    static void pendingTable(PrintWriter out, JsonObject t, String me) {
        out.println("table " + t.get("table").getAsString());
        out.println("status " + t.get("status").getAsString() + " (" + t.get("accepts").getAsLong() + " of "
                + t.getAsJsonArray("players").size() + " players joined)");
        out.println("players:");
        for (JsonElement p : t.getAsJsonArray("players")) {
            out.println("  " + p.getAsString() + (p.getAsString().equals(me) ? " (me)" : ""));
        }
    }

    /** Why a table cannot commit: since when, whom it waits for, and what the eviction rules say. */
    static void stall(PrintWriter out, JsonObject s) {
        long since = s.get("since_ms").getAsLong();
        long seconds = Math.max(0, (System.currentTimeMillis() - since) / 1000);
        List<String> who = new java.util.ArrayList<>();
        for (JsonElement p : s.getAsJsonArray("waiting_for")) {
            who.add(p.getAsString().substring(0, 12));
        }
        out.println("stalled since " + java.time.Instant.ofEpochMilli(since) + " (" + seconds + " s), waiting for "
                + s.get("waiting_on").getAsString() + (who.isEmpty() ? "" : " of " + String.join(", ", who)));
        if (s.has("evictable_at_ms")) {
            out.println("eviction: the rules allow it from " + java.time.Instant.ofEpochMilli(
                    s.get("evictable_at_ms").getAsLong()) + " (this version does not evict yet)");
        } else {
            out.println("eviction: not possible: " + s.get("cannot_evict").getAsString());
        }
    }

    static void table(PrintWriter out, JsonObject t, String me) {
        out.println("table " + t.get("table").getAsString());
        out.println("status " + t.get("status").getAsString() + ", seq " + t.get("seq").getAsLong() + ", roll "
                + t.get("roll_no").getAsLong() + ", point " + point(t.get("point").getAsLong())
                + (t.get("awaiting_reveals").getAsBoolean() ? ", dice committed, awaiting reveals" : ""));
        if (t.has("stalled")) {
            stall(out, t.getAsJsonObject("stalled"));
        }
        if (t.has("evicted")) {
            for (JsonElement e : t.getAsJsonArray("evicted")) {
                String p = e.getAsJsonObject().get("player").getAsString();
                out.println(p.substring(0, 12) + (p.equals(me) ? " (me)" : "") + " " + eviction(e.getAsJsonObject()));
            }
        }
        out.println("bank " + t.get("bank").getAsLong() + " (table total " + t.get("total").getAsLong() + ")");
        out.println("players:");
        String shooter = t.get("shooter").getAsString();
        for (JsonElement e : t.getAsJsonArray("stacks")) {
            JsonObject p = e.getAsJsonObject();
            String id = p.get("player").getAsString();
            out.println("  " + id + (id.equals(me) ? " (me)" : "") + "  stack " + p.get("stack").getAsLong()
                    + (id.equals(shooter) ? "  shooter" : "")
                    + (p.get("left").getAsBoolean() ? "  left, withdrew " + p.get("withdrawn").getAsLong() : ""));
        }
        JsonArray felt = t.getAsJsonArray("felt");
        out.println(felt.isEmpty() ? "felt: empty" : "felt:");
        for (JsonElement e : felt) {
            out.println("  " + bet(e.getAsJsonObject(), me));
        }
        JsonArray dice = t.getAsJsonArray("last_dice");
        if (dice.size() == 2) {
            out.println("last dice " + dice.get(0).getAsInt() + "+" + dice.get(1).getAsInt());
        }
        JsonObject r = t.getAsJsonObject("rules");
        JsonObject o = r.getAsJsonObject("odds");
        out.println("rules: bets " + r.get("min_bet").getAsLong() + ".." + r.get("max_bet").getAsLong() + ", odds "
                + o.get("4") + "-" + o.get("5") + "-" + o.get("6") + "-" + o.get("8") + "-" + o.get("9") + "-"
                + o.get("10") + "x on 4-5-6-8-9-10, view timeout " + r.get("view_timeout_ms").getAsLong()
                + " ms, dice timeout " + r.get("dice_timeout_ms").getAsLong() + " ms, absent timeout "
                + r.get("absent_timeout_ms").getAsLong() + " ms, liars tolerated " + r.get("liars_tolerated")
                + (r.has("felt_bets_per_seat") ? ", felt " + r.get("felt_bets_per_seat") + " bets a player" : ""));
    }

    private static String bet(JsonObject b, String me) {
        StringBuilder s = new StringBuilder("bet " + b.get("bet_id").getAsLong() + " "
                + who(b.get("player").getAsString(), me) + " " + b.get("type").getAsString());
        long number = b.get("number").getAsLong();
        long on = b.get("on").getAsLong();
        long comePoint = b.get("come_point").getAsLong();
        if (number != 0) {
            s.append(' ').append(number);
        }
        if (on != 0) {
            s.append(" on bet ").append(on);
        }
        if (comePoint != 0) {
            s.append(" (come point ").append(comePoint).append(')');
        }
        return s.append(": ").append(b.get("stake").getAsLong()).toString();
    }

    static void roll(PrintWriter out, JsonObject r, String me) {
        JsonArray dice = r.getAsJsonArray("dice");
        long before = r.get("point_before").getAsLong();
        long after = r.get("point_after").getAsLong();
        String what;
        if (before == 0) {
            what = after == 0 ? "come-out" : "point " + after + " set";
        } else if (r.get("seven_out").getAsBoolean()) {
            what = "seven-out";
        } else {
            what = after == 0 ? "point " + before + " made" : "point " + after;
        }
        out.println("roll " + r.get("roll_no").getAsLong() + ": " + dice.get(0).getAsInt() + "+"
                + dice.get(1).getAsInt() + " = " + r.get("total").getAsInt() + ", " + what);
        for (JsonElement e : r.getAsJsonArray("outcomes")) {
            JsonObject o = e.getAsJsonObject();
            String outcome = o.get("outcome").getAsString();
            long stake = o.get("stake").getAsLong();
            long winnings = o.get("winnings").getAsLong();
            String money = switch (outcome) {
                case "win", "win-stays" -> "+" + winnings;
                case "lose" -> "-" + stake;
                default -> "(" + stake + " back)";
            };
            out.println("  bet " + o.get("bet_id").getAsLong() + " " + who(o.get("player").getAsString(), me) + " "
                    + outcome + " " + money);
        }
        if (r.has("my_stack")) {
            out.println("my stack " + r.get("my_stack").getAsLong());
        }
    }

    static void balances(PrintWriter out, JsonObject b) {
        JsonArray list = b.getAsJsonArray("balances");
        if (list.isEmpty()) {
            out.println("no tables");
            return;
        }
        for (JsonElement e : list) {
            JsonObject t = e.getAsJsonObject();
            out.printf("%s  %-8s  %d%n", t.get("table").getAsString(), t.get("status").getAsString(),
                    t.get("stack").getAsLong());
            if (t.has("evicted")) {
                out.println("  " + eviction(t.getAsJsonObject("evicted")));
            }
        }
    }

    /** "evicted for absence at seq 12: bets settled for 40, set aside 1040" (and any bond forfeited). */
    static String eviction(JsonObject e) {
        long bond = e.get("bond_forfeited").getAsLong();
        return "evicted for " + e.get("cause").getAsString() + " at seq " + e.get("seq").getAsLong()
                + ": bets settled for " + e.get("settled").getAsLong() + (bond > 0 ? ", reveal bond " + bond
                + " forfeited" : "") + ", set aside " + e.get("set_aside").getAsLong();
    }

    static void history(PrintWriter out, JsonObject h) {
        JsonArray entries = h.getAsJsonArray("entries");
        if (entries.isEmpty()) {
            out.println("no slots committed yet");
            return;
        }
        for (JsonElement e : entries) {
            JsonObject s = e.getAsJsonObject();
            out.println("seq " + s.get("seq").getAsLong());
            for (JsonElement line : s.getAsJsonArray("lines")) {
                out.println("  " + line.getAsString());
            }
        }
    }
}
