package io.dicemesh.simulator.sim;

import io.dicemesh.node.core.Effect;
import java.util.List;

/**
 * A byzantine player: the node runs the honest engine, and its adversary rewrites what it sends (sign with its
 * own key, equivocate, forge, withhold). {@link #HONEST} sends everything as is.
 */
public interface Adversary {
    Adversary HONEST = (self, send, sim) -> List.of(send);

    /** What to actually send instead of {@code send}: possibly altered, several envelopes, or nothing. */
    List<Effect.Send> rewrite(SimNode self, Effect.Send send, Simulation sim);

    /** Short name for reports. */
    default String name() {
        return "honest";
    }
}
