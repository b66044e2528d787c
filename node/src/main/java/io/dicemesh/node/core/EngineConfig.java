package io.dicemesh.node.core;

/**
 * Settings of a node's core. Protocol timeouts that every player must share live in the table rules (genesis);
 * these are this node's own.
 *
 * @param autoAcceptInvites  accept table invites without a {@code table join}
 * @param intentBatchDelayMs how long a node gathers its client's intents before signing them as one batch
 * @param ownBatchesMax      most signed, uncommitted own batches per table; more requests are refused as busy
 * @param resendIntervalMs   how often unanswered genesis accepts and catch-up queries are repeated
 * @param recentCertificatesMax certificates per table kept in memory to help peers catch up
 */
public record EngineConfig(boolean autoAcceptInvites, long intentBatchDelayMs, int ownBatchesMax,
        long resendIntervalMs, int recentCertificatesMax) {

    public static EngineConfig defaults() {
        return new EngineConfig(true, 2, 64, 1_000, 256);
    }

    public EngineConfig withAutoAcceptInvites(boolean accept) {
        return new EngineConfig(accept, intentBatchDelayMs, ownBatchesMax, resendIntervalMs, recentCertificatesMax);
    }

    public EngineConfig withIntentBatchDelayMs(long delayMs) {
        return new EngineConfig(autoAcceptInvites, delayMs, ownBatchesMax, resendIntervalMs, recentCertificatesMax);
    }
}
