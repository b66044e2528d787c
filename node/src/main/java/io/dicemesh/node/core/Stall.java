package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import java.util.List;

/**
 * Why a table cannot commit, as this node sees it: since when it has had work that did not commit, what it waits
 * on (votes, commitments or reveals), which players it has not heard from since then (or whose dice are missing),
 * and what DESIGN 5b's rules say about evicting them: when it would be allowed, or why it cannot be.
 *
 * @param evictableAtMs when the rules first allow evicting those waited for (absent or dice timeout after
 *     {@code sinceMs}); -1 when they do not ({@link #cannotEvict} says why)
 */
public record Stall(long sinceMs, String waitingOn, List<NodeId> waitingFor, long evictableAtMs, String cannotEvict) {
    public Stall {
        waitingFor = List.copyOf(waitingFor);
    }

    /**
     * What DESIGN 5b allows for a table of {@code players} (f = {@code liarsTolerated}) when {@code gone} of them are
     * waited for: null if an eviction may pass (2q - n > f for the q who stay, at least 2 of them), else why not.
     */
    static String whyNoEviction(int players, int gone, int liarsTolerated) {
        if (gone == 0) {
            return "every player is answering: the slot has not gathered its votes yet";
        }
        if (players <= 2) {
            return "a table of two: only a proven liar can be evicted";
        }
        int stay = players - gone;
        if (stay < 2 || 2 * stay - players <= liarsTolerated) {
            return "too few stayers: " + stay + " of " + players + " stay and an eviction needs 2q - n > " + liarsTolerated;
        }
        return null;
    }
}
