package io.dicemesh.simulator.cli;

import io.dicemesh.simulator.run.RunConfig;
import io.dicemesh.simulator.run.RunReport;
import io.dicemesh.simulator.run.SimRun;
import io.dicemesh.simulator.sim.Trace;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one seeded, deterministic simulation of a mesh playing craps under faults.",
                "Every step is checked (agreement, atomicity, conservation, hash chains, owner consent, locks);",
                "then faults heal and every table must converge. Same seed and build: same trace hash.",
                "Exit codes: 0 all held, 1 a violation (with the replay command), 2 bad options."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed deciding everything (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    @Option(names = "--nodes", description = "Nodes in the mesh (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int nodes;

    @Option(names = "--tables", description = "Tables (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int tables;

    @Option(names = "--players", description = "Players per table (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int players;

    @Option(names = "--slots", description = "Slots to commit under faults (default: ${DEFAULT-VALUE}).",
            defaultValue = "200")
    long slots;

    @Option(names = "--drop", description = "Probability a message is dropped (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.02", converter = Probability.class)
    double drop;

    @Option(names = "--dup", description = "Probability a message is duplicated (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.02", converter = Probability.class)
    double dup;

    @Option(names = "--reorder", description = "Probability a message is held back (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.05", converter = Probability.class)
    double reorder;

    @Option(names = "--delay-ms", paramLabel = "MIN..MAX",
            description = "Message delay range in virtual ms (default: ${DEFAULT-VALUE}).", defaultValue = "1..20",
            converter = DelayRange.Converter.class)
    DelayRange delay;

    @Option(names = "--partitions", description = "Partitions (a node isolated or the mesh split), each healed "
            + "after a while (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int partitions;

    @Option(names = "--crashes", description = "Crash-restarts; a restarted node keeps only what it had synced "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int crashes;

    @Option(names = "--skew-ms", description = "Largest clock skew between nodes (default: ${DEFAULT-VALUE}).",
            defaultValue = "50")
    long skewMs;

    @Option(names = "--byzantine", description = "Lying players: equivocate, forge batches, sign two statuses, "
            + "vote in stale views, withhold reveals, accuse answering players of being gone with made-up proofs "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
    int byzantine;

    @Option(names = "--hostile", description = "Hostile nodes added to the mesh, seated at some tables or at none: "
            + "they send anything validly signed (random bodies, wrong tables, views and seqs, floods, oversize, "
            + "replays, invites) until the faults heal (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    int hostile;

    @Option(names = "--departures", description = "Players who leave for good at random times: their nodes stop, "
            + "their tables must evict them and play on, and they come back only after the liveness phase "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
    int departures;

    @Option(names = "--store", description = "Ledger of the simulated nodes: rocksdb (temp dirs) or memory "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "rocksdb")
    String store;

    @Option(names = "--fast-signatures", description = "Sign with a fast keyed hash instead of Ed25519 (simulation "
            + "only; same checks, less crypto time).")
    boolean fastSignatures;

    @Option(names = "--json", description = "Print one JSON object instead of the summary.")
    boolean json;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write the event trace to FILE.")
    Path traceFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        RunConfig config = new RunConfig(seed, nodes, tables, players, slots, drop, dup, reorder, delay.minMs(),
                delay.maxMs(), partitions, crashes, skewMs, byzantine, hostile, departures, parseStore(store),
                fastSignatures);
        String problem = config.problem();
        if (problem != null) {
            throw new SimMain.UsageError(problem);
        }
        BufferedWriter writer = null;
        if (traceFile != null) {
            try {
                writer = Files.newBufferedWriter(traceFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new SimMain.UsageError("cannot write the trace to " + traceFile + ": " + e.getMessage());
            }
        }
        var out = spec.commandLine().getOut();
        ProgressLine bar = new ProgressLine(out, !json && ProgressLine.onTerminal());
        RunReport report = new SimRun(config, Set.of(), new Trace(writer),
                (done, target, virtualMs) -> bar.update(done, target, "slots, " + virtualMs / 1000 + " virtual s"))
                .run();
        bar.finish();
        out.println(json ? report.toJson() : report.toText().stripTrailing());
        if (!report.ok()) {
            var err = spec.commandLine().getErr();
            err.println("dicemesh-sim: " + report.violations().get(0));
            err.println("dicemesh-sim: seed " + seed + " failed; replay with: " + config.replayCommand());
            return SimMain.EXIT_VIOLATION;
        }
        return 0;
    }

    static RunConfig.Store parseStore(String value) {
        try {
            return RunConfig.Store.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SimMain.UsageError("--store must be rocksdb or memory, not '" + value + "'");
        }
    }
}
