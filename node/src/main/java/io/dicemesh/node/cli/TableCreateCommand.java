package io.dicemesh.node.cli;

import com.google.gson.JsonObject;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Propose a table to its players and print its id. It starts once every player joined "
                + "(each with 'dicemesh table join', or automatically where invites are auto-accepted).",
            "Rules default to bets 5..500, 3-4-5x odds, a 500 ms view timeout and a 10 s dice timeout."})
final class TableCreateCommand extends ClientCommand {
    @Option(names = "--players", required = true, split = ",", paramLabel = "ID",
            description = "The players' node ids (64 hex characters each), this node's own included.")
    List<String> players;

    @Option(names = "--stack", required = true, paramLabel = "N", description = "Every player's starting stack.")
    long stack;

    @Option(names = "--bank", required = true, paramLabel = "N", description = "The bank roll.")
    long bank;

    @Option(names = "--min-bet", paramLabel = "N", description = "Smallest bet (default 5).")
    Long minBet;

    @Option(names = "--max-bet", paramLabel = "N", description = "Largest bet (default 500).")
    Long maxBet;

    @Option(names = "--odds", paramLabel = "ODDS",
            description = "Odds multiples: 3-4-5 (the default: 3x on 4 and 10, 4x on 5 and 9, 5x on 6 and 8), "
                    + "one number for every point, or six numbers for 4,5,6,8,9,10 separated by commas.")
    String odds;

    @Option(names = "--view-timeout-ms", paramLabel = "MS", description = "First view's timeout (default 500).")
    Long viewTimeoutMs;

    @Option(names = "--dice-timeout-ms", paramLabel = "MS",
            description = "How long a missing reveal is awaited before its player counts as a withholder "
                    + "(1000..3600000, default 10000).")
    Long diceTimeoutMs;

    @Option(names = "--absent-timeout-ms", paramLabel = "MS",
            description = "Silence after which a player may be evicted for absence while the table cannot commit "
                    + "(1000..3600000, default 120000).")
    Long absentTimeoutMs;

    @Option(names = "--liars-tolerated", paramLabel = "F",
            description = "Lying players an eviction must survive: evicting needs 2q - n > F stayers "
                    + "(default 0 for up to 3 players, 1 for 4 or more).")
    Long liarsTolerated;

    @Option(names = "--felt-bets", paramLabel = "N",
            description = "Most bets one player may have on the felt at once, 1..4096 (default 100).")
    Long feltBets;

    private final List<String> ids = new ArrayList<>();
    private JsonObject rules;

    @Override
    void check() {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String p : players) {
            try {
                String id = NodeId.fromHex(p).hex();
                if (!seen.add(id)) {
                    throw usage("player " + id + " is listed twice");
                }
            } catch (IllegalArgumentException e) {
                throw usage("--players: " + e.getMessage());
            }
        }
        ids.addAll(seen);
        if (stack < 0 || bank < 0) {
            throw usage("--stack and --bank must not be negative");
        }
        rules = new JsonObject();
        positive("--min-bet", minBet, "min_bet");
        positive("--max-bet", maxBet, "max_bet");
        positive("--view-timeout-ms", viewTimeoutMs, "view_timeout_ms");
        positive("--dice-timeout-ms", diceTimeoutMs, "dice_timeout_ms");
        positive("--absent-timeout-ms", absentTimeoutMs, "absent_timeout_ms");
        positive("--felt-bets", feltBets, "felt_bets_per_seat");
        if (liarsTolerated != null) {
            if (liarsTolerated < 0) {
                throw usage("--liars-tolerated must not be negative");
            }
            rules.addProperty("liars_tolerated", liarsTolerated);
        }
        if (minBet != null && maxBet != null && minBet > maxBet) {
            throw usage("--min-bet " + minBet + " is over --max-bet " + maxBet);
        }
        if (odds != null) {
            rules.add("odds", odds(odds));
        }
    }

    private void positive(String option, Long value, String key) {
        if (value != null) {
            if (value <= 0) {
                throw usage(option + " must be positive, not " + value);
            }
            rules.addProperty(key, value);
        }
    }

    private JsonObject odds(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.equals("3-4-5") ? new String[] {"3", "4", "5", "5", "4", "3"}
                : t.contains(",") ? t.split(",", -1) : new String[] {t, t, t, t, t, t};
        if (parts.length != 6) {
            throw usage("--odds takes 3-4-5, one number, or six numbers for 4,5,6,8,9,10; not '" + text + "'");
        }
        String[] points = {"4", "5", "6", "8", "9", "10"};
        JsonObject o = new JsonObject();
        for (int i = 0; i < 6; i++) {
            o.addProperty(points[i], positiveLong("--odds", parts[i]));
        }
        return o;
    }

    @Override
    int run(ApiClient api) throws ApiException {
        String me = api.id().get("id").getAsString();
        if (!ids.contains(me)) {
            throw usage("--players must include this node's own id " + me + " (a table seats its creator)");
        }
        JsonObject created = api.createTable(ids, stack, bank, rules);
        if (json) {
            printJson(created);
        } else {
            out().println(str(created, "table"));
        }
        return 0;
    }
}
