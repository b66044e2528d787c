package io.dicemesh.node.cli;

import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import picocli.CommandLine.Command;

@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "List the peers this node knows and whether they are connected.")
final class PeersCommand extends ClientCommand {
    @Override
    int run(ApiClient api) throws ApiException {
        var peers = api.peers();
        if (json) {
            printJson(peers);
        } else {
            Human.peers(out(), peers);
        }
        return 0;
    }
}
