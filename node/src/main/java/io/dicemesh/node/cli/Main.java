package io.dicemesh.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dicemesh} command: a node daemon and the client commands that talk to it. */
@Command(name = "dicemesh",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Peer-to-peer mesh node for decentralized craps.",
        subcommands = {InitCommand.class, IdCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 failed, 2 bad usage). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new CliErrors.ExceptionHandler());
        return cl;
    }
}
