package io.dicemesh.simulator.cli;

import com.google.gson.GsonBuilder;
import io.dicemesh.simulator.bench.BenchRun;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark real daemons (one JVM each, Netty, RocksDB with fsync, real signatures) on the",
                "\"bets\" workload of ../shared/baselines: tables of players, requests of --batch bets through the",
                "admin API's batch route, client c betting at tables t with t mod clients = c. Prints progress on",
                "stderr and one JSON line on stdout with the baselines' keys. Exit codes: 0 every audit passed, 1 a",
                "problem, 2 bad options."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--nodes", description = "Daemons (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int nodes;

    @Option(names = "--tables", description = "Tables (default: as many as --clients).", defaultValue = "0")
    int tables;

    @Option(names = "--players", description = "Players per table (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int players;

    @Option(names = "--clients", description = "Closed-loop clients, one request in flight each (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "8")
    int clients;

    @Option(names = "--batch", description = "Bets per request, 1 to " + BenchRun.INTENTS_PER_REQUEST_MAX
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int batch;

    @Option(names = "--rate", description = "Open loop: bets a second offered on a fixed schedule, latency from "
            + "each request's scheduled start (default: 0, the closed loop).", defaultValue = "0")
    long rate;

    @Option(names = "--workload", description = "bets (no rolls) or game (one request in six a roll) "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "bets")
    String workload;

    @Option(names = "--warmup", description = "Load before measuring, not counted (default: ${DEFAULT-VALUE}).",
            defaultValue = "5s", converter = LiveCommand.DurationMs.class)
    long warmupMs;

    @Option(names = "--duration", description = "Measured time (default: ${DEFAULT-VALUE}).", defaultValue = "20s",
            converter = LiveCommand.DurationMs.class)
    long durationMs;

    @Option(names = "--seed", description = "Seed of the bets' amounts and numbers (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchRun.Workload w = switch (workload) {
            case "bets" -> BenchRun.Workload.BETS;
            case "game" -> BenchRun.Workload.GAME;
            default -> throw new SimMain.UsageError("--workload must be bets or game, not '" + workload + "'");
        };
        BenchRun.Config config = new BenchRun.Config(nodes, tables == 0 ? clients : tables, Math.min(players, nodes),
                clients, batch, rate, warmupMs, durationMs, w, seed);
        String problem = config.problem();
        if (problem != null) {
            throw new SimMain.UsageError(problem);
        }
        PrintWriter err = spec.commandLine().getErr();
        BenchRun.Result r = new BenchRun(config, err).run();
        spec.commandLine().getOut().println(new GsonBuilder().disableHtmlEscaping().create().toJson(json(r)));
        spec.commandLine().getOut().flush();
        if (!r.ok()) {
            err.println("dicemesh-sim bench: FAILED: " + r.problems());
        }
        return r.ok() ? 0 : SimMain.EXIT_VIOLATION;
    }

    static Map<String, Object> json(BenchRun.Result r) {
        BenchRun.Config c = r.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("system", "dicemesh");
        m.put("workload", c.workload().name().toLowerCase(java.util.Locale.ROOT));
        m.put("bets_per_s", round(r.betsPerSecond(), 1));
        m.put("op_p50_ms", round(r.opP50Ms(), 2));
        m.put("op_p99_ms", round(r.opP99Ms(), 2));
        m.put("batch", c.batch());
        m.put("clients", c.clients());
        m.put("seconds", round(r.seconds(), 1));
        m.put("rate", c.rate());
        m.put("nodes", c.nodes());
        m.put("tables", c.tables());
        m.put("players", c.players());
        m.put("slots_per_s", round(r.slotsPerSecond(), 1));
        m.put("bets_per_slot", round(r.slots() == 0 ? 0 : (double) r.betsPlaced() / r.slots(), 2));
        m.put("bets_refused", r.betsRefused());
        m.put("take_downs", r.takeDowns());
        m.put("rolls", r.rolls());
        m.put("errors", r.errors());
        if (c.rate() > 0) {
            m.put("requests_not_started", r.notStarted());
        }
        Map<String, Object> cal = new LinkedHashMap<>();
        cal.put("fsync_p50_us", round(r.calibration().fsyncP50Us(), 0));
        cal.put("loopback_rtt_p50_us", round(r.calibration().loopbackRttP50Us(), 0));
        cal.put("ed25519_verifies_per_s", round(r.calibration().verifiesPerSecond(), 0));
        cal.put("critical_path_ms", round(r.calibration().criticalPathMs(), 3));
        m.put("calibration", cal);
        m.put("op_p50_over_critical_path", round(r.opP50Ms() / r.calibration().criticalPathMs(), 1));
        m.put("audits", r.audits());
        m.put("ok", r.ok());
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
