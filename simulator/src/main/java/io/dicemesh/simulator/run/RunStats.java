package io.dicemesh.simulator.run;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ApplyResult;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.game.BetOutcome;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.Intent;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.SimObserver;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a run did, counted once per slot (from the first honest peer to commit it) so that n peers committing the
 * same slot count as one: slots, bets and payouts, rejections by reason, view changes, evidence, commit latency.
 */
final class RunStats implements SimObserver {
    private final Set<NodeId> byzantine;
    private final Map<TableId, Long> lastSeq = new HashMap<>();
    private final Set<String> viewChanges = new HashSet<>();
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private final Map<String, Long> evidenceByKind = new TreeMap<>();
    private final Set<String> evidenceSeen = new HashSet<>();
    private final Histogram latencyMs = new Histogram(3_600_000L, 3);
    long slots;
    long betsAccepted;
    long betsRejected;
    long otherIntentsAccepted;
    long rolls;
    long payouts;
    long returned;
    long evictions;

    RunStats(Set<NodeId> byzantine) {
        this.byzantine = byzantine;
    }

    @Override
    public void onEvent(SimNode node, Event event) {
        if (event instanceof Event.SlotCommitted c) {
            if (!byzantine.contains(node.id())) {
                latencyMs.recordValue(Math.max(0, Math.min(3_600_000L, c.committedMs() - c.startedMs())));
                long last = lastSeq.getOrDefault(c.table(), 0L);
                if (c.seq() > last) {
                    lastSeq.put(c.table(), c.seq());
                    slots++;
                    count(c.result());
                }
            }
        } else if (event instanceof Event.ViewChanged v) {
            viewChanges.add(v.table() + "/" + v.seq() + "/" + v.view());
        } else if (event instanceof Event.EvidenceRecorded e) {
            Evidence ev = e.evidence();
            String key = ev.getKind() + "/" + ev.getCulprit() + "/" + ev.getSeq() + "/" + ev.getRollNo();
            if (evidenceSeen.add(key)) {
                evidenceByKind.merge(label(ev.getKind().name()), 1L, Long::sum);
            }
        }
    }

    private void count(ApplyResult r) {
        evictions += r.evictions().size();
        for (ApplyResult.IntentOutcome o : r.intents()) {
            boolean bet = o.kind() == Intent.KindCase.PLACE_BET;
            if (o.accepted()) {
                if (bet) {
                    betsAccepted++;
                } else {
                    otherIntentsAccepted++;
                }
            } else {
                if (bet) {
                    betsRejected++;
                }
                rejectedByReason.merge(o.rejection().label(), 1L, Long::sum);
            }
        }
        if (r.hasRoll()) {
            rolls++;
            for (BetOutcome b : r.roll().result().outcomes()) {
                payouts += b.winnings();
                if (b.outcome() == io.dicemesh.node.game.Outcome.RETURNED) {
                    returned++;
                }
            }
        }
    }

    private static String label(String enumName) {
        return enumName.replaceFirst("^EVIDENCE_", "").toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    long viewChanges() {
        return viewChanges.size();
    }

    Map<String, Long> rejectedByReason() {
        return Map.copyOf(rejectedByReason);
    }

    Map<String, Long> evidenceByKind() {
        return Map.copyOf(evidenceByKind);
    }

    long latencyPercentileMs(double p) {
        return latencyMs.getTotalCount() == 0 ? 0 : latencyMs.getValueAtPercentile(p);
    }

    long latencySamples() {
        return latencyMs.getTotalCount();
    }

    /** Tables whose honest peers committed anything, with their last seq. */
    Map<TableId, Long> lastSeqs() {
        return Map.copyOf(lastSeq);
    }

    List<String> evidenceKinds() {
        return List.copyOf(evidenceByKind.keySet());
    }
}
