package io.dicemesh.node.cli;

import io.dicemesh.node.daemon.DataDir;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create a data dir with a new node key. Never overwrites an existing key.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDirOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DataDir dir = dataDirOption.dataDir();
        DataDir.InitResult result = dir.initialize(new SecureRandom());
        var out = spec.commandLine().getOut();
        if (result.created()) {
            out.println("initialized " + dir.root());
            if (result.tightenedFrom() != null) {
                out.println("made " + dir.root() + " owner-only (0700; it was " + result.tightenedFrom()
                        + "): it holds the node key");
            }
        } else {
            out.println(dir.root() + " is already initialized; its key was left untouched");
        }
        out.println("node id " + result.identity().nodeId().hex());
        return 0;
    }
}
