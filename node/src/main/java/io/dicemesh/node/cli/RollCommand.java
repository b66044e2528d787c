package io.dicemesh.node.cli;

import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import picocli.CommandLine.Command;

@Command(name = "roll", mixinStandardHelpOptions = true,
        description = "Start the table's next roll (any seated player may); returns once the roll is committed "
                + "and prints the dice and what they did to every bet they settled.")
final class RollCommand extends TableClientCommand {
    @Override
    int run(ApiClient api) throws ApiException {
        String id = tableId(api, table);
        String me = json ? "" : api.id().get("id").getAsString();
        JsonObject rolled = api.roll(id);
        if (json) {
            printJson(rolled);
        } else {
            Human.roll(out(), rolled, me);
        }
        return 0;
    }
}
