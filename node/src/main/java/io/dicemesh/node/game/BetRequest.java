package io.dicemesh.node.game;

import java.util.Objects;
import java.util.Optional;

/**
 * A bet request as a player sent it, not yet checked. kind empty = unknown type text; number 0 = none given; on 0 =
 * none given. Any amount may arrive (0, negative, huge): the table refuses what does not fit.
 */
public record BetRequest(Optional<BetKind> kind, long amount, int number, long on) {
    public BetRequest {
        Objects.requireNonNull(kind, "kind");
    }

    /** A bet that names neither a number nor a base bet. */
    public static BetRequest of(BetKind kind, long amount) {
        return new BetRequest(Optional.of(kind), amount, 0, 0);
    }

    /** A place or hard bet on {@code number}. */
    public static BetRequest onNumber(BetKind kind, long amount, int number) {
        return new BetRequest(Optional.of(kind), amount, number, 0);
    }

    /** An odds bet following the base bet {@code baseBetId}. */
    public static BetRequest odds(BetKind kind, long amount, long baseBetId) {
        return new BetRequest(Optional.of(kind), amount, 0, baseBetId);
    }
}
