package io.dicemesh.simulator.cli;

import com.google.gson.GsonBuilder;
import io.dicemesh.simulator.attack.Attack;
import io.dicemesh.simulator.attack.AttackRun;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "attack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Attack a live local mesh: 3 daemons play a 3-player table; in the middle third of the play"
                + " each named attack (one mesh each) runs against node 0. For each it prints the table's commit rate"
                + " without and during the attack, node 0's peak resident memory, and the audits at the end.",
                "Exit codes: 0 every attack held (rate at least " + (int) (100 * AttackRun.RATE_FRACTION_MIN)
                        + "%% of unattacked, " + (int) (100 * Attack.IDLE_STRANGERS_RATE_FRACTION_MIN)
                        + "%% under idle-strangers, RSS under " + AttackRun.RSS_BOUND_MIB + " MiB, node 2 relinked within "
                        + AttackRun.RELINK_BOUND_MS / 1000 + " s of its restart, audits OK), 1 not,"
                        + " 2 bad options."})
final class AttackCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "ATTACK", description = "Attacks to run (default: all): silent-connections, idle-strangers, junk-frames, "
            + "slowloris, relay, ping-flood, peer-list-flood, invite-flood, hostile-player.")
    List<String> names = new ArrayList<>();

    @Option(names = "--duration", description = "How long the table plays per attack, e.g. 30s (default: "
            + "${DEFAULT-VALUE}); the attack runs in the middle third.", defaultValue = "30s",
            converter = LiveCommand.DurationMs.class)
    long durationMs;

    @Option(names = "--seed", description = "Seed of the bots' choices (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    @Option(names = "--json", description = "One JSON object per attack instead of the summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (durationMs < 9_000 || durationMs > 3_600_000) {
            throw new SimMain.UsageError("--duration must be 9s..1h");
        }
        List<Attack> attacks = new ArrayList<>();
        try {
            for (String n : names) {
                attacks.add(Attack.parse(n));
            }
        } catch (IllegalArgumentException e) {
            throw new SimMain.UsageError(e.getMessage());
        }
        if (attacks.isEmpty()) {
            attacks.addAll(List.of(Attack.values()));
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean allHeld = true;
        for (Attack a : attacks) {
            AttackRun.Report r = new AttackRun(a, durationMs, json ? new PrintWriter(PrintWriter.nullWriter())
                    : out).run(seed);
            allHeld &= r.problems().isEmpty();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("attack", a.label());
                m.put("ok", r.problems().isEmpty());
                m.put("slots_per_s_before", round(r.slotsPerSecondBefore()));
                m.put("slots_per_s_during", round(r.slotsPerSecondDuring()));
                m.put("rate_ratio", round(r.rateRatio()));
                m.put("node0_peak_rss_mib", r.peakRssMib());
                m.put("connections", r.connections());
                m.put("frames", r.frames());
                m.put("closed_by_node", r.closedByNode());
                m.put("bound_as_another", r.boundAsAnother());
                m.put("peak_open", r.peakOpen());
                m.put("relink_ms", r.relinkMs());
                m.put("audits", r.live().audits());
                m.put("problems", r.problems());
                out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(m));
            } else {
                out.printf("%-18s %5.1f -> %5.1f slots/s (%3.0f%%), node0 peak RSS %4d MiB, %d connections, %d frames,"
                        + " %d closed by the node, node2 relinked in %d ms, %d audits: %s%n", a.label(),
                        r.slotsPerSecondBefore(), r.slotsPerSecondDuring(), 100 * r.rateRatio(), r.peakRssMib(),
                        r.connections(), r.frames(), r.closedByNode(), r.relinkMs(), r.live().audits(),
                        r.problems().isEmpty() ? "held" : "FAILED " + r.problems());
            }
            out.flush();
        }
        return allHeld ? 0 : SimMain.EXIT_VIOLATION;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
