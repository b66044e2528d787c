package io.dicemesh.simulator.sim;

/** A broken invariant: which checker, at what virtual time, on which node, and what it saw. */
public record Violation(String checker, long atMs, int node, String message) {
    @Override
    public String toString() {
        return checker + " at " + atMs + " ms on node" + node + ": " + message;
    }
}
