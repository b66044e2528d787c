package io.dicemesh.simulator.run;

import io.dicemesh.node.core.Event;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.SimObserver;
import io.dicemesh.simulator.sim.Simulation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Crashes and partitions, each fired when the run reaches a random number of committed slots (so faults land
 * during play however fast the mesh is). A crash strikes in the middle of a node's work: after a random number
 * of the effects of its next inputs, so a vote may be durable but unsent, or sent but its commit not yet written.
 * Crashed nodes restart, and partitions heal, after random delays.
 */
final class FaultSchedule implements SimObserver {
    /** Longest a node stays down, and a partition lasts (virtual ms). */
    static final long DOWN_MAX_MS = 4_000;
    static final long PARTITION_MAX_MS = 5_000;
    /** Effects a doomed node may still carry out before it crashes. */
    static final int CRASH_EFFECTS_MAX = 8;

    private enum Kind { CRASH, PARTITION, DEPARTURE }

    private record Trigger(long atSlots, Kind kind) {
    }

    private final Simulation sim;
    private final SplittableRandom random;
    private final RunConfig config;
    private final Map<String, Long> counts;
    private final List<Trigger> triggers = new ArrayList<>();
    private final Map<Integer, Integer> doomed = new HashMap<>();
    /** Nodes gone for good (until the liveness phase is over), and when each left (virtual ms). */
    private final Map<Integer, Long> departed = new java.util.LinkedHashMap<>();
    private RunStats stats;
    private int next;
    private boolean disarmed;

    FaultSchedule(Simulation sim, SplittableRandom random, RunConfig config, Map<String, Long> counts) {
        this.sim = sim;
        this.random = random;
        this.config = config;
        this.counts = counts;
    }

    void arm(RunStats runStats) {
        this.stats = runStats;
        for (int i = 0; i < config.crashes(); i++) {
            triggers.add(new Trigger(random.nextLong(config.slots()), Kind.CRASH));
        }
        for (int i = 0; i < config.partitions(); i++) {
            triggers.add(new Trigger(random.nextLong(config.slots()), Kind.PARTITION));
        }
        for (int i = 0; i < config.departures(); i++) {
            triggers.add(new Trigger(random.nextLong(Math.max(1, config.slots() / 2)), Kind.DEPARTURE));
        }
        triggers.sort((a, b) -> Long.compare(a.atSlots(), b.atSlots()));
        sim.setCrashPoint((node, effect) -> {
            Integer left = doomed.get(node.index());
            if (left == null) {
                return false;
            }
            if (left > 0) {
                doomed.put(node.index(), left - 1);
                return false;
            }
            doomed.remove(node.index());
            count("crash");
            sim.scheduler().after(100 + random.nextLong(DOWN_MAX_MS), () -> restart(node.index()));
            return true;
        });
        sim.addObserver(this);
        fireDue();
    }

    @Override
    public void onEvent(SimNode node, Event event) {
        if (event instanceof Event.SlotCommitted) {
            fireDue();
        }
    }

    /**
     * Ends the faults for the liveness phase: no trigger fires any more, no doomed node crashes, and a pending crash
     * or partition does nothing. Pending heals and restarts still happen.
     */
    void disarm() {
        disarmed = true;
        doomed.clear();
        sim.setCrashPoint((node, effect) -> false);
    }

    private void fireDue() {
        while (next < triggers.size() && triggers.get(next).atSlots() <= stats.slots) {
            Trigger t = triggers.get(next++);
            sim.scheduler().after(0, switch (t.kind()) {
                case CRASH -> this::crash;
                case PARTITION -> this::partition;
                case DEPARTURE -> this::depart;
            });
        }
    }

    private void crash() {
        if (disarmed) {
            return;
        }
        List<Integer> up = new ArrayList<>();
        for (SimNode n : sim.nodes()) {
            if (n.isUp() && !doomed.containsKey(n.index())) {
                up.add(n.index());
            }
        }
        if (up.isEmpty()) {
            return;
        }
        int victim = up.get(random.nextInt(up.size()));
        doomed.put(victim, random.nextInt(CRASH_EFFECTS_MAX + 1));
        sim.scheduler().after(50, () -> {
            if (doomed.remove(victim) != null && sim.node(victim).isUp()) {
                sim.crash(victim); // it did nothing for a while: crash it between inputs instead
                count("crash");
                sim.scheduler().after(100 + random.nextLong(DOWN_MAX_MS), () -> restart(victim));
            }
        });
    }

    /** A player leaves for good: its node stops between inputs and stays down until the liveness phase ends. */
    private void depart() {
        if (disarmed) {
            return;
        }
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < config.nodes(); i++) {
            if (!departed.containsKey(i)) {
                candidates.add(i);
            }
        }
        if (candidates.size() <= 1) {
            return;
        }
        int victim = candidates.get(random.nextInt(candidates.size()));
        doomed.remove(victim);
        departed.put(victim, sim.nowMs());
        if (sim.node(victim).isUp()) {
            sim.crash(victim);
        }
        count("departure");
    }

    io.dicemesh.crypto.NodeId departedId(int node) {
        return sim.node(node).id();
    }

    /** The nodes that left for good, with the virtual time each left. */
    Map<Integer, Long> departed() {
        return java.util.Collections.unmodifiableMap(departed);
    }

    private void restart(int node) {
        if (departed.containsKey(node)) {
            return;
        }
        if (!sim.node(node).isUp()) {
            sim.restart(node);
            count("restart");
        }
    }

    private void partition() {
        int n = config.nodes();
        if (n < 2 || disarmed) {
            return;
        }
        List<int[]> cut = new ArrayList<>();
        if (random.nextBoolean()) {
            int isolated = random.nextInt(n);
            for (int i = 0; i < n; i++) {
                if (i != isolated && sim.network().linked(i, isolated)) {
                    cut.add(new int[] {i, isolated});
                }
            }
            count("partition:isolate");
        } else {
            boolean[] side = new boolean[n];
            for (int i = 0; i < n; i++) {
                side[i] = random.nextBoolean();
            }
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (side[i] != side[j] && sim.network().linked(i, j)) {
                        cut.add(new int[] {i, j});
                    }
                }
            }
            count("partition:split");
        }
        for (int[] link : cut) {
            sim.setLink(link[0], link[1], false);
        }
        sim.scheduler().after(300 + random.nextLong(PARTITION_MAX_MS), () -> {
            for (int[] link : cut) {
                sim.setLink(link[0], link[1], true);
            }
            count("heal");
        });
    }

    private void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }
}
