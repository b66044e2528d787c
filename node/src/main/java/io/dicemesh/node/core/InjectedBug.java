package io.dicemesh.node.core;

/**
 * Deliberate bugs, for tests only: each breaks one rule of the atomic commit so the simulator's tests can prove
 * that its checkers catch the breakage. No node ever runs with one; the daemon has no way to set them.
 */
public enum InjectedBug {
    /** R2 broken: a locked player votes for another tx at the same slot. */
    LOCK_MOVES,
    /** A node commits a tx as soon as it has voted for it, before every player's vote is in. */
    COMMIT_BEFORE_ALL_VOTES,
    /** The lock and vote are written without a sync before the vote is sent. */
    SKIP_VOTE_SYNC,
    /** R3 broken: a view-change coordinator ignores the locks in its justification, and players accept that. */
    IGNORE_JUSTIFICATION_LOCKS,
    /** A node finds a player gone after a 200th of the absent timeout: honest, answering players get evicted. */
    EAGER_ABSENCE
}
