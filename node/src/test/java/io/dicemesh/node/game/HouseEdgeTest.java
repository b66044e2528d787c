package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Plays millions of fair rolls with flat bets kept on the felt and measures each bet's house edge per decided bet
 * (pushes count as decided): it must lie within 4 standard errors of CRAPS.md's figure. The default seed is fixed
 * because this is a statistical test: with ~20 bets at 4 standard errors a fresh seed would fail about once in a
 * thousand runs with no bug. Replay or vary it with -Ddicemesh.test.seed=N.
 */
class HouseEdgeTest {
    private static final long DEFAULT_SEED = 20_240_601L;
    private static final int ROLLS = 2_000_000;
    private static final double STANDARD_ERRORS_MAX = 4.0;
    private static final long UNIT = 30; // every payout on 30 is exact: 7:6, 7:5, 9:5, 6:5, 3:2, 5:6, 2:3, 1:2
    private static final long DECISIONS_MIN = 10_000;
    private static final long STACK = 1_000_000_000_000L;
    private static final long BANK = 1_000_000_000_000_000L; // so the solvency rule never returns a bet
    private static final CrapsRules RULES = new CrapsRules(1, 1_000_000, OddsLimits.THREE_FOUR_FIVE);

    /** When a line may be (re)placed. */
    private enum When { COME_OUT, POINT, ANY_TIME, LINE_ODDS }

    /** One bet line kept on the felt, with its running tally of decisions. */
    private static final class Line {
        final String name;
        final int seat;
        final BetKind kind;
        final int number;
        final When when;
        final double expectedEdge;
        final Line base; // for odds: the line they follow
        long betId; // 0 = not on the felt
        long decisions;
        double stakeSum;
        double netSum;
        double netSquares;
        double netTimesStake;
        double stakeSquares;

        Line(String name, int seat, BetKind kind, int number, When when, double expectedEdge, Line base) {
            this.name = name;
            this.seat = seat;
            this.kind = kind;
            this.number = number;
            this.when = when;
            this.expectedEdge = expectedEdge;
            this.base = base;
        }

        void decided(long stake, long net) {
            decisions++;
            stakeSum += stake;
            netSum += net;
            netSquares += (double) net * net;
            netTimesStake += (double) net * stake;
            stakeSquares += (double) stake * stake;
        }

        double edge() {
            return -netSum / stakeSum;
        }

        /** Standard error of the ratio estimator sum(net) / sum(stake) (per-decision net / stake for flat stakes). */
        double standardError() {
            double ratio = netSum / stakeSum;
            double residualSquares = netSquares - 2 * ratio * netTimesStake + ratio * ratio * stakeSquares;
            double meanStake = stakeSum / decisions;
            return Math.sqrt(Math.max(residualSquares, 0) / (decisions * (decisions - 1.0))) / meanStake;
        }
    }

    private static List<Line> lines() {
        List<Line> lines = new ArrayList<>();
        Line pass = new Line("pass", 0, BetKind.PASS, 0, When.COME_OUT, 0.0141, null);
        Line dontPass = new Line("dont-pass", 1, BetKind.DONT_PASS, 0, When.COME_OUT, 0.0136, null);
        lines.add(pass);
        lines.add(dontPass);
        lines.add(new Line("pass-odds (max)", 0, BetKind.PASS_ODDS, 0, When.LINE_ODDS, 0.0, pass));
        lines.add(new Line("dont-pass-odds (max)", 1, BetKind.DONT_PASS_ODDS, 0, When.LINE_ODDS, 0.0, dontPass));
        lines.add(new Line("come", 2, BetKind.COME, 0, When.POINT, 0.0141, null));
        lines.add(new Line("dont-come", 3, BetKind.DONT_COME, 0, When.POINT, 0.0136, null));
        for (int number : new int[] {6, 8}) {
            lines.add(new Line("place " + number, 2, BetKind.PLACE, number, When.ANY_TIME, 0.0152, null));
        }
        for (int number : new int[] {5, 9}) {
            lines.add(new Line("place " + number, 2, BetKind.PLACE, number, When.ANY_TIME, 0.0400, null));
        }
        for (int number : new int[] {4, 10}) {
            lines.add(new Line("place " + number, 2, BetKind.PLACE, number, When.ANY_TIME, 0.0667, null));
        }
        lines.add(new Line("field", 3, BetKind.FIELD, 0, When.ANY_TIME, 0.0278, null));
        lines.add(new Line("any-seven", 3, BetKind.ANY_SEVEN, 0, When.ANY_TIME, 0.1667, null));
        lines.add(new Line("any-craps", 3, BetKind.ANY_CRAPS, 0, When.ANY_TIME, 0.1111, null));
        // Not in CRAPS.md's list; derived from its payouts: 1/11, 1/11, 1/9, 4/36 and 5/36.
        lines.add(new Line("big6 (derived 9.09%)", 1, BetKind.BIG6, 0, When.ANY_TIME, 1.0 / 11, null));
        lines.add(new Line("hard 8 (derived 9.09%)", 1, BetKind.HARD, 8, When.ANY_TIME, 1.0 / 11, null));
        lines.add(new Line("hard 4 (derived 11.11%)", 1, BetKind.HARD, 4, When.ANY_TIME, 1.0 / 9, null));
        lines.add(new Line("yo (derived 11.11%)", 0, BetKind.YO, 0, When.ANY_TIME, 4.0 / 36, null));
        lines.add(new Line("boxcars (derived 13.89%)", 0, BetKind.BOXCARS, 0, When.ANY_TIME, 5.0 / 36, null));
        return lines;
    }

