package io.dicemesh.simulator.sim;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.EffectExecutor;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.ledger.KvStore;

/** One simulated node: its key, its store (which survives crashes as a real disk would), and its engine when up. */
public final class SimNode {
    private final int index;
    private final Identity identity;
    KvStore store;
    NodeEngine engine;
    long incarnation;
    /** Carries out this node's effects, as the daemon's engine loop does; holds its timers. */
    EffectExecutor executor;
    Adversary adversary = Adversary.HONEST;
    long nextRequestId = 1;
    int crashes;
    /** Inputs handled, for periodic checks. */
    long handled;
    /** Its engine threw: a violation; the node stays down for the rest of the run. */
    boolean failed;
    /** A second machine running another node's key ({@link Simulation#addTwin}). */
    boolean twin;

    SimNode(int index, Identity identity, KvStore store) {
        this.index = index;
        this.identity = identity;
        this.store = store;
    }

    public int index() {
        return index;
    }

    public Identity identity() {
        return identity;
    }

    public NodeId id() {
        return identity.nodeId();
    }

    public boolean isUp() {
        return engine != null;
    }

    /** The running engine; throws when the node is down. */
    public NodeEngine engine() {
        if (engine == null) {
            throw new IllegalStateException("node " + index + " is down");
        }
        return engine;
    }

    public KvStore store() {
        return store;
    }

    public Adversary adversary() {
        return adversary;
    }

    public boolean isByzantine() {
        return adversary != Adversary.HONEST;
    }

    public boolean isTwin() {
        return twin;
    }

    public int crashes() {
        return crashes;
    }

    @Override
    public String toString() {
        return "node" + index + "(" + id().shortHex() + ")";
    }
}
