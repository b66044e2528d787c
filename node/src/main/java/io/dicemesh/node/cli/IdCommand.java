package io.dicemesh.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "id", mixinStandardHelpOptions = true, description = "Print this node's id (its public key, hex).")
final class IdCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDirOption;

    @Option(names = "--short", description = "Print the 8-character short form.")
    boolean shortForm;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var id = dataDirOption.dataDir().loadIdentity().nodeId();
        spec.commandLine().getOut().println(shortForm ? id.shortHex() : id.hex());
        return 0;
    }
}
