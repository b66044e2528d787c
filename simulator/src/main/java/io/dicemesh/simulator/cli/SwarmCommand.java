package io.dicemesh.simulator.cli;

import com.google.gson.GsonBuilder;
import io.dicemesh.simulator.run.RunConfig;
import io.dicemesh.simulator.run.Swarm;
import io.dicemesh.simulator.run.SwarmPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "swarm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run many seeds in parallel, each with its own random mesh size and fault mix.",
                "Prints a summary and every failing seed with the command that replays it.",
                "Exit codes: 0 every seed held, 1 some seed failed, 2 bad options."})
final class SwarmCommand implements Callable<Integer> {
    static final class Amount {
        @Option(names = "--seeds", description = "Number of seeds to run (default: 100).")
        Long seeds;

        @Option(names = "--minutes", description = "Run seeds until this many minutes have passed.")
        Double minutes;
    }

    @ArgGroup(exclusive = true)
    Amount amount;

    @Option(names = "--first-seed", description = "First seed (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long firstSeed;

    @Option(names = "--threads", description = "Parallel runs (default: the number of cores, ${DEFAULT-VALUE}).",
            defaultValue = "${sys:dicemesh.cores:-0}")
    int threads;

    @Option(names = "--nodes", description = "Pin the number of nodes (default: random 2..7 per seed).")
    Integer nodes;

    @Option(names = "--tables", description = "Pin the number of tables (default: random 1..3 per seed).")
    Integer tables;

    @Option(names = "--players", description = "Pin the players per table (default: random per seed).")
    Integer players;

    @Option(names = "--hostile", description = "Pin the hostile nodes per seed (default: one or two in a quarter of "
            + "the seeds, none in the rest).")
    Integer hostile;

    @Option(names = "--store", description = "rocksdb or memory (default: ${DEFAULT-VALUE}).", defaultValue = "memory")
    String store;

    @Option(names = "--real-signatures", description = "Sign with Ed25519 (default: the fast simulated scheme).")
    boolean realSignatures;

    @Option(names = "--json", description = "Print one JSON object instead of the summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        long seeds = amount == null || (amount.seeds == null && amount.minutes == null) ? 100
                : amount.seeds != null ? amount.seeds : 0;
        if (amount != null && amount.seeds != null && (amount.seeds < 1 || amount.seeds > 100_000_000L)) {
            throw new SimMain.UsageError("--seeds must be 1..100000000");
        }
        if (amount != null && amount.minutes != null && !(amount.minutes > 0 && amount.minutes <= 7 * 24 * 60)) {
            throw new SimMain.UsageError("--minutes must be more than 0 and at most a week");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = threads <= 0 ? cores : threads;
        if (workers > 256) {
            throw new SimMain.UsageError("--threads must be 1..256");
        }
        SwarmPlan plan = new SwarmPlan(nodes, tables, players, hostile, RunCommand.parseStore(store), !realSignatures);
        String problem = plan.configFor(firstSeed).problem();
        if (problem != null) {
            throw new SimMain.UsageError(problem);
        }
        var out = spec.commandLine().getOut();
        ProgressLine bar = new ProgressLine(out, !json && ProgressLine.onTerminal());
        long startNs = System.nanoTime();
        long deadline = amount != null && amount.minutes != null
                ? startNs + (long) (amount.minutes * 60e9) : Long.MAX_VALUE;
        long[] failedSoFar = {0};
        List<Swarm.SeedResult> results = new Swarm(plan, Set.of(), workers).run(firstSeed, seeds, deadline, false,
                (r, done) -> {
                    failedSoFar[0] += r.ok() ? 0 : 1;
                    bar.update(done, seeds > 0 ? seeds : done, "seeds, " + failedSoFar[0] + " failed");
                });
        bar.finish();
        double wall = (System.nanoTime() - startNs) / 1e9;
        List<Swarm.SeedResult> failures = new ArrayList<>();
        long slots = 0;
        for (Swarm.SeedResult r : results) {
            slots += r.slots();
            if (!r.ok()) {
                failures.add(r);
            }
        }
        if (json) {
            out.println(toJson(results, failures, slots, wall, workers, plan));
        } else {
            printSummary(out, results, failures, slots, wall, workers, plan);
        }
        return failures.isEmpty() ? 0 : SimMain.EXIT_VIOLATION;
    }

    private static void printSummary(java.io.PrintWriter out, List<Swarm.SeedResult> results,
            List<Swarm.SeedResult> failures, long slots, double wall, int workers, SwarmPlan plan) {
        out.printf("dicemesh-sim swarm: %d seeds on %d threads in %.1f s (%.1f seeds per minute), %s signatures%n",
                results.size(), workers, wall, results.size() / Math.max(wall, 1e-9) * 60,
                plan.fastSignatures() ? "fast simulated" : "Ed25519");
        Map<String, long[]> byShape = new LinkedHashMap<>();
        for (Swarm.SeedResult r : results) {
            RunConfig c = r.config();
            String shape = (c.byzantine() > 0 ? "byzantine" : "honest") + (c.hostile() > 0 ? "+hostile" : "") + ", "
                    + (c.crashes() > 0 ? "crashes" : "no crashes") + ", "
                    + (c.partitions() > 0 ? "partitions" : "no partitions");
            long[] row = byShape.computeIfAbsent(shape, k -> new long[3]);
            row[0]++;
            row[1] += r.ok() ? 0 : 1;
            row[2] += r.slots();
        }
        out.printf("  %-44s %6s %6s %9s%n", "fault mix", "seeds", "failed", "slots");
        byShape.forEach((shape, row) -> out.printf("  %-44s %6d %6d %9d%n", shape, row[0], row[1], row[2]));
        out.printf("  %-44s %6d %6d %9d%n", "total", results.size(), failures.size(), slots);
        Map<String, Long> frozen = frozenByCause(results);
        out.println("  frozen tables     " + (frozen.isEmpty() ? "none" : frozen));
        if (failures.isEmpty()) {
            out.println("  result: every seed held every invariant and converged");
        } else {
            out.println("  FAILED seeds:");
            for (Swarm.SeedResult f : failures) {
                out.println("    seed " + f.seed() + ": " + f.violations().get(0));
                out.println("      replay: " + f.replay());
            }
        }
    }

    /** How many tables stayed frozen across the swarm, per documented cause. */
    private static Map<String, Long> frozenByCause(List<Swarm.SeedResult> results) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Swarm.SeedResult r : results) {
            for (String cause : r.frozen()) {
                out.merge(cause.replaceFirst("^frozen: ", ""), 1L, Long::sum);
            }
        }
        return out;
    }

    private static String toJson(List<Swarm.SeedResult> results, List<Swarm.SeedResult> failures, long slots,
            double wall, int workers, SwarmPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seeds", results.size());
        m.put("passed", results.size() - failures.size());
        m.put("failed", failures.size());
        m.put("slots_committed", slots);
        m.put("threads", workers);
        m.put("wall_seconds", Math.round(wall * 10) / 10.0);
        m.put("seeds_per_minute", Math.round(results.size() / Math.max(wall, 1e-9) * 600) / 10.0);
        m.put("signatures", plan.fastSignatures() ? "simulated" : "ed25519");
        m.put("frozen_tables", frozenByCause(results));
        List<Map<String, Object>> f = new ArrayList<>();
        for (Swarm.SeedResult r : failures) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seed", r.seed());
            e.put("violations", r.violations());
            e.put("replay", r.replay());
            f.add(e);
        }
        m.put("failures", f);
        return new GsonBuilder().disableHtmlEscaping().create().toJson(m);
    }
}
