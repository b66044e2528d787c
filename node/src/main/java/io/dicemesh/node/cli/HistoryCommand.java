package io.dicemesh.node.cli;

import com.google.gson.JsonObject;
import io.dicemesh.node.api.AdminServer;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "The table's last committed slots, replayed from the local ledger, oldest first.")
final class HistoryCommand extends TableClientCommand {
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "How many slots, at most (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    void check() {
        super.check();
        if (limit < 1 || limit > AdminServer.HISTORY_LIMIT_MAX) {
            throw usage("--limit must be 1 to " + AdminServer.HISTORY_LIMIT_MAX + ", not " + limit);
        }
    }

    @Override
    int run(ApiClient api) throws ApiException {
        JsonObject history = api.history(tableId(api, table), limit);
        if (json) {
            printJson(history);
        } else {
            Human.history(out(), history);
        }
        return 0;
    }
}
