package io.dicemesh.simulator.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dicemesh-sim} command: deterministic simulations, swarms of them, and live local meshes. */
@Command(name = "dicemesh-sim",
        mixinStandardHelpOptions = true,
        version = "dicemesh-sim",
        description = "Deterministic simulation and live local meshes of dicemesh nodes.",
        subcommands = {RunCommand.class, SwarmCommand.class, LiveCommand.class, AttackCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class SimMain {
    /** Exit codes: 0 all held, 1 a violation (or a failed seed), 2 bad usage. */
    public static final int EXIT_VIOLATION = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SimMain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("dicemesh-sim: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UsageError) {
                c.getErr().println("dicemesh-sim: " + ex.getMessage());
                return EXIT_USAGE;
            }
            // Not a user's mistake but a bug in dicemesh: say so, with the stack trace a fix needs.
            c.getErr().println("dicemesh-sim: internal error: " + ex.getClass().getSimpleName() + ": "
                    + ex.getMessage());
            ex.printStackTrace(c.getErr());
            return EXIT_VIOLATION;
        });
        return cl;
    }

    /** A bad option value found after parsing: one line, exit code 2. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
