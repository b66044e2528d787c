package io.dicemesh.node.game;

import static io.dicemesh.node.game.BetKind.COME;
import static io.dicemesh.node.game.BetKind.COME_ODDS;
import static io.dicemesh.node.game.BetKind.DONT_COME;
import static io.dicemesh.node.game.BetKind.DONT_PASS;
import static io.dicemesh.node.game.BetKind.DONT_PASS_ODDS;
import static io.dicemesh.node.game.BetKind.FIELD;
import static io.dicemesh.node.game.BetKind.HARD;
import static io.dicemesh.node.game.BetKind.PASS;
import static io.dicemesh.node.game.BetKind.PASS_ODDS;
import static io.dicemesh.node.game.BetKind.PLACE;
import static io.dicemesh.node.game.Refusal.BANK_CANNOT_COVER;
import static io.dicemesh.node.game.Refusal.INSUFFICIENT_STACK;
import static io.dicemesh.node.game.Refusal.NOT_ALLOWED_NOW;
import static io.dicemesh.node.game.Refusal.NOT_PLAYERS_BET;
import static io.dicemesh.node.game.Refusal.ODDS_OVER_LIMIT;
import static io.dicemesh.node.game.Refusal.OVER_MAX;
import static io.dicemesh.node.game.Refusal.UNDER_MIN;
import static io.dicemesh.node.game.Refusal.UNKNOWN_BET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every refusal reason, and CRAPS.md's order when several apply. Each refusal must change nothing. */
class RefusalsTest {
    private static BetRequest request(Optional<BetKind> kind, long amount, int number, long on) {
        return new BetRequest(kind, amount, number, on);
    }

