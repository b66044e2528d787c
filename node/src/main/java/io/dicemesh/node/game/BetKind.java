package io.dicemesh.node.game;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The bet types of CRAPS.md, each with its text label exactly as CRAPS.md spells it. */
public enum BetKind {
    PASS("pass"),
    DONT_PASS("dont-pass"),
    COME("come"),
    DONT_COME("dont-come"),
    PASS_ODDS("pass-odds"),
    DONT_PASS_ODDS("dont-pass-odds"),
    COME_ODDS("come-odds"),
    DONT_COME_ODDS("dont-come-odds"),
    PLACE("place"),
    BIG6("big6"),
    BIG8("big8"),
    HARD("hard"),
    FIELD("field"),
    ANY_SEVEN("any-seven"),
    ANY_CRAPS("any-craps"),
    ACES("aces"),
    ACE_DEUCE("ace-deuce"),
    YO("yo"),
    BOXCARS("boxcars");

    private static final Map<String, BetKind> BY_LABEL =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(BetKind::label, Function.identity()));

    private final String label;

    BetKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The kind whose label is exactly {@code label}; empty for any other text (case matters). */
    public static Optional<BetKind> fromLabel(String label) {
        return Optional.ofNullable(BY_LABEL.get(label));
    }

    /** Odds bets follow a base bet named by its id, and are exempt from the table's min and max. */
    public boolean isOdds() {
        return this == PASS_ODDS || this == DONT_PASS_ODDS || this == COME_ODDS || this == DONT_COME_ODDS;
    }

    /** Place and hard bets name a number; no other kind may. */
    public boolean takesNumber() {
        return this == PLACE || this == HARD;
    }

    /** Whether {@code number} is one this kind may name (place: 4, 5, 6, 8, 9, 10; hard: 4, 6, 8, 10). */
    public boolean acceptsNumber(int number) {
        return switch (this) {
            case PLACE -> DiceTotals.isPointNumber(number);
            case HARD -> number == 4 || number == 6 || number == 8 || number == 10;
            default -> false;
        };
    }

    /** For an odds kind, the kind of bet it must follow. */
    public BetKind oddsBase() {
        return switch (this) {
            case PASS_ODDS -> PASS;
            case DONT_PASS_ODDS -> DONT_PASS;
            case COME_ODDS -> COME;
            case DONT_COME_ODDS -> DONT_COME;
            default -> throw new IllegalStateException(this + " is not an odds bet");
        };
    }

    /** Come and Don't Come have their own come-out roll and then a come point of their own. */
    public boolean hasComePoint() {
        return this == COME || this == DONT_COME;
    }

    /** Whether the owner may take this bet down between rolls (the "take down" column of CRAPS.md). */
    public boolean canTakeDown() {
        return switch (this) {
            case DONT_PASS, DONT_COME, PASS_ODDS, DONT_PASS_ODDS, COME_ODDS, DONT_COME_ODDS, PLACE, BIG6, BIG8, HARD ->
                    true;
            default -> false;
        };
    }
}
