package io.dicemesh.node.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** {@code dicemesh run} on a thread of this JVM, stopped the way SIGTERM stops it (its shutdown path). */
final class RunningNode implements AutoCloseable {
    private static final long START_WAIT_MS = 20_000;

    final Path dataDir;
    private final RunCommand command;
    private final Thread thread;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private volatile int exitCode = -1;

    private RunningNode(Path dataDir, String... extraArgs) {
        this.dataDir = dataDir;
        CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        command = (RunCommand) cl.getSubcommands().get("run").getCommand();
        List<String> args = new ArrayList<>(List.of("run", "--data-dir", dataDir.toString(), "--listen",
                "127.0.0.1:0", "--api-port", "0"));
        args.addAll(List.of(extraArgs));
        thread = new Thread(() -> exitCode = cl.execute(args.toArray(String[]::new)), "dicemesh-run-test");
    }

    /** Starts the node and waits until its API is up (api.json written); fails with its stderr if it exits. */
    static RunningNode start(Path dataDir, String... extraArgs) throws InterruptedException {
        RunningNode node = new RunningNode(dataDir, extraArgs);
        node.thread.start();
        long deadline = System.currentTimeMillis() + START_WAIT_MS;
        while (!Files.exists(dataDir.resolve("api.json")) || node.out().isEmpty()) {
            if (!node.thread.isAlive() || System.currentTimeMillis() > deadline) {
                node.close();
                throw new AssertionError("dicemesh run did not start (exit " + node.exitCode + "): " + node.err());
            }
            Thread.sleep(10);
        }
        return node;
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** Stops the node as its SIGTERM hook would and returns the exit code of {@code run}. */
    int stop() throws InterruptedException {
        command.shutdown();
        thread.join(START_WAIT_MS);
        if (thread.isAlive()) {
            throw new AssertionError("dicemesh run did not stop");
        }
        return exitCode;
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