    @Test
    void unknownBetForUnknownTextBadNumbersAndMisplacedNumberOrOnBeforeAnyOtherReason() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        assertEquals(UNKNOWN_BET, t.refused(0, request(Optional.empty(), -5, 0, 0)));
        assertEquals(UNKNOWN_BET, t.refused(0, BetRequest.onNumber(PLACE, 10, 7)));
        assertEquals(UNKNOWN_BET, t.refused(0, BetRequest.onNumber(PLACE, 10, 0)), "place without a number");
        assertEquals(UNKNOWN_BET, t.refused(0, BetRequest.onNumber(HARD, 10, 5)));
        assertEquals(UNKNOWN_BET, t.refused(0, BetRequest.onNumber(HARD, 10, -4)));
        assertEquals(UNKNOWN_BET, t.refused(0, BetRequest.onNumber(FIELD, 10, 4)), "a number on a field bet");
        assertEquals(UNKNOWN_BET, t.refused(0, BetRequest.odds(PASS, 10, pass)), "an on on a pass bet");
        assertEquals(UNKNOWN_BET, t.refused(0, BetRequest.of(PASS_ODDS, 10)), "odds without on");
        assertEquals(UNKNOWN_BET, t.refused(1, request(Optional.of(PASS_ODDS), 0, 4, pass)),
                "a number on odds beats not-players-bet and under-min");
    }

    @Test
    void notPlayersBetForOddsOnAnotherPlayersBetBeforeItsKindOrPhase() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        assertEquals(NOT_PLAYERS_BET, t.refused(1, BetRequest.odds(PASS_ODDS, 10, pass)), "also before a point");
        t.roll(2, 2);
        assertEquals(NOT_PLAYERS_BET, t.refused(1, BetRequest.odds(PASS_ODDS, 10, pass)));
        assertEquals(NOT_PLAYERS_BET, t.refused(1, BetRequest.odds(DONT_PASS_ODDS, -1, pass)));
    }

    @Test
    void notAllowedNowForTheWrongPhase() {
        TableDriver t = TableDriver.twoPlayers();
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.of(COME, 10)));
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.of(DONT_COME, 0)), "phase before under-min");
        t.bet(0, PASS, 10);
        t.roll(3, 2);
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.of(PASS, 10)));
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.of(DONT_PASS, 10_000)), "phase before over-max");
    }

    @Test
    void notAllowedNowForOddsWithoutAFittingBaseOrBeforeItsPoint() {
        TableDriver t = TableDriver.twoPlayers();
        long pass = t.bet(0, PASS, 10);
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.odds(PASS_ODDS, 10, pass)), "no point yet");
        long field = t.bet(0, FIELD, 10);
        t.roll(2, 2);
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.odds(PASS_ODDS, 10, field)), "field resolved");
        assertEquals(NOT_ALLOWED_NOW, t.refused(1, BetRequest.odds(PASS_ODDS, 10, field)),
                "a resolved bet of another player is simply not on the felt");
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.odds(PASS_ODDS, 10, 12345)), "never existed");
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.odds(DONT_PASS_ODDS, 10, pass)), "wrong kind");
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.odds(COME_ODDS, 10, pass)), "wrong kind");
        long come = t.bet(0, COME, 10);
        assertEquals(NOT_ALLOWED_NOW, t.refused(0, BetRequest.odds(COME_ODDS, 10, come)), "before its come point");
    }

    @Test
    void underMinForSmallZeroAndNegativeStakesAndForOddsOfZeroOrLess() {
        TableDriver t = TableDriver.twoPlayers();
        assertEquals(UNDER_MIN, t.refused(0, BetRequest.of(FIELD, 4)));
        assertEquals(UNDER_MIN, t.refused(0, BetRequest.of(FIELD, 0)));
        assertEquals(UNDER_MIN, t.refused(0, BetRequest.of(FIELD, Long.MIN_VALUE)));
        long pass = t.bet(0, PASS, 10);
        t.roll(2, 2);
        assertEquals(UNDER_MIN, t.refused(0, BetRequest.odds(PASS_ODDS, 0, pass)));
        assertEquals(UNDER_MIN, t.refused(0, BetRequest.odds(PASS_ODDS, -30, pass)));
    }

    @Test
    void overMaxAppliesToEveryBetButOddsAndComesBeforeTheStack() {
        TableDriver t = TableDriver.twoPlayers();
        assertEquals(OVER_MAX, t.refused(0, BetRequest.of(FIELD, 501)));
        assertEquals(OVER_MAX, t.refused(0, BetRequest.of(FIELD, Long.MAX_VALUE)), "huge: over-max, no overflow");
        assertEquals(OVER_MAX, t.refused(0, BetRequest.onNumber(PLACE, 5000, 6)));
    }

    @Test
    void oddsOverLimitForHugeOddsWithoutOverflowAndBeforeTheStack() {
        TableDriver t = TableDriver.of(TableDriver.RULES, 100_000, 60, 1000);
        long pass = t.bet(0, PASS, 50);
        t.roll(5, 5); // point 10: 3x, limit 150 while the stack holds 10
        assertEquals(ODDS_OVER_LIMIT, t.refused(0, BetRequest.odds(PASS_ODDS, 151, pass)));
        assertEquals(ODDS_OVER_LIMIT, t.refused(0, BetRequest.odds(PASS_ODDS, Long.MAX_VALUE, pass)));
        assertEquals(INSUFFICIENT_STACK, t.refused(0, BetRequest.odds(PASS_ODDS, 150, pass)));
    }

    @Test
    void insufficientStackWhenTheStakeIsMoreThanTheStackAndAnAllInBetIsAccepted() {
        TableDriver t = TableDriver.of(TableDriver.RULES, 100_000, 50, 1000);
        assertEquals(INSUFFICIENT_STACK, t.refused(0, BetRequest.of(PASS, 51)));
        t.bet(0, PASS, 50);
        assertEquals(0, t.table.stack(0));
        assertEquals(INSUFFICIENT_STACK, t.refused(0, BetRequest.of(FIELD, 5)));
    }

    @Test
    void bankCannotCoverComesLastAndCountsTheWorstSingleRollOfTheWholeFelt() {
        TableDriver t = TableDriver.of(TableDriver.RULES, 500, 1000, 200);
        t.bet(0, BetKind.ANY_SEVEN, 100); // 7 pays 400
        t.bet(1, BetKind.ACES, 10); // 2 pays 300: the worst roll is still 400, not 700
        t.bet(1, FIELD, 50); // 2 now pays 300 + 100 = 400
        assertEquals(400, t.table.worstNextRollWinnings());
        assertEquals(BANK_CANNOT_COVER, t.refused(0, BetRequest.of(PASS, 101)), "7 would pay 501");
        t.bet(0, PASS, 100); // 7 pays exactly 500: covered
        assertEquals(500, t.table.worstNextRollWinnings());
        assertEquals(BANK_CANNOT_COVER, t.refused(0, BetRequest.of(BetKind.ANY_SEVEN, 5)));
        assertEquals(INSUFFICIENT_STACK, t.refused(1, BetRequest.of(BetKind.ANY_SEVEN, 141)),
                "the stack (140) is checked before the bank");
    }

    @Test
    void aSeatWithItsMostBetsOnTheFeltIsRefusedFeltFullAndTheOthersStillBet() {
        TableDriver t = TableDriver.twoPlayers();
        for (int i = 0; i < CrapsRules.FELT_BETS_PER_SEAT_DEFAULT; i++) {
            t.bet(0, FIELD, 5);
        }
        assertEquals(Refusal.FELT_FULL, t.refused(0, BetRequest.of(FIELD, 5)));
        assertEquals(OVER_MAX, t.refused(0, BetRequest.of(FIELD, 1_000_000_000L)),
                "an earlier reason still comes first");
        t.bet(1, FIELD, 5);
    }

    @Test
    void aTableWhoseRulesAllowAFullIntentBatchOfBetsASeatTakesThemAndTakesThemDown() {
        CrapsRules rules = new CrapsRules(5, 500, OddsLimits.THREE_FOUR_FIVE, true, CrapsRules.FELT_BETS_PER_SEAT_MAX);
        TableDriver t = TableDriver.of(rules, 1_000_000_000L, 1_000_000L, 1_000_000L);
        long[] ids = new long[CrapsRules.FELT_BETS_PER_SEAT_MAX];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = t.bet(0, BetKind.PLACE, 5, 6); // off on the come-out: no bond, no exposure
        }
        assertEquals(Refusal.FELT_FULL, t.refused(0, BetRequest.onNumber(BetKind.PLACE, 5, 8)));
        t.bet(1, BetKind.PLACE, 5, 8);
        for (long id : ids) {
            assertTrue(t.takeDown(0, id).isEmpty());
        }
        assertEquals(1, t.table.felt().size());
        t.bet(0, BetKind.PLACE, 5, 6);
    }
}
