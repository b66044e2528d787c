package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabelsTest {
    @Test
    void betKindLabelsAreSpelledAsInCrapsMdAndRoundTrip() {
        List<String> labels = List.of("pass", "dont-pass", "come", "dont-come", "pass-odds", "dont-pass-odds",
                "come-odds", "dont-come-odds", "place", "big6", "big8", "hard", "field", "any-seven", "any-craps",
                "aces", "ace-deuce", "yo", "boxcars");
        assertEquals(labels, EnumSet.allOf(BetKind.class).stream().map(BetKind::label).toList());
        for (BetKind kind : BetKind.values()) {
            assertEquals(Optional.of(kind), BetKind.fromLabel(kind.label()));
        }
    }

    @Test
    void unknownBetTextHasNoKind() {
        for (String text : List.of("lay", "big-6", "buy", "hop", "horn", "world", "PASS", "Pass", "", " pass")) {
            assertTrue(BetKind.fromLabel(text).isEmpty(), text);
        }
    }

    @Test
    void onlyTheFourOddsKindsAreOddsAndOnlyPlaceAndHardTakeANumber() {
        assertEquals(EnumSet.of(BetKind.PASS_ODDS, BetKind.DONT_PASS_ODDS, BetKind.COME_ODDS, BetKind.DONT_COME_ODDS),
                EnumSet.allOf(BetKind.class).stream().filter(BetKind::isOdds)
                        .collect(() -> EnumSet.noneOf(BetKind.class), EnumSet::add, EnumSet::addAll));
        for (BetKind kind : BetKind.values()) {
            assertEquals(kind == BetKind.PLACE || kind == BetKind.HARD, kind.takesNumber(), kind.label());
        }
        assertTrue(BetKind.HARD.acceptsNumber(8));
        assertFalse(BetKind.HARD.acceptsNumber(5));
        assertFalse(BetKind.PLACE.acceptsNumber(7));
    }

    @Test
    void refusalAndOutcomeLabelsAreTheVectorsNames() {
        // felt-full is dicemesh's own bound (CrapsRules.feltBetsPerSeat) and bond-uncovered its reveal bond (DESIGN 5b),
        // not CRAPS.md refusals; the rest are its names
        assertEquals(List.of("unknown-bet", "not-players-bet", "not-allowed-now", "under-min", "over-max",
                "odds-over-limit", "insufficient-stack", "felt-full", "bank-cannot-cover",
                "bond-uncovered"),
                EnumSet.allOf(Refusal.class).stream().map(Refusal::label).toList());
        assertEquals(List.of("win", "win-stays", "lose", "push", "returned"),
                EnumSet.allOf(Outcome.class).stream().map(Outcome::label).toList());
    }

    @Test
    void oddsLimitsGiveTheMultiplePerPointAndRejectOtherNumbers() {
        OddsLimits limits = OddsLimits.THREE_FOUR_FIVE;
        assertEquals(List.of(3, 4, 5, 5, 4, 3), List.of(limits.multipleFor(4), limits.multipleFor(5),
                limits.multipleFor(6), limits.multipleFor(8), limits.multipleFor(9), limits.multipleFor(10)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> limits.multipleFor(7));
    }
}
