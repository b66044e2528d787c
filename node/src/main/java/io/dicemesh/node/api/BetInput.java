package io.dicemesh.node.api;

import io.dicemesh.node.game.BetKind;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a well-formed bet request looks like before it reaches the table: a known type, a number exactly when the
 * type needs one, a base bet exactly for odds. Shared by the admin API and the CLI so both say the same thing.
 * Whether the table allows the bet now (limits, stack, point) is the table's call, not this class's.
 */
public final class BetInput {
    private BetInput() {
    }

    /** The bet type named exactly {@code label} (pass, dont-pass, ..., boxcars). */
    public static Optional<BetKind> kind(String label) {
        return label == null ? Optional.empty() : BetKind.fromLabel(label);
    }

    /** Every bet type label, comma-separated, in CRAPS.md order. */
    public static String labels() {
        return Stream.of(BetKind.values()).map(BetKind::label).collect(Collectors.joining(", "));
    }

    /** One line for an unknown bet type. */
    public static String unknownKind(String label) {
        return "unknown bet type '" + label + "' (one of: " + labels() + ")";
    }

    /**
     * Why a bet of {@code kind} with this number (0: none) and base bet id (0: none) cannot be asked for, or null
     * when its shape is right.
     */
    public static String problem(BetKind kind, int number, long onBet) {
        if (kind.takesNumber()) {
            if (number == 0) {
                return "a " + kind.label() + " bet needs a NUMBER: " + numbers(kind);
            }
            if (!kind.acceptsNumber(number)) {
                return "a " + kind.label() + " bet takes " + numbers(kind) + ", not " + number;
            }
        } else if (number != 0) {
            return "a " + kind.label() + " bet takes no NUMBER";
        }
        if (kind.isOdds()) {
            if (onBet <= 0) {
                return "a " + kind.label() + " bet names the " + kind.oddsBase().label()
                        + " bet it backs with --on BET-ID";
            }
        } else if (onBet != 0) {
            return "only odds bets name a base bet (--on); " + kind.label() + " is not one";
        }
        return null;
    }

    private static String numbers(BetKind kind) {
        return kind == BetKind.HARD ? "4, 6, 8 or 10" : "4, 5, 6, 8, 9 or 10";
    }
}
