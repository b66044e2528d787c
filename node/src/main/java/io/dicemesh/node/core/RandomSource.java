package io.dicemesh.node.core;

/** Randomness handed to the core (a seeded source in the simulator, SecureRandom in the daemon). */
@FunctionalInterface
public interface RandomSource {
    void nextBytes(byte[] out);
}
