package io.dicemesh.node.core;

import io.dicemesh.node.game.Refusal;
import java.util.Locale;

/** Why an intent in a committed slot changed nothing. Every peer reaches the same reason for the same intent. */
public enum IntentRejection {
    // the craps rules (CRAPS.md), in their check order
    UNKNOWN_BET,
    NOT_PLAYERS_BET,
    NOT_ALLOWED_NOW,
    UNDER_MIN,
    OVER_MAX,
    ODDS_OVER_LIMIT,
    INSUFFICIENT_STACK,
    FELT_FULL,
    BANK_CANNOT_COVER,
    /** A bet or transfer that would leave some player's reveal bond uncovered, or more so (DESIGN 5b). */
    BOND_UNCOVERED,
    // the table
    /** The batch number was already applied: a replay or a resend. */
    DUPLICATE,
    /** An earlier batch of the same player is still missing. */
    OUT_OF_ORDER,
    /** A transfer to someone who is not another player at this table. */
    UNKNOWN_PLAYER,
    /** A transfer amount that is not positive. */
    INVALID_AMOUNT,
    /** The player had left the table. */
    NOT_SEATED,
    /** An intent with no kind this version knows. */
    MALFORMED;

    public static IntentRejection of(Refusal refusal) {
        return valueOf(refusal.name());
    }

    /** As shown to people and in metrics: {@code insufficient-stack}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
