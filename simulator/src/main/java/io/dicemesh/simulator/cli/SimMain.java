package io.dicemesh.simulator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dicemesh-sim} command: simulated and live local meshes. */
@Command(name = "dicemesh-sim",
        mixinStandardHelpOptions = true,
        version = "dicemesh-sim",
        description = "Deterministic simulation and live local meshes of dicemesh nodes.",
        subcommands = {CommandLine.HelpCommand.class})
public final class SimMain {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new SimMain()).execute(args);
    }
}
