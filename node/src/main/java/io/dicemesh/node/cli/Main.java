package io.dicemesh.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dicemesh} command: a node daemon and the client commands that talk to it. */
@Command(name = "dicemesh",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Peer-to-peer mesh node for decentralized craps.",
        subcommands = {InitCommand.class, RunCommand.class, IdCommand.class, PeersCommand.class, TableCommand.class,
            BetCommand.class, DownCommand.class, RollCommand.class, BalanceCommand.class, HistoryCommand.class,
            AuditCommand.class, BackupCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** The system property logback.xml reads for the root level. */
    static final String LOG_LEVEL_PROPERTY = "dicemesh.log.level";

    public static void main(String[] args) {
        io.dicemesh.node.net.MeshTls.applyJdkLimits(); // before anything loads the JDK's TLS classes
        // Before any logger exists: client commands print only warnings, so their output stays clean.
        if (!"run".equals(subcommand(args)) && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "WARN");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 failed, 2 bad usage). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new CliErrors.ExceptionHandler());
        cl.setParameterExceptionHandler(new CliErrors.UsageHandler());
        return cl;
    }

    /** The first argument that is not an option: the subcommand's name. */
    private static String subcommand(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }
}
