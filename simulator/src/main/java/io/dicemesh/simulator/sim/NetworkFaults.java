package io.dicemesh.simulator.sim;

/**
 * How the virtual network misbehaves: each message is dropped with probability {@code drop}, delivered twice
 * with probability {@code dup}, held back by up to {@code reorderMs} more with probability {@code reorder}, and
 * otherwise takes between {@code delayMinMs} and {@code delayMaxMs}.
 */
public record NetworkFaults(double drop, double dup, double reorder, long delayMinMs, long delayMaxMs, long reorderMs) {
    public static final NetworkFaults NONE = new NetworkFaults(0, 0, 0, 1, 5, 0);

    public NetworkFaults {
        if (drop < 0 || drop > 1 || dup < 0 || dup > 1 || reorder < 0 || reorder > 1) {
            throw new IllegalArgumentException("fault probabilities must be within 0..1");
        }
        if (delayMinMs < 0 || delayMaxMs < delayMinMs || reorderMs < 0) {
            throw new IllegalArgumentException("delays must satisfy 0 <= min <= max");
        }
    }

    public boolean any() {
        return drop > 0 || dup > 0 || reorder > 0;
    }
}
