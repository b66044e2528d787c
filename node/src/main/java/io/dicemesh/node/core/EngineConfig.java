package io.dicemesh.node.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of a node's core. Protocol timeouts that every player must share live in the table rules (genesis);
 * these are this node's own.
 *
 * @param autoAcceptInvites  accept table invites without a {@code table join}
 * @param intentBatchDelayMs how long a node gathers its client's intents before signing them as one batch
 * @param ownBatchesMax      most signed, uncommitted own batches per table; more requests are refused as busy
 * @param resendIntervalMs   how often unanswered genesis accepts and catch-up queries are repeated
 * @param recentCertificatesMax certificates per table kept in memory to help peers catch up
 * @param injectedBugs         empty, except in tests that prove the simulator's checkers work
 */
public record EngineConfig(boolean autoAcceptInvites, long intentBatchDelayMs, int ownBatchesMax,
        long resendIntervalMs, int recentCertificatesMax, Set<InjectedBug> injectedBugs) {

    public EngineConfig {
        injectedBugs = injectedBugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(injectedBugs));
    }

    public static EngineConfig defaults() {
        return new EngineConfig(true, 2, 64, 1_000, 256, Set.of());
    }

    public EngineConfig withAutoAcceptInvites(boolean accept) {
        return new EngineConfig(accept, intentBatchDelayMs, ownBatchesMax, resendIntervalMs, recentCertificatesMax,
                injectedBugs);
    }

    public EngineConfig withIntentBatchDelayMs(long delayMs) {
        return new EngineConfig(autoAcceptInvites, delayMs, ownBatchesMax, resendIntervalMs, recentCertificatesMax,
                injectedBugs);
    }

    /** Tests only: a config whose engines carry deliberate bugs (see {@link InjectedBug}). */
    public EngineConfig withInjectedBugs(Set<InjectedBug> bugs) {
        return new EngineConfig(autoAcceptInvites, intentBatchDelayMs, ownBatchesMax, resendIntervalMs,
                recentCertificatesMax, bugs);
    }

    boolean has(InjectedBug bug) {
        return injectedBugs.contains(bug);
    }
}
