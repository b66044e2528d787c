package io.dicemesh.simulator.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The virtual network: carries frames between simulated nodes with seeded delays, drops, duplicates, reorders
 * and partitions. Deterministic for a given seed and sequence of sends.
 */
public final class SimNetwork {
    private final Scheduler scheduler;
    private final SplittableRandom random;
    private NetworkFaults faults;
    private final Set<Long> blocked = new HashSet<>();
    private long sent;
    private long dropped;
    private long duplicated;
    private long bytes;

    public SimNetwork(Scheduler scheduler, SplittableRandom random, NetworkFaults faults) {
        this.scheduler = scheduler;
        this.random = random;
        this.faults = faults;
    }

    public void setFaults(NetworkFaults faults) {
        this.faults = faults;
    }

    public NetworkFaults faults() {
        return faults;
    }

    /** Cuts (or restores) the link between two nodes, both ways. */
    public void setLink(int a, int b, boolean up) {
        long key = linkKey(a, b);
        if (up) {
            blocked.remove(key);
        } else {
            blocked.add(key);
        }
    }

    /** Restores every cut link; returns the pairs restored, in order. */
    public List<int[]> healAll() {
        List<int[]> healed = new ArrayList<>();
        for (long key : new TreeSet<>(blocked)) {
            healed.add(new int[] {(int) (key >>> 32), (int) key});
        }
        blocked.clear();
        return healed;
    }

    public boolean linked(int a, int b) {
        return !blocked.contains(linkKey(a, b));
    }

    /** Sends a frame; {@code deliver} runs at the receiver at the delivery time (possibly twice, possibly never). */
    public void send(int from, int to, byte[] frame, Consumer<byte[]> deliver) {
        sent++;
        bytes += frame.length;
        if (!linked(from, to) || (faults.drop() > 0 && random.nextDouble() < faults.drop())) {
            dropped++;
            return;
        }
        int copies = faults.dup() > 0 && random.nextDouble() < faults.dup() ? 2 : 1;
        if (copies == 2) {
            duplicated++;
        }
        for (int i = 0; i < copies; i++) {
            long delay = faults.delayMinMs() + (faults.delayMaxMs() > faults.delayMinMs()
                    ? random.nextLong(faults.delayMaxMs() - faults.delayMinMs() + 1) : 0);
            if (faults.reorder() > 0 && faults.reorderMs() > 0 && random.nextDouble() < faults.reorder()) {
                delay += 1 + random.nextLong(faults.reorderMs());
            }
            scheduler.after(delay, () -> {
                if (linked(from, to)) {
                    deliver.accept(frame);
                } else {
                    dropped++;
                }
            });
        }
    }

    public long sent() {
        return sent;
    }

    public long dropped() {
        return dropped;
    }

    public long duplicated() {
        return duplicated;
    }

    public long bytes() {
        return bytes;
    }

    private static long linkKey(int a, int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }
}
