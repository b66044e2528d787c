package io.dicemesh.node.invariants;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.ledger.KvReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The safety invariants of DESIGN section 9, one named class each, checked on every event of every node as it
 * happens and on every restart: agreement, atomicity across crashes, conservation, hash chains, nothing moved
 * without its owner's signed intent, and no lock that moved. The protocol tests and the simulator use this same
 * set; only where a violation goes differs.
 */
public final class Invariants {
    private final Set<NodeId> liars = new HashSet<>();
    private final Agreement agreement = new Agreement(n -> !liars.contains(n));
    private final Conservation conservation = new Conservation();
    private final List<Invariant> all;
    private final Violations out;

    /** @param verifier an independent verifier, to re-check every committed intent batch's signature */
    public Invariants(EnvelopeVerifier verifier, Violations out) {
        this.out = out;
        this.all = List.of(agreement, new LocksNeverMove(), conservation, new HashChain(),
                new OwnerConsent(verifier), new Atomicity(agreement), new FairSettlement());
    }

    /** A node that lies: its commits are not held to agreement (its locks and chain still are checked). */
    public void markLiar(NodeId node) {
        liars.add(node);
    }

    public void onEvent(NodeId node, Event event) {
        for (Invariant i : all) {
            i.onEvent(node, event, out);
        }
    }

    public void onRestart(NodeId node, NodeEngine engine, KvReader store) {
        for (Invariant i : all) {
            i.onRestart(node, engine, store, out);
        }
    }

    /** Conservation of one state, outside any event (at phase ends, of every table every node holds). */
    public void checkTokens(NodeId node, io.dicemesh.protocol.TableState state) {
        conservation.check(node, state, out);
    }

    public Agreement agreement() {
        return agreement;
    }
}
