package io.dicemesh.simulator.sim;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.invariants.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's side of the shared {@link Invariants} (the same classes the protocol tests check): every event
 * of every node and every restart goes through them as it happens, and each violation is recorded with the
 * virtual time and the node; the run then fails. Also counts the commits checked.
 */
public final class Checkers {
    /** Violations kept (the first ones matter; a broken run can produce thousands). */
    static final int VIOLATIONS_MAX = 100;

    private final Scheduler scheduler;
    private final List<Violation> violations = new ArrayList<>();
    private final Map<NodeId, Integer> indexOf = new HashMap<>();
    private final Invariants invariants;
    private long commitsChecked;

    /** @param verifier an independent verifier (not the nodes'), to re-check every signed intent that commits */
    public Checkers(Scheduler scheduler, EnvelopeVerifier verifier) {
        this.scheduler = scheduler;
        this.invariants = new Invariants(verifier, (invariant, node, message) -> fail(invariant,
                indexOf.getOrDefault(node, -1), message));
    }

    void knowNode(SimNode node) {
        indexOf.put(node.id(), node.index());
    }

    public void markByzantine(NodeId node) {
        invariants.markLiar(node);
    }

    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    public long commitsChecked() {
        return commitsChecked;
    }

    /** Records a violation of {@code checker} at node {@code nodeIndex} (-1: not one node's) now. */
    public void fail(String checker, int nodeIndex, String message) {
        if (violations.size() < VIOLATIONS_MAX) {
            violations.add(new Violation(checker, scheduler.nowMs(), nodeIndex, message));
        }
    }

    /** Every event a node emits passes through here, in order, as it happens. */
    void onEvent(SimNode node, Event event) {
        if (event instanceof Event.SlotCommitted) {
            commitsChecked++;
        }
        invariants.onEvent(node.id(), event);
    }

    /** After a restart: what the node rebuilt from its ledger must be what some honest peer had. */
    void onRestart(SimNode node) {
        invariants.onRestart(node.id(), node.engine(), node.store());
    }

    /** A sweep over every up node's tables (conservation); used at phase ends. */
    void sweep(List<SimNode> nodes) {
        for (SimNode n : nodes) {
            if (n.isUp()) {
                for (TableId t : n.engine().tableIds()) {
                    invariants.checkTokens(n.id(), n.engine().tableState(t).orElseThrow());
                }
            }
        }
    }
}
