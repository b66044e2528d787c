package io.dicemesh.node.cli;

import io.dicemesh.node.daemon.DataDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option every command takes. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Node data dir (key, ledger, settings). Default: ${DEFAULT-VALUE}",
            defaultValue = "${sys:user.home}/.dicemesh")
    Path path;

    public DataDir dataDir() {
        return new DataDir(path == null ? DataDir.defaultPath() : path);
    }
}
