package io.dicemesh.simulator.sim;

import io.dicemesh.node.core.Effect;

/** Decides, after each effect a node carries out, whether the node crashes right there (the rest is lost). */
@FunctionalInterface
public interface CrashPoint {
    CrashPoint NEVER = (node, effect) -> false;

    boolean crashAfter(SimNode node, Effect effect);
}
