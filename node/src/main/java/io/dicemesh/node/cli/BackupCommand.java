package io.dicemesh.node.cli;

import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Write a consistent copy of the ledger (a RocksDB checkpoint) and the node key to a new "
                + "directory, while the node runs.",
            "A node started from it ('dicemesh run --data-dir DIR') catches up with its tables' peers."})
final class BackupCommand extends ClientCommand {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A directory that does not "
            + "exist yet. It holds the node key: keep it private.")
    Path outDir;

    @Override
    int run(ApiClient api) throws ApiException {
        JsonObject done = api.backup(outDir);
        if (json) {
            printJson(done);
        } else {
            String dir = str(done, "backup");
            out().println("backup written to " + dir + " (start a node from it: dicemesh run --data-dir " + dir
                    + ")");
        }
        return 0;
    }
}
