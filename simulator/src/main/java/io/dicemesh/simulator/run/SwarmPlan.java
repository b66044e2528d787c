package io.dicemesh.simulator.run;

import java.util.SplittableRandom;

/**
 * Swarm testing: each seed gets its own random mesh size and fault mix (some seeds calm, some harsh), so that
 * different seeds exercise different corners. Sizes can be pinned; the rest still varies with the seed.
 */
public record SwarmPlan(Integer nodes, Integer tables, Integer players, Integer hostile, RunConfig.Store store,
        boolean fastSignatures) {
    public RunConfig configFor(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        int n = nodes != null ? nodes : 2 + r.nextInt(6);
        int t = tables != null ? tables : 1 + r.nextInt(3);
        int maxPlayers = Math.min(n, io.dicemesh.protocol.WireLimits.PLAYERS_PER_TABLE_MAX);
        int p = players != null ? Math.min(players, maxPlayers) : (maxPlayers < 2 ? 1 : 2 + r.nextInt(maxPlayers - 1));
        long slots = 40 + r.nextInt(120);
        double drop = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.1;
        double dup = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.1;
        double reorder = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.3;
        long delayMax = 1 + r.nextInt(40);
        int partitions = r.nextInt(3);
        int crashes = r.nextInt(4);
        long skew = r.nextInt(3) == 0 ? 0 : r.nextInt(200);
        int byzantine = n > 2 && r.nextInt(4) == 0 ? 1 : 0;
        int drawn = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0; // drawn last: earlier seeds keep their other draws
        int hostile = this.hostile != null ? this.hostile : drawn;
        int departures = n >= 3 && r.nextInt(4) == 0 ? 1 : 0; // a departure mix in a quarter of the seeds
        return new RunConfig(seed, n, t, p, slots, drop, dup, reorder, 1, delayMax, partitions, crashes, skew,
                byzantine, hostile, departures, store, fastSignatures);
    }
}
