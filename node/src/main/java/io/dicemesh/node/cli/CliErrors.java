package io.dicemesh.node.cli;

import io.dicemesh.node.api.ApiException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** How commands fail: one clear line on stderr and a non-zero exit code, never a stack trace for user errors. */
public final class CliErrors {
    /** Exit code for an operation that failed (bad state, I/O, refusal). Bad usage is picocli's 2. */
    public static final int FAILED = 1;

    private CliErrors() {
    }

    /** A failure whose message is meant for the user as is. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }

    static final class ExceptionHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
            String message = e instanceof UserError || e instanceof ApiException
                    || e instanceof io.dicemesh.crypto.KeyFileException
                    ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            cl.getErr().println("dicemesh: " + oneLine(message));
            return FAILED;
        }
    }

    /** Bad usage: the problem and where help is, on one line (picocli's default prints the whole usage). */
    static final class UsageHandler implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine cl = e.getCommandLine();
            cl.getErr().println("dicemesh: " + oneLine(e.getMessage()) + " (see '"
                    + cl.getCommandSpec().qualifiedName() + " --help')");
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
