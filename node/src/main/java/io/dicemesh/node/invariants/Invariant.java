package io.dicemesh.node.invariants;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.ledger.KvReader;

/**
 * One safety rule checked on what nodes do as it happens (Kafka's raft simulation states each invariant as a
 * small named class like this): every event every node emits, in order, and every restart. The protocol tests
 * and the simulator check the same classes.
 */
public interface Invariant {
    /** The rule's name, as reports show it. */
    String name();

    void onEvent(NodeId node, Event event, Violations out);

    /** A node was rebuilt from its ledger; {@code engine} is the restored engine, {@code store} its ledger. */
    default void onRestart(NodeId node, NodeEngine engine, KvReader store, Violations out) {
    }
}