    @Test
    void everyBetsMeasuredHouseEdgeIsWithinFourStandardErrorsOfCrapsMd() {
        long seed = Long.getLong("dicemesh.test.seed", DEFAULT_SEED);
        String replay = "mvn -pl node -am verify -Dtest=HouseEdgeTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Ddicemesh.test.seed=" + seed;
        System.out.println("[house edge] seed " + seed + ", " + ROLLS + " rolls (replay: " + replay + ")");
        List<Line> lines = lines();
        CrapsTable table = new CrapsTable(RULES, new long[] {STACK, STACK, STACK, STACK}, BANK);
        SplittableRandom random = new SplittableRandom(seed);
        long nextId = 1;
        for (int roll = 0; roll < ROLLS; roll++) {
            for (Line line : lines) {
                if (line.betId == 0 && mayPlace(line, table.point())) {
                    nextId = place(table, line, nextId, replay);
                }
            }
            RollResult result = table.roll(random.nextInt(6) + 1, random.nextInt(6) + 1);
            for (BetOutcome outcome : result.outcomes()) {
                tally(lines, outcome, replay);
            }
            table.checkInvariants();
        }

        List<String> misses = new ArrayList<>();
        for (Line line : lines) {
            double edge = line.edge();
            double standardError = line.standardError();
            double deviations = Math.abs(edge - line.expectedEdge) / standardError;
            String report = String.format("%-26s measured %7.3f%% +- %.3f%%, expected %6.2f%% (%.1f SE, %d decisions)",
                    line.name, 100 * edge, 100 * standardError, 100 * line.expectedEdge, deviations, line.decisions);
            System.out.println("[house edge] " + report);
            if (line.decisions < DECISIONS_MIN || deviations > STANDARD_ERRORS_MAX) {
                misses.add(report);
            }
        }
        assertTrue(misses.isEmpty(), "house edge off by more than " + STANDARD_ERRORS_MAX + " standard errors "
                + "(or too few decisions); replay with: " + replay + "\n" + String.join("\n", misses));
    }

    private static boolean mayPlace(Line line, int point) {
        return switch (line.when) {
            case COME_OUT -> point == 0;
            case POINT -> point != 0;
            case ANY_TIME -> true;
            case LINE_ODDS -> point != 0 && line.base.betId != 0;
        };
    }

    private static long place(CrapsTable table, Line line, long id, String replay) {
        BetRequest request;
        if (line.kind.isOdds()) {
            long maxOdds = UNIT * RULES.odds().multipleFor(table.point());
            request = BetRequest.odds(line.kind, maxOdds, line.base.betId);
        } else {
            request = line.kind.takesNumber() ? BetRequest.onNumber(line.kind, UNIT, line.number)
                    : BetRequest.of(line.kind, UNIT);
        }
        Optional<Refusal> refusal = table.place(line.seat, id, request);
        if (refusal.isPresent()) {
            fail(line.name + " refused (" + refusal.get().label() + "); replay with: " + replay);
        }
        line.betId = id;
        return id + 1;
    }

    private static void tally(List<Line> lines, BetOutcome outcome, String replay) {
        Line line = null;
        for (Line candidate : lines) {
            if (candidate.betId == outcome.betId()) {
                line = candidate;
            }
        }
        if (line == null) {
            fail("an outcome for a bet no line holds: " + outcome); // message built only on failure: this is hot
        }
        switch (outcome.outcome()) {
            case WIN, WIN_STAYS -> line.decided(outcome.stake(), outcome.winnings());
            case LOSE -> line.decided(outcome.stake(), -outcome.stake());
            case PUSH -> line.decided(outcome.stake(), 0);
            case RETURNED -> fail("a bet was returned (" + line.name + "): the huge bank should prevent it; "
                    + "replay with: " + replay);
        }
        if (outcome.outcome() != Outcome.WIN_STAYS) {
            line.betId = 0;
        }
        if (!line.kind.isOdds() && outcome.stake() != UNIT) {
            fail(line.name + ": stake " + outcome.stake() + " instead of " + UNIT);
        }
    }
}
