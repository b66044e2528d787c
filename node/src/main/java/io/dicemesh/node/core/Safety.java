package io.dicemesh.node.core;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The safety rules of the commit as asserted where state is written, and the one hook through which a test's
 * deliberate bug ({@link InjectedBug}) switches a rule off, so that each rule reads clean at its call site. A
 * broken rule is a bug in this node: it stops the node rather than let it sign something it must not.
 */
final class Safety {
    private final Set<InjectedBug> bugs;

    Safety(Set<InjectedBug> bugs) {
        this.bugs = bugs;
    }

    /** R2: a node's lock never moves to another tx at its slot. */
    boolean lockMayMove() {
        return bugs.contains(InjectedBug.LOCK_MOVES);
    }

    /** R3: a view-change Prepare must propose the highest lock its justification shows. */
    boolean honoursJustificationLocks() {
        return !bugs.contains(InjectedBug.IGNORE_JUSTIFICATION_LOCKS);
    }

    /** The write-ahead rule: a lock is synced before its vote leaves. */
    boolean syncsVotes() {
        return !bugs.contains(InjectedBug.SKIP_VOTE_SYNC);
    }

    /** A certificate needs every player's vote. */
    boolean commitsOnOwnVote() {
        return bugs.contains(InjectedBug.COMMIT_BEFORE_ALL_VOTES);
    }

    /** How long a player must be silent before this node finds it gone (DESIGN 5b): the rule's timeout. */
    long absentTimeoutMs(long ruleMs) {
        return bugs.contains(InjectedBug.EAGER_ABSENCE) ? ruleMs / 200 : ruleMs;
    }

    /** Asserts a rule; a failure is a bug and stops the node with what broke. */
    static void check(boolean holds, String rule, Supplier<String> detail) {
        if (!holds) {
            throw new IllegalStateException("safety rule broken (" + rule + "): " + detail.get());
        }
    }
}
