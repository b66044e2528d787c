package io.dicemesh.node.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "balance", mixinStandardHelpOptions = true,
        description = "This node's stack at every table, or at one table (then just the number).")
final class BalanceCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TABLE", description = "Table id (or its first 4+ "
            + "characters).")
    String table;

    @Override
    void check() {
        if (table != null) {
            checkTable(table);
        }
    }

    @Override
    int run(ApiClient api) throws ApiException {
        JsonObject balances = api.balance();
        if (table == null) {
            if (json) {
                printJson(balances);
            } else {
                Human.balances(out(), balances);
            }
            return 0;
        }
        String id = tableId(api, table);
        for (JsonElement e : balances.getAsJsonArray("balances")) {
            JsonObject b = e.getAsJsonObject();
            if (str(b, "table").equals(id)) {
                if (json) {
                    printJson(b);
                } else {
                    out().println(num(b, "stack"));
                    if (b.has("evicted")) {
                        out().println(Human.eviction(b.getAsJsonObject("evicted")));
                    }
                }
                return 0;
            }
        }
        throw new ApiException(404, "unknown-table", "unknown table " + id, null);
    }
}
