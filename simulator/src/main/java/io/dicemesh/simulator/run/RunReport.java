package io.dicemesh.simulator.run;

import com.google.gson.GsonBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of one run: what happened, what was checked, and how to replay it. */
public record RunReport(RunConfig config, String traceHash, List<String> violations, long slotsCommitted,
        long viewChanges, List<String> stalledTables, long messagesSent, long messagesDropped,
        long messagesDuplicated, Map<String, Long> faultsInjected, long betsAccepted, long betsRejected,
        long rolls, long payouts, Map<String, Long> rejectedByReason, Map<String, Long> evidenceByKind,
        long latencyP50Ms, long latencyP99Ms, long virtualMs, double wallSeconds, long commitsChecked,
        long hostileMessages, long heldBytesMax, long ledgersAudited, long evictions, long departures,
        long resumedAfterTimeoutP50Ms, long resumedAfterTimeoutMaxMs) {

    public boolean ok() {
        return violations.isEmpty();
    }

    public double slotsPerWallSecond() {
        return wallSeconds <= 0 ? 0 : slotsCommitted / wallSeconds;
    }

    /** One JSON object with the fields tools rely on (seed, trace_hash, violations, ...). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", config.seed());
        m.put("trace_hash", traceHash);
        m.put("violations", violations);
        m.put("ok", ok());
        m.put("slots_committed", slotsCommitted);
        m.put("view_changes", viewChanges);
        m.put("stalled_tables", stalledTables);
        m.put("bets_accepted", betsAccepted);
        m.put("bets_rejected", betsRejected);
        m.put("rejected_by_reason", rejectedByReason);
        m.put("rolls", rolls);
        m.put("payouts", payouts);
        m.put("messages_sent", messagesSent);
        m.put("messages_dropped", messagesDropped);
        m.put("messages_duplicated", messagesDuplicated);
        m.put("faults_injected", faultsInjected);
        m.put("evidence", evidenceByKind);
        m.put("commit_latency_p50_ms", latencyP50Ms);
        m.put("commit_latency_p99_ms", latencyP99Ms);
        m.put("virtual_ms", virtualMs);
        m.put("sim_slots_per_s", Math.round(slotsPerWallSecond() * 10) / 10.0);
        m.put("commits_checked", commitsChecked);
        m.put("hostile_messages", hostileMessages);
        m.put("engine_held_bytes_max", heldBytesMax);
        m.put("ledgers_audited", ledgersAudited);
        m.put("departures", departures);
        m.put("evictions", evictions);
        m.put("evicted_after_timeout_p50_ms", resumedAfterTimeoutP50Ms);
        m.put("evicted_after_timeout_max_ms", resumedAfterTimeoutMaxMs);
        m.put("replay", config.replayCommand());
        return new GsonBuilder().disableHtmlEscaping().create().toJson(m);
    }

    /** The human summary. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        RunConfig c = config;
        sb.append(String.format("dicemesh-sim run: seed %d, %d nodes%s, %d tables of %d players, %s store, %s%n",
                c.seed(), c.nodes(), c.hostile() > 0 ? " and " + c.hostile() + " hostile" : "", c.tables(),
                c.players(), c.store().label(),
                c.fastSignatures() ? "fast simulated signatures" : "Ed25519 signatures"));
        sb.append(String.format("  slots committed   %d (%d view changes), %d rolls, %.1f virtual s%n", slotsCommitted,
                viewChanges, rolls, virtualMs / 1000.0));
        sb.append(String.format("  bets              %d accepted, %d rejected; payouts %d tokens%n", betsAccepted,
                betsRejected, payouts));
        sb.append("  rejected intents  ").append(rejectedByReason.isEmpty() ? "none" : rejectedByReason).append('\n');
        sb.append(String.format("  messages          %d sent, %d dropped, %d duplicated%n", messagesSent,
                messagesDropped, messagesDuplicated));
        sb.append("  faults injected   ").append(faultsInjected).append('\n');
        sb.append("  evidence          ").append(evidenceByKind.isEmpty() ? "none" : evidenceByKind).append('\n');
        sb.append("  stalled tables    ").append(stalledTables.isEmpty() ? "none" : stalledTables).append('\n');
        if (departures > 0 || evictions > 0) {
            sb.append(String.format("  departures        %d left for good, %d evictions; evicted %s after the absent "
                    + "timeout%n", departures, evictions, resumedAfterTimeoutP50Ms < 0 ? "(none)" : "p50 "
                    + resumedAfterTimeoutP50Ms + " ms, max " + resumedAfterTimeoutMaxMs + " ms (virtual)"));
        }
        sb.append(String.format("  commit latency    p50 %d ms, p99 %d ms (virtual)%n", latencyP50Ms, latencyP99Ms));
        sb.append(String.format("  speed             %.0f slots per wall second (%.1f s)%n", slotsPerWallSecond(),
                wallSeconds));
        if (hostileMessages > 0) {
            sb.append(String.format("  hostile           %d messages sent by hostile nodes%n", hostileMessages));
        }
        sb.append(String.format("  memory            engines held at most %.1f MiB for messages (each within its "
                + "budget)%n", heldBytesMax / 1048576.0));
        sb.append(String.format("  checked           %d commits on every peer, %d ledgers audited; trace %s%n",
                commitsChecked, ledgersAudited, traceHash));
        if (ok()) {
            sb.append("  result            OK: every invariant held and every table converged\n");
        } else {
            sb.append("  result            FAILED\n");
            for (String v : violations) {
                sb.append("    ").append(v).append('\n');
            }
            sb.append("  replay            ").append(c.replayCommand()).append('\n');
        }
        return sb.toString();
    }
}
