package io.dicemesh.simulator.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything that decides a simulation run. The same config (seed included) and the same build give the same
 * trace hash; {@link #replayCommand()} prints the command that reproduces the run exactly.
 */
public record RunConfig(long seed, int nodes, int tables, int players, long slots, double drop, double dup,
        double reorder, long delayMinMs, long delayMaxMs, int partitions, int crashes, long skewMs, int byzantine,
        int hostile, int departures, Store store, boolean fastSignatures) {

    /** Where the simulated nodes keep their ledgers. */
    public enum Store {
        ROCKSDB, MEMORY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final int NODES_MAX = 64;
    public static final int TABLES_MAX = 64;
    public static final long SLOTS_MAX = 10_000_000;
    public static final long DELAY_MAX_MS = 60_000;
    public static final int FAULT_EVENTS_MAX = 10_000;
    public static final long SKEW_MAX_MS = 3_600_000;
    /** Hostile nodes at most, on top of {@code nodes}. */
    public static final int HOSTILE_MAX = 16;

    /** Null when the config is runnable, else one line saying what is wrong. */
    public String problem() {
        if (nodes < 1 || nodes > NODES_MAX) {
            return "--nodes must be 1.." + NODES_MAX;
        }
        if (tables < 1 || tables > TABLES_MAX) {
            return "--tables must be 1.." + TABLES_MAX;
        }
        if (players < 1 || players > Math.min(nodes, io.dicemesh.protocol.WireLimits.PLAYERS_PER_TABLE_MAX)) {
            return "--players must be 1.." + Math.min(nodes, io.dicemesh.protocol.WireLimits.PLAYERS_PER_TABLE_MAX)
                    + " (at most --nodes and 16)";
        }
        if (slots < 1 || slots > SLOTS_MAX) {
            return "--slots must be 1.." + SLOTS_MAX;
        }
        for (double p : new double[] {drop, dup, reorder}) {
            if (!(p >= 0 && p < 1)) {
                return "--drop, --dup and --reorder are probabilities in [0, 1)";
            }
        }
        if (delayMinMs < 0 || delayMaxMs < delayMinMs || delayMaxMs > DELAY_MAX_MS) {
            return "--delay-ms must be MIN..MAX with 0 <= MIN <= MAX <= " + DELAY_MAX_MS;
        }
        if (partitions < 0 || partitions > FAULT_EVENTS_MAX || crashes < 0 || crashes > FAULT_EVENTS_MAX) {
            return "--partitions and --crashes must be 0.." + FAULT_EVENTS_MAX;
        }
        if (skewMs < 0 || skewMs > SKEW_MAX_MS) {
            return "--skew-ms must be 0.." + SKEW_MAX_MS;
        }
        if (byzantine < 0 || byzantine >= nodes) {
            return "--byzantine must be 0.." + (nodes - 1) + " (at least one honest node)";
        }
        if (hostile < 0 || hostile > HOSTILE_MAX) {
            return "--hostile must be 0.." + HOSTILE_MAX;
        }
        if (departures < 0 || departures >= nodes) {
            return "--departures must be 0.." + (nodes - 1) + " (at least one node stays)";
        }
        return null;
    }

    /** The exact command that replays this run. */
    public String replayCommand() {
        List<String> a = new ArrayList<>(List.of("java -jar simulator/target/dicemesh-sim.jar run",
                "--seed " + seed, "--nodes " + nodes, "--tables " + tables, "--players " + players,
                "--slots " + slots, "--drop " + fmt(drop), "--dup " + fmt(dup), "--reorder " + fmt(reorder),
                "--delay-ms " + delayMinMs + ".." + delayMaxMs, "--partitions " + partitions, "--crashes " + crashes,
                "--skew-ms " + skewMs, "--byzantine " + byzantine, "--hostile " + hostile,
                "--departures " + departures,
                "--store " + store.label()));
        if (fastSignatures) {
            a.add("--fast-signatures");
        }
        return String.join(" ", a);
    }

    private static String fmt(double p) {
        return Double.toString(p);
    }
}
