package io.dicemesh.simulator.cli;

import com.google.gson.GsonBuilder;
import io.dicemesh.simulator.live.LiveRun;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a live local mesh: real dicemesh daemons on loopback (one JVM each, Netty and RocksDB in",
                "temp dirs), bots playing craps through the admin API, a progress line, and an audit of every table",
                "on every node at the end. Exit codes: 0 every audit passed, 1 a problem, 2 bad options."})
final class LiveCommand implements Callable<Integer> {
    @Option(names = "--nodes", description = "Daemons to start (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int nodes;

    @Option(names = "--tables", description = "Tables (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int tables;

    @Option(names = "--players", description = "Players per table (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int players;

    @Option(names = "--duration", description = "How long the bots play, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).",
            defaultValue = "30s", converter = DurationMs.class)
    long durationMs;

    @Option(names = "--chaos", description = "Now and then kill -9 a random node and restart it from its data dir.")
    boolean chaos;

    @Option(names = "--depart", description = "A third of the way through, kill -9 a random node for good: its "
            + "tables evict it after the absent timeout and play on; at the end it starts again and must show its "
            + "eviction and pass its audits. Needs --players 3 or more.")
    boolean depart;

    @Option(names = "--absent-timeout-ms", description = "Tables' absent timeout (default: the genesis default; "
            + LiveRun.Config.DEPART_ABSENT_TIMEOUT_MS + " with --depart).", defaultValue = "0")
    long absentTimeoutMs;

    @Option(names = "--concurrency", description = "Requests each player's bots keep in flight "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "4")
    int concurrency;

    @Option(names = "--pace-ms", description = "Each bot starts at most one request per this many ms, as people "
            + "play (default: ${DEFAULT-VALUE}, as fast as answers come).", defaultValue = "0")
    long paceMs;

    @Option(names = "--seed", description = "Seed of the bots' choices (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    @Option(names = "--json", description = "End with one JSON object instead of the summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LiveRun.Config config = new LiveRun.Config(nodes, tables, Math.min(players, nodes), durationMs, chaos, seed,
                concurrency, depart, absentTimeoutMs, paceMs);
        String problem = config.problem();
        if (problem != null) {
            throw new SimMain.UsageError(problem);
        }
        var out = spec.commandLine().getOut();
        LiveRun.Report r = new LiveRun(config, out, !json && ProgressLine.onTerminal()).run();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", r.ok());
            m.put("nodes", nodes);
            m.put("tables", tables);
            m.put("seconds", Math.round(r.seconds() * 10) / 10.0);
            m.put("slots_committed", r.slots());
            m.put("bets_accepted", r.betsAccepted());
            m.put("bets_rejected", r.betsRejected());
            m.put("bets_per_s", Math.round(r.betsPerSecond() * 10) / 10.0);
            m.put("rolls", r.rolls());
            m.put("commit_latency_p50_ms", Math.round(r.p50Ms() * 10) / 10.0);
            m.put("commit_latency_p99_ms", Math.round(r.p99Ms() * 10) / 10.0);
            m.put("restart_api_up_ms", r.restarts().stream().map(LiveRun.Restart::apiUpMs).toList());
            m.put("restart_ready_ms", r.restarts().stream().map(LiveRun.Restart::readyMs).toList());
            if (r.departure() != null) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("node", r.departure().node());
                d.put("evicted_after_ms", r.departure().evictedAfterMs());
                d.put("played_on_after_ms", r.departure().playedOnAfterMs());
                d.put("shows_evicted", r.departure().showsEvicted());
                m.put("departure", d);
            }
            m.put("audits", r.audits());
            m.put("errors", r.errors());
            m.put("problems", r.problems());
            out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(m));
        } else {
            out.printf("dicemesh-sim live: %d nodes, %d tables of %d players, %.0f s%n", nodes, tables,
                    config.players(), r.seconds());
            out.printf("  slots committed  %d%n", r.slots());
            out.printf("  bets             %d accepted (%.1f/s), %d refused; %d rolls%n", r.betsAccepted(),
                    r.betsPerSecond(), r.betsRejected(), r.rolls());
            out.printf("  commit latency   p50 %.1f ms, p99 %.1f ms (a bet from request to its committed reply)%n",
                    r.p50Ms(), r.p99Ms());
            if (chaos) {
                out.printf("  restarts         %d, API up after %s ms, ready again after %s ms%n",
                        r.restarts().size(), r.restarts().stream().map(LiveRun.Restart::apiUpMs).toList(),
                        r.restarts().stream().map(LiveRun.Restart::readyMs).toList());
            }
            if (r.departure() != null) {
                out.printf("  departure        node%d killed for good; evicted after %s ms, tables played on after %s"
                        + " ms (per table), shows its eviction on coming back: %s%n", r.departure().node(),
                        r.departure().evictedAfterMs().values(), r.departure().playedOnAfterMs().values(),
                        r.departure().showsEvicted().values());
            }
            out.printf("  client errors    %d (requests to a node that was down count here)%n", r.errors());
            out.printf("  audits           %d table copies, %s%n", r.audits(),
                    r.ok() ? "all OK" : "FAILED: " + r.problems());
        }
        return r.ok() ? 0 : SimMain.EXIT_VIOLATION;
    }

    /** Parses 30s, 2m, 1h or a number of seconds. */
    static final class DurationMs implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            long unit = 1_000;
            if (v.endsWith("ms")) {
                unit = 1;
                v = v.substring(0, v.length() - 2);
            } else if (v.endsWith("s")) {
                v = v.substring(0, v.length() - 1);
            } else if (v.endsWith("m")) {
                unit = 60_000;
                v = v.substring(0, v.length() - 1);
            } else if (v.endsWith("h")) {
                unit = 3_600_000;
                v = v.substring(0, v.length() - 1);
            }
            try {
                return Math.multiplyExact(Long.parseLong(v), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + value + "' is not a duration like 30s, 2m or 1h");
            }
        }
    }
}
