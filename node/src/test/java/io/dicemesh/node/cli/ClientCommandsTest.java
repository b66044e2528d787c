package io.dicemesh.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every client command against one running node, in human and JSON output, and every kind of bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCommandsTest {
    private static final int ROLLS_MAX = 200;
    private static final String OTHER = "ab".repeat(32);

    /** Static: a per-instance temp dir would only be injected after @BeforeAll. */
    @TempDir
    static Path tmp;

    private Path dir;
    private String me;
    private RunningNode node;

    @BeforeAll
    void startNode() throws Exception {
        dir = tmp.resolve("node");
        assertEquals(0, CliRun.of("init", "--data-dir", dir.toString()).exitCode());
        me = CliRun.of("id", "--data-dir", dir.toString()).out().strip();
        node = RunningNode.start(dir);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** The command with {@code --data-dir} of the running node appended. */
    private CliRun dm(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--data-dir");
        all.add(dir.toString());
        return CliRun.of(all.toArray(String[]::new));
    }

    private CliRun ok(String... args) {
        CliRun run = dm(args);
        assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err());
        assertEquals("", run.err(), String.join(" ", args));
        return run;
    }

    private static JsonObject json(CliRun run) {
        return JsonParser.parseString(run.out()).getAsJsonObject();
    }

    private static void assertFails(CliRun run, int exitCode, String contains) {
        assertEquals(exitCode, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        assertTrue(run.err().startsWith("dicemesh: "), run.err());
        assertTrue(run.err().contains(contains), "want '" + contains + "' in: " + run.err());
        assertEquals("", run.out(), "nothing on stdout");
    }

    private String newTable() {
        String table = ok("table", "create", "--players", me, "--stack", "1000", "--bank", "10000").out().strip();
        assertTrue(table.matches("[0-9a-f]{64}"), table);
        return table;
    }

    /** What must not change when a command is refused: the table's slot and this node's stack. */
    private String state(String table) {
        JsonObject t = json(ok("table", "show", table, "--json"));
        return "seq " + t.get("seq") + " stack " + t.get("my_stack") + " felt " + t.get("felt");
    }

    // ------------------------------------------------------------------ commands

    @Test
    void tableCreateListShowAndBalance() {
        String table = newTable();
        CliRun list = ok("table", "list");
        assertTrue(list.out().startsWith("TABLE"), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(table) && l.contains("active")
                && l.endsWith(" 1000")), list.out());
        assertTrue(json(ok("table", "list", "--json")).getAsJsonArray("tables").toString().contains(table));

        CliRun show = ok("table", "show", table.substring(0, 10));
        assertTrue(show.out().startsWith("table " + table + "\nstatus active, seq 0, roll 1, point off\n"),
                show.out());
        assertTrue(show.out().contains("  " + me + " (me)  stack 1000  shooter\n"), show.out());
        assertTrue(show.out().contains("felt: empty\n"), show.out());
        assertTrue(show.out().contains("rules: bets 5..500, odds 3-4-5-5-4-3x"), show.out());
        JsonObject shown = json(ok("table", "show", table, "--json"));
        assertEquals(1000, shown.getAsJsonArray("stacks").get(0).getAsJsonObject().get("stack").getAsLong());

        assertEquals("1000", ok("balance", table).out().strip());
        assertEquals(1000, json(ok("balance", table, "--json")).get("stack").getAsLong());
        assertTrue(ok("balance").out().contains(table + "  active    1000"), ok("balance").out());
        assertTrue(json(ok("balance", "--json")).getAsJsonArray("balances").size() >= 1);

        JsonObject created = json(ok("table", "create", "--players", me, "--stack", "50", "--bank", "500",
                "--min-bet", "1", "--max-bet", "20", "--odds", "2", "--view-timeout-ms", "800",
                "--absent-timeout-ms", "3000", "--liars-tolerated", "0", "--felt-bets", "250", "--json"));
        String second = created.get("table").getAsString();
        JsonObject rules = json(ok("table", "show", second, "--json")).getAsJsonObject("rules");
        assertEquals(JsonParser.parseString("{\"min_bet\":1,\"max_bet\":20,\"odds\":{\"4\":2,\"5\":2,\"6\":2,"
                + "\"8\":2,\"9\":2,\"10\":2},\"view_timeout_ms\":800,\"dice_timeout_ms\":10000,"
                + "\"absent_timeout_ms\":3000,\"liars_tolerated\":0,\"felt_bets_per_seat\":250}"), rules);
    }

    @Test
    void betDownRollHistoryAndAudit() {
        String table = newTable();
        CliRun bet = ok("bet", table, "pass", "10");
        Matcher m = Pattern.compile("bet (\\d+) placed \\(seq (\\d+)\\)\\R").matcher(bet.out());
        assertTrue(m.matches(), bet.out());
        String passBet = m.group(1);
        JsonObject place = json(ok("bet", table, "place", "12", "6", "--json"));
        assertTrue(place.get("accepted").getAsBoolean());
        long placeBet = place.get("bet_id").getAsLong();
        assertTrue(ok("table", "show", table).out().contains("  bet " + placeBet + " (me) place 6: 12\n"));
        assertEquals(978, Long.parseLong(ok("balance", table).out().strip()));
        assertEquals("bet " + placeBet + " taken down (seq 3)\n", ok("down", table, Long.toString(placeBet)).out());
        assertEquals("place-bet", json(ok("bet", table, "field", "5", "--json")).get("kind").getAsString());

        String settled = null;
        for (int i = 0; i < ROLLS_MAX && settled == null; i++) {
            CliRun roll = ok("roll", table);
            assertTrue(roll.out().matches("(?s)roll \\d+: [1-6]\\+[1-6] = \\d+, .*my stack \\d+\\R"), roll.out());
            for (String line : roll.out().lines().toList()) {
                if (line.startsWith("  bet " + passBet + " (me) ")) {
                    settled = line;
                }
            }
        }
        assertTrue(settled != null && (settled.contains(" win +10") || settled.contains(" lose -10")),
                "the pass bet resolved: " + settled);
        JsonObject roll = json(ok("roll", table.substring(0, 8), "--json"));
        assertEquals(2, roll.getAsJsonArray("dice").size());
        assertTrue(roll.has("outcomes") && roll.has("point_after") && roll.has("my_stack"), roll.toString());

        CliRun history = ok("history", table);
        assertTrue(history.out().startsWith("seq 1\n  " + me.substring(0, 8) + " place-bet accepted (bet " + passBet
                + ")\n"), history.out());
        assertTrue(history.out().contains("dice committed for the next roll"), history.out());
        assertEquals(2, json(ok("history", table, "--limit", "2", "--json")).getAsJsonArray("entries").size());

        CliRun audit = ok("audit", table);
        assertTrue(audit.out().matches("OK: table " + table + ", \\d+ slots checked, last seq \\d+\\R"), audit.out());
        assertTrue(json(ok("audit", table, "--json")).get("ok").getAsBoolean());
    }

    @Test
    void peersInHumanAndJson() {
        assertEquals("no peers known\n", ok("peers").out());
        JsonObject peers = json(ok("peers", "--json"));
        assertEquals(0, peers.getAsJsonArray("connected").size());
        assertEquals(0, peers.getAsJsonArray("known").size());
    }

    @Test
    void aTableWaitingForPlayersShowsWhoIsMissingAndTakesNoBets() {
        String table = ok("table", "create", "--players", me + "," + OTHER, "--stack", "100", "--bank", "1000")
                .out().strip();
        CliRun show = ok("table", "show", table);
        assertTrue(show.out().contains("status waiting (1 of 2 players joined)"), show.out());
        assertTrue(show.out().contains("  " + OTHER + "\n"), show.out());
        assertEquals("waiting", json(ok("table", "show", table, "--json")).get("status").getAsString());
        assertFails(dm("bet", table, "pass", "10"), 1, "it starts when every player joined");
        assertFails(dm("roll", table), 1, "it starts when every player joined");
        assertEquals("joined table " + table + "\n", ok("table", "join", table).out());
        assertEquals("waiting", json(ok("table", "show", table, "--json")).get("status").getAsString());
    }

    @Test
    void leavingATableEndsBettingThere() {
        String table = newTable();
        assertTrue(json(ok("table", "join", table, "--json")).get("joined").getAsBoolean());
        assertTrue(ok("table", "leave", table).out().matches("left table " + table + " \\(seq \\d+\\)\\R"));
        assertFails(dm("bet", table, "pass", "10"), 1, "not seated");
        String second = newTable();
        long stack = json(ok("balance", second, "--json")).get("stack").getAsLong();
        long bet = json(ok("bet", second, "pass", "10", "--json")).get("bet_id").getAsLong();
        String left = ok("table", "leave", second).out();
        // a pass line on the come-out is worth 2 * 10 * 244/495 = 976/99, rounded down to 9
        assertTrue(left.contains("  bet " + bet + " pass 10: fair value 976/99, settled for 976/99\n"), left);
        assertTrue(left.contains("withdrawn " + (stack - 10 + 9) + " (stack " + (stack - 10) + " + bets 9)"), left);
        // Its only player gone, a one-player table is closed.
        assertTrue(ok("table", "list").out().lines().anyMatch(l -> l.startsWith(table + "  closed ")));
    }

    @Test
    void proofWritesThePositionWithTheWholeCertificateChain() throws Exception {
        String table = newTable();
        long bet = json(ok("bet", table, "pass", "10", "--json")).get("bet_id").getAsLong();
        Path out = tmp.resolve("proof.json");
        String said = ok("table", "proof", table, "--out", out.toString()).out();
        assertTrue(said.contains("  bet " + bet + " pass 10: fair value 976/99, settles for 976/99"), said);
        JsonObject proof = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals("dicemesh-position-proof/v1", proof.get("format").getAsString());
        long seq = proof.get("seq").getAsLong();
        assertEquals(seq, proof.getAsJsonArray("log_entries").size(), "every certificate from seq 1");
        assertEquals("976/99", proof.getAsJsonArray("bets").get(0).getAsJsonObject().get("fair_value").getAsString());
        assertFails(dm("table", "proof", table, "--out", out.toString()), 1, "already exists");
        Path theirs = Files.writeString(tmp.resolve("theirs.txt"), "not ours");
        assertFails(dm("table", "proof", table, "--out", theirs.toString()), 1, "already exists");
        assertEquals("not ours", Files.readString(theirs), "a file that was there is never removed");
    }

    @Test
    void backupWritesACheckpointThatANodeStartsFrom() throws Exception {
        String table = newTable();
        ok("bet", table, "field", "5");
        Path out = tmp.resolve("backup");
        CliRun backup = ok("backup", "--out", out.toString());
        assertEquals("backup written to " + out + " (start a node from it: dicemesh run --data-dir " + out + ")\n",
                backup.out());
        assertTrue(Files.exists(out.resolve("node.key")) && Files.isDirectory(out.resolve("ledger")));
        assertFails(dm("backup", "--out", out.toString()), 1, "already exists");
        assertEquals(tmp.resolve("b2").toString(), json(ok("backup", "--out", tmp.resolve("b2").toString(),
                "--json")).get("backup").getAsString());

        try (RunningNode restored = RunningNode.start(out)) {
            assertTrue(restored.out().startsWith("node " + me + " mesh "), "the same node, from its backup");
            CliRun audit = CliRun.of("audit", table, "--data-dir", out.toString());
            assertEquals(0, audit.exitCode(), audit.err());
            assertTrue(audit.out().startsWith("OK: table " + table), audit.out());
            assertEquals(ok("balance", table).out(), CliRun.of("balance", table, "--data-dir", out.toString())
                    .out());
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputIsOneLineWithTheRightExitCodeAndChangesNothing() {
        String table = newTable();
        ok("bet", table, "pass", "10");
        String before = state(table);
        String unknown = "cd".repeat(32);

        assertFails(dm("bet", unknown, "pass", "10"), 1, "unknown table");
        assertFails(dm("bet", "cdcdcd", "pass", "10"), 1, "unknown table cdcdcd");
        assertFails(dm("table", "show", unknown), 1, "unknown table");
        assertFails(dm("audit", unknown), 1, "unknown table");
        assertFails(dm("history", unknown), 1, "unknown table");
        assertFails(dm("roll", unknown), 1, "unknown table");
        assertFails(dm("balance", unknown), 1, "unknown table");
        assertFails(dm("table", "join", unknown), 1, "no invite to table");
        assertFails(dm("bet", "zz", "pass", "10"), 2, "not a table id: 'zz'");
        assertFails(dm("bet", table, "passline", "10"), 2, "unknown bet type 'passline' (one of: pass, dont-pass,");
        assertFails(dm("bet", table, "Pass", "10"), 2, "unknown bet type");
        assertFails(dm("bet", table, "pass", "ten"), 2, "AMOUNT must be a positive whole number, not 'ten'");
        assertFails(dm("bet", table, "pass", "-5"), 2, "AMOUNT must be a positive whole number");
        assertFails(dm("bet", table, "pass", "2.5"), 2, "AMOUNT must be a positive whole number");
        assertFails(dm("bet", table, "place", "10"), 2, "a place bet needs a NUMBER: 4, 5, 6, 8, 9 or 10");
        assertFails(dm("bet", table, "place", "10", "7"), 2, "a place bet takes 4, 5, 6, 8, 9 or 10, not 7");
        assertFails(dm("bet", table, "hard", "10", "5"), 2, "a hard bet takes 4, 6, 8 or 10, not 5");
        assertFails(dm("bet", table, "pass", "10", "6"), 2, "a pass bet takes no NUMBER");
        assertFails(dm("bet", table, "place", "10", "six"), 2, "NUMBER must be a positive whole number");
        assertFails(dm("bet", table, "pass-odds", "10"), 2, "names the pass bet it backs with --on BET-ID");
        assertFails(dm("bet", table, "come-odds", "10", "--on", "x"), 2, "--on must be a positive whole number");
        assertFails(dm("bet", table, "field", "10", "--on", "1"), 2, "only odds bets name a base bet");
        assertFails(dm("bet", table), 2, "Missing required parameter");
        assertFails(dm("down", table, "first"), 2, "BET-ID must be a positive whole number");
        assertFails(dm("history", table, "--limit", "0"), 2, "--limit must be 1 to");
        assertFails(dm("table", "create", "--players", "abc", "--stack", "1", "--bank", "1"), 2, "not a node id");
        assertFails(dm("table", "create", "--players", OTHER, "--stack", "1", "--bank", "1"), 2,
                "--players must include this node's own id " + me);
        assertFails(dm("table", "create", "--players", me, "--stack", "ten", "--bank", "1"), 2, "--stack");
        assertFails(dm("table", "create", "--players", me, "--bank", "1"), 2, "--stack");
        assertFails(dm("table", "create", "--players", me, "--stack", "1", "--bank", "1", "--odds", "3-4"), 2,
                "--odds");
        assertFails(dm("table", "create", "--players", me, "--stack", "1", "--bank", "1", "--min-bet", "0"), 2,
                "--min-bet must be positive");
        assertFails(dm("table", "create", "--players", me, "--stack", "1", "--bank", "1", "--min-bet", "50",
                "--max-bet", "10"), 2, "--min-bet 50 is over --max-bet 10");
        assertFails(dm("table", "create", "--players", me, "--stack", "1", "--bank", "1", "--min-bet", "600"), 1,
                "min_bet <= max_bet");
        assertFails(dm("backup"), 2, "--out");
        assertFails(CliRun.of("table"), 2, "Missing required subcommand");
        assertFails(dm("frobnicate"), 2, "Unmatched argument");
        assertEquals(before, state(table), "nothing changed");
    }

    @Test
    void aBetTheTableRefusesPrintsTheReasonAndLeavesTheStack() {
        String table = newTable();
        long stack = Long.parseLong(ok("balance", table).out().strip());
        assertFails(dm("bet", table, "pass", "501"), 1, "bet refused: over-max");
        assertFails(dm("bet", table, "pass-odds", "10", "--on", "999"), 1, "bet refused: not-allowed-now");
        CliRun refusedJson = dm("bet", table, "pass", "2", "--json");
        assertEquals(1, refusedJson.exitCode());
        assertEquals("under-min", json(refusedJson).get("reason").getAsString());
        assertTrue(refusedJson.err().contains("bet refused: under-min"), refusedJson.err());
        assertEquals(stack, Long.parseLong(ok("balance", table).out().strip()));
    }

    @Test
    void withoutARunningNodeEveryClientCommandSaysHowToStartOne() {
        Path idle = tmp.resolve("idle");
        assertEquals(0, CliRun.of("init", "--data-dir", idle.toString()).exitCode());
        String table = "ef".repeat(32);
        String want = "no dicemesh node is running with data dir " + idle + " (start one with 'dicemesh run "
                + "--data-dir " + idle + "')";
        String[][] commands = {{"peers"}, {"table", "list"}, {"table", "show", table}, {"table", "join", table},
            {"table", "leave", table}, {"table", "create", "--players", OTHER, "--stack", "1", "--bank", "1"},
            {"bet", table, "pass", "10"}, {"down", table, "1"}, {"roll", table}, {"balance"}, {"history", table},
            {"audit", table}, {"backup", "--out", tmp.resolve("never").toString()}};
        for (String[] c : commands) {
            List<String> args = new ArrayList<>(List.of(c));
            args.addAll(List.of("--data-dir", idle.toString(), "--json"));
            assertFails(CliRun.of(args.toArray(String[]::new)), 1, want);
        }
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void aWrongTokenOrAnApiJsonOthersCanReadIsRefused() throws Exception {
        String apiJson = Files.readString(dir.resolve("api.json"));
        Path wrong = Files.createDirectories(tmp.resolve("wrong-token"));
        String token = apiJson.replaceAll("(?s).*\"token\":\"([0-9a-f]+)\".*", "$1").strip();
        Files.writeString(wrong.resolve("api.json"), apiJson.replace(token, "0".repeat(64)));
        Files.setPosixFilePermissions(wrong.resolve("api.json"), PosixFilePermissions.fromString("rw-------"));
        assertFails(CliRun.of("table", "list", "--data-dir", wrong.toString()), 1,
                "the node rejected the API token in " + wrong.resolve("api.json"));
        assertFails(CliRun.of("table", "create", "--players", me, "--stack", "1", "--bank", "1", "--data-dir",
                wrong.toString()), 1, "rejected the API token");

        Path open = Files.createDirectories(tmp.resolve("open"));
        Files.writeString(open.resolve("api.json"), apiJson);
        Files.setPosixFilePermissions(open.resolve("api.json"), PosixFilePermissions.fromString("rw-r--r--"));
        int tables = json(ok("table", "list", "--json")).getAsJsonArray("tables").size();
        assertFails(CliRun.of("table", "create", "--players", me, "--stack", "1", "--bank", "1", "--data-dir",
                open.toString()), 1, "is open to other users");
        assertEquals(tables, json(ok("table", "list", "--json")).getAsJsonArray("tables").size());
    }
}
