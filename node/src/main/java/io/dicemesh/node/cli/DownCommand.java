package io.dicemesh.node.cli;

import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Take a bet down (where the rules allow it) between rolls; the stake returns to the stack.")
final class DownCommand extends TableClientCommand {
    @Parameters(index = "1", paramLabel = "BET-ID", description = "The bet's id, as 'bet' printed it.")
    String betId;

    private long id;

    @Override
    void check() {
        super.check();
        id = positiveLong("BET-ID", betId);
    }

    @Override
    int run(ApiClient api) throws ApiException {
        JsonObject done = api.takeDown(tableId(api, table), id);
        if (json) {
            printJson(done);
        } else {
            out().println("bet " + id + " taken down (seq " + num(done, "seq") + ")");
        }
        return 0;
    }
}
