package io.dicemesh.node.net;

/**
 * A rate limit without clocks of its own: up to {@code burst} tokens, refilled at {@code perSecond}; each unit of
 * work a stranger can trigger takes one first, and work without a token is not done. Not thread-safe (one per
 * channel, used on its event loop).
 */
final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNs;
    private boolean started;

    TokenBucket(double perSecond, int burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate " + perSecond + "/s, burst " + burst);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes one token if there is one at {@code nowNs} (a monotonic clock). */
    boolean tryTake(long nowNs) {
        if (started) {
            long elapsed = nowNs - lastNs;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * perNano);
            }
        }
        started = true;
        lastNs = nowNs;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
