package io.dicemesh.node.invariants;

import io.dicemesh.crypto.NodeId;

/** Where an invariant reports what broke: the simulator records it with the time; tests fail at once. */
@FunctionalInterface
public interface Violations {
    void report(String invariant, NodeId node, String message);
}
