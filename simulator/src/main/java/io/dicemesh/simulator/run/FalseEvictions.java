package io.dicemesh.simulator.run;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.Event;
import io.dicemesh.protocol.Eviction;
import io.dicemesh.protocol.Tx;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.SimObserver;
import io.dicemesh.simulator.sim.Simulation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * No honest player is evicted while it was reachable and answering (DESIGN 5b): at every committed Evict tx, each
 * honest player it evicts must have been down or cut off from some node within the window before it. Lost, late,
 * repeated and reordered frames do not excuse an eviction (the run's delays stay far below the absent timeout), so
 * an eager absence judgement or a withholding verdict against a node whose reveal only came late fails the run.
 */
final class FalseEvictions implements SimObserver {
    private final Simulation sim;
    private final Set<NodeId> liars;
    private final long windowMs;
    private final Set<String> seen = new HashSet<>();
    private final List<String> found = new ArrayList<>();
    private long checked;

    /** @param windowMs how long before the commit a cut or crash still excuses an eviction */
    FalseEvictions(Simulation sim, Set<NodeId> liars, long windowMs) {
        this.sim = sim;
        this.liars = liars;
        this.windowMs = windowMs;
    }

    @Override
    public void onEvent(SimNode node, Event event) {
        if (!(event instanceof Event.SlotCommitted c) || liars.contains(node.id())) {
            return;
        }
        Tx tx;
        try {
            tx = Tx.parseFrom(c.tx());
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        if (!tx.hasEvict() || !seen.add(c.table().shortHex() + "/" + c.seq())) {
            return; // checked once per slot, when its first honest node commits it
        }
        for (Eviction e : tx.getEvict().getEvictionsList()) {
            NodeId player = NodeId.of(e.getPlayer());
            if (liars.contains(player)) {
                continue;
            }
            checked++;
            int index = sim.node(player).index();
            long last = sim.lastUnreachableMs(index);
            if (last < sim.nowMs() - windowMs) {
                found.add("false eviction: table " + c.table().shortHex() + " evicted honest player " + player
                        + " (" + e.getCause() + " at seq " + c.seq() + ", " + sim.nowMs() + " ms), which was up and"
                        + " linked to every node since " + (last == Long.MIN_VALUE ? "the start" : last + " ms"));
            }
        }
    }

    List<String> found() {
        return List.copyOf(found);
    }

    /** Evictions of honest players checked. */
    long checked() {
        return checked;
    }
}
