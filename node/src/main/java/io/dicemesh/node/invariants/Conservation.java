package io.dicemesh.node.invariants;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.Event;
import io.dicemesh.protocol.Bet;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableState;

/** Every committed state holds exactly its genesis total, and nothing in it is negative. */
public final class Conservation implements Invariant {
    @Override
    public String name() {
        return "conservation";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
        if (event instanceof Event.SlotCommitted c) {
            check(node, c.state(), out);
        }
    }

    /** Checks one state (also used on restored states and at phase ends). */
    public void check(NodeId node, TableState s, Violations out) {
        String problem = problem(s);
        if (problem != null) {
            out.report(name(), node, problem);
        }
    }

    /** What is wrong with a state's tokens, or null. */
    public static String problem(TableState s) {
        long sum = s.getBank();
        boolean negative = s.getBank() < 0;
        for (PlayerState p : s.getPlayersList()) {
            sum += p.getStack() + p.getWithdrawn();
            negative |= p.getStack() < 0 || p.getWithdrawn() < 0;
        }
        for (Bet b : s.getFeltList()) {
            sum += b.getStake();
            negative |= b.getStake() <= 0;
        }
        if (negative || sum != s.getTotal()) {
            return "seq " + s.getSeq() + ": tokens " + sum + " != total " + s.getTotal()
                    + (negative ? " (a negative amount)" : "");
        }
        return null;
    }
}
