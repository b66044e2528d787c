package io.dicemesh.simulator.sim;

import io.dicemesh.node.core.Event;

/** Sees what happens in a simulation (statistics, reports, workloads). */
public interface SimObserver {
    default void onEvent(SimNode node, Event event) {
    }

    default void onCrash(SimNode node) {
    }

    default void onRestart(SimNode node) {
    }
}
