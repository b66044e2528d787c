package io.dicemesh.simulator.run;

import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.SimObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How long after the absent timeout a table with a departed player took to evict it and play on: for each
 * (table, departed player), the first commit anywhere of the Evict tx naming it, less the departure time and the
 * timeout (virtual ms; negative never, since nobody may evict before the timeout).
 */
final class Departures implements SimObserver {
    private final Map<TableId, List<Integer>> tables;
    private final FaultSchedule schedule;
    private final long absentTimeoutMs;
    private final Set<String> seen = new HashSet<>();
    private final List<Long> afterTimeoutMs = new ArrayList<>();

    Departures(Map<TableId, List<Integer>> tables, FaultSchedule schedule, long absentTimeoutMs) {
        this.tables = tables;
        this.schedule = schedule;
        this.absentTimeoutMs = absentTimeoutMs;
    }

    @Override
    public void onEvent(SimNode node, Event event) {
        if (!(event instanceof Event.SlotCommitted c) || !c.result().evicted()) {
            return;
        }
        List<Integer> players = tables.get(c.table());
        if (players == null) {
            return;
        }
        for (int p : players) {
            Long leftAt = schedule.departed().get(p);
            if (leftAt == null) {
                continue;
            }
            for (PlayerState ps : c.state().getPlayersList()) {
                if (ps.getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED && ps.getEvictedSeq() == c.seq()
                        && schedule.departedId(p).matches(ps.getPlayer()) && seen.add(c.table() + "/" + p)) {
                    afterTimeoutMs.add(c.committedMs() - leftAt - absentTimeoutMs);
                }
            }
        }
    }

    /** The p-th percentile (0..100) of the times after the timeout; -1 when nobody departed was evicted. */
    long resumedPercentileMs(int p) {
        if (afterTimeoutMs.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(afterTimeoutMs);
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index));
    }
}
