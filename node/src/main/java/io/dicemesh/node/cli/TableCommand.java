package io.dicemesh.node.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import picocli.CommandLine.Command;

@Command(name = "table", mixinStandardHelpOptions = true,
        description = "Create, list, show, join and leave tables, and export this node's provable position.",
        subcommands = {TableCreateCommand.class, TableCommand.ListTables.class, TableCommand.Show.class,
            TableCommand.Join.class, TableCommand.Leave.class, TableCommand.Proof.class})
final class TableCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List this node's tables: started, waiting for players, or invited to.")
    static final class ListTables extends ClientCommand {
        @Override
        int run(ApiClient api) throws ApiException {
            JsonObject tables = api.tables();
            if (json) {
                printJson(tables);
            } else {
                Human.tables(out(), tables);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a table: stacks, the felt, the point, the last dice and the rules.")
    static final class Show extends TableClientCommand {
        @Override
        int run(ApiClient api) throws ApiException {
            String id = tableId(api, table);
            String me = api.id().get("id").getAsString();
            try {
                JsonObject t = api.table(id);
                if (json) {
                    printJson(t);
                } else {
                    Human.table(out(), t, me);
                }
            } catch (ApiException e) {
                if (!"not-started".equals(e.code())) {
                    throw e;
                }
                JsonObject pending = summary(api, id);
                if (json) {
                    printJson(pending);
                } else {
                    Human.pendingTable(out(), pending, me);
                }
            }
            return 0;
        }

        private static JsonObject summary(ApiClient api, String id) throws ApiException {
            for (JsonElement t : api.tables().getAsJsonArray("tables")) {
                if (t.getAsJsonObject().get("table").getAsString().equals(id)) {
                    return t.getAsJsonObject();
                }
            }
            throw new ApiException(404, "unknown-table", "unknown table " + id, null);
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = "Accept an invite to a table (needed unless the node auto-accepts invites).")
    static final class Join extends TableClientCommand {
        @Override
        int run(ApiClient api) throws ApiException {
            JsonObject joined = api.join(tableId(api, table));
            if (json) {
                printJson(joined);
            } else {
                out().println("joined table " + str(joined, "table"));
            }
            return 0;
        }
    }

    @Command(name = "leave", mixinStandardHelpOptions = true,
            description = "Leave a table between rolls; bets still down are settled (max(face, fair value) for "
                    + "those that may come down, fair value for the others) and the stack is withdrawn.")
    static final class Leave extends TableClientCommand {
        @Override
        int run(ApiClient api) throws ApiException {
            JsonObject left = api.leave(tableId(api, table));
            if (json) {
                printJson(left);
            } else {
                out().println("left table " + str(left, "table") + " (seq " + num(left, "seq") + ")");
                if (left.has("settlement") && !left.getAsJsonObject("settlement").getAsJsonArray("bets").isEmpty()) {
                    JsonObject s = left.getAsJsonObject("settlement");
                    for (var b : s.getAsJsonArray("bets")) {
                        JsonObject bet = b.getAsJsonObject();
                        out().println("  bet " + num(bet, "bet_id") + " " + str(bet, "type") + " " + num(bet, "face")
                                + ": fair value " + str(bet, "fair_value") + ", settled for " + str(bet, "value"));
                    }
                    out().println("withdrawn " + num(s, "set_aside") + " (stack " + num(s, "stack") + " + bets "
                            + num(s, "paid") + ")");
                }
            }
            return 0;
        }
    }

    @Command(name = "proof", mixinStandardHelpOptions = true,
            description = {"Export this node's provable position at a table to a new file: its stack, what is set "
                + "aside to it, each bet at face, fair value and settlement value, with the genesis record and "
                + "every certificate from seq 1, so anyone can check it (for an adjudicator when a table is "
                + "stalled).", "Default file: dicemesh-proof-TABLE-seqN.json in the current directory."})
    static final class Proof extends TableClientCommand {
        @picocli.CommandLine.Option(names = "--out", paramLabel = "FILE", description = "Where to write it (new).")
        java.nio.file.Path outFile;

        @Override
        int run(ApiClient api) throws ApiException {
            String id = tableId(api, table);
            java.nio.file.Path out = outFile;
            if (out == null) {
                long seq = api.table(id).get("seq").getAsLong();
                out = java.nio.file.Path.of("dicemesh-proof-" + id.substring(0, 12) + "-seq" + seq + ".json");
            }
            JsonObject p = api.proof(id, out);
            if (json) {
                printJson(p);
            } else {
                out().println("position at seq " + num(p, "seq") + " written to " + str(p, "out"));
                out().println("stack " + num(p, "stack") + ", set aside " + num(p, "set_aside")
                        + (p.has("evicted") ? ", evicted for " + str(p, "evicted") : ""));
                for (var b : p.getAsJsonArray("bets")) {
                    JsonObject bet = b.getAsJsonObject();
                    out().println("  bet " + num(bet, "bet_id") + " " + str(bet, "type") + " " + num(bet, "face")
                            + ": fair value " + str(bet, "fair_value") + ", settles for "
                            + str(bet, "settlement_value"));
                }
            }
            return 0;
        }
    }
}
