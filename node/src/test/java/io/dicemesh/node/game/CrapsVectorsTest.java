package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.protocol.TestData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Replays shared/testdata/craps-vectors.json (from an independent implementation of CRAPS.md): every refusal reason,
 * and after every roll the stacks, bank, point, felt in placing order, come points and outcomes, must match exactly.
 */
class CrapsVectorsTest {
    private static final int CASES_EXPECTED = 197;
    private static final int FAILURES_SHOWN_MAX = 20;
    /** Ids that steps mention but no bet step ever uses are mapped from here up, far from any placed id. */
    private static final long UNPLACED_ID_BASE = 1_000_000_000L;

    @Test
    void everyCaseIsReproducedExactly() {
        JsonObject vectors = TestData.json("craps-vectors.json");
        JsonArray cases = vectors.getAsJsonArray("cases");
        List<String> failures = new ArrayList<>();
        int stepsChecked = 0;
        int stepsTotal = 0;
        for (JsonElement element : cases) {
            JsonObject testCase = element.getAsJsonObject();
            stepsTotal += testCase.getAsJsonArray("steps").size();
            CaseRun run = new CaseRun(testCase);
            try {
                stepsChecked += run.replay();
            } catch (AssertionError | RuntimeException e) {
                failures.add("case '" + run.name + "' step " + run.stepIndex + ": " + e.getMessage());
            }
        }
        System.out.printf("[craps vectors] %d cases, %d of %d steps checked, %d failing cases%n", cases.size(),
                stepsChecked, stepsTotal, failures.size());
        assertTrue(failures.isEmpty(), failures.size() + " failing cases:\n"
                + String.join("\n", failures.subList(0, Math.min(failures.size(), FAILURES_SHOWN_MAX))));
        assertEquals(CASES_EXPECTED, cases.size(), "cases read");
        assertEquals(stepsTotal, stepsChecked, "every step checked");
    }

    /** One case: its players as seats (JSON key order), its string bet ids as growing longs, and the replay. */
    private static final class CaseRun {
        final String name;
        final JsonObject testCase;
        final Map<String, Integer> seatOf = new LinkedHashMap<>();
        final Map<String, Long> idOf = new HashMap<>();
        final Map<Long, String> nameOf = new HashMap<>();
        int stepIndex = -1;

        CaseRun(JsonObject testCase) {
            this.testCase = testCase;
            this.name = testCase.get("name").getAsString();
        }

        int replay() {
            CrapsTable table = newTable();
            assignIds();
            JsonArray steps = testCase.getAsJsonArray("steps");
            int checked = 0;
            for (stepIndex = 0; stepIndex < steps.size(); stepIndex++) {
                JsonObject step = steps.get(stepIndex).getAsJsonObject();
                if (step.has("roll")) {
                    checkRoll(table, step);
                } else {
                    checkBetOrDown(table, step);
                }
                table.checkInvariants();
                checked++;
            }
            return checked;
        }

        private CrapsTable newTable() {
            JsonObject rules = testCase.getAsJsonObject("rules");
            JsonObject odds = rules.getAsJsonObject("odds");
            CrapsRules crapsRules = new CrapsRules(rules.get("min_bet").getAsLong(), rules.get("max_bet").getAsLong(),
                    new OddsLimits(odds.get("4").getAsInt(), odds.get("5").getAsInt(), odds.get("6").getAsInt(),
                            odds.get("8").getAsInt(), odds.get("9").getAsInt(), odds.get("10").getAsInt()));
            JsonObject players = testCase.getAsJsonObject("players");
            long[] stacks = new long[players.size()];
            for (Map.Entry<String, JsonElement> player : players.entrySet()) {
                stacks[seatOf.size()] = player.getValue().getAsLong();
                seatOf.put(player.getKey(), seatOf.size());
            }
            return new CrapsTable(crapsRules, stacks, testCase.get("bank").getAsLong());
        }

        /** Bet steps get 1, 2, 3, ... in step order, as the table requires growing ids. */
        private void assignIds() {
            for (JsonElement element : testCase.getAsJsonArray("steps")) {
                JsonObject step = element.getAsJsonObject();
                if (step.has("bet")) {
                    String id = step.getAsJsonObject("bet").get("id").getAsString();
                    assertTrue(!idOf.containsKey(id), "bet id " + id + " used twice");
                    idOf.put(id, idOf.size() + 1L);
                    nameOf.put(idOf.size() + 0L, id);
                }
            }
        }

        private long id(String name) {
            return idOf.computeIfAbsent(name, unplaced -> UNPLACED_ID_BASE + idOf.size());
        }

        private void checkBetOrDown(CrapsTable table, JsonObject step) {
            TableSnapshot before = TableSnapshot.of(table);
            Optional<Refusal> refusal;
            if (step.has("bet")) {
                JsonObject bet = step.getAsJsonObject("bet");
                BetRequest request = new BetRequest(BetKind.fromLabel(bet.get("type").getAsString()),
                        bet.get("amount").getAsLong(), bet.has("number") ? bet.get("number").getAsInt() : 0,
                        bet.has("on") ? id(bet.get("on").getAsString()) : 0);
                refusal = table.place(seat(bet), id(bet.get("id").getAsString()), request);
            } else {
                JsonObject down = step.getAsJsonObject("down");
                refusal = table.takeDown(seat(down), id(down.get("id").getAsString()));
            }
            Optional<String> expected = step.has("refused")
                    ? Optional.of(step.get("refused").getAsString()) : Optional.empty();
            assertEquals(expected, refusal.map(Refusal::label), "refusal");
            if (refusal.isPresent()) {
                assertEquals(before, TableSnapshot.of(table), "a refused step changed the table");
            }
        }

        private int seat(JsonObject betOrDown) {
            Integer seat = seatOf.get(betOrDown.get("player").getAsString());
            assertTrue(seat != null, "unknown player " + betOrDown.get("player"));
            return seat;
        }

        private void checkRoll(CrapsTable table, JsonObject step) {
            JsonArray dice = step.getAsJsonArray("roll");
            RollResult result = table.roll(dice.get(0).getAsInt(), dice.get(1).getAsInt());
            JsonObject after = step.getAsJsonObject("after");

            Map<String, Long> expectedStacks = new LinkedHashMap<>();
            after.getAsJsonObject("stacks").entrySet().forEach(e -> expectedStacks.put(e.getKey(),
                    e.getValue().getAsLong()));
            Map<String, Long> stacks = new LinkedHashMap<>();
            seatOf.forEach((player, seat) -> stacks.put(player, table.stack(seat)));
            assertEquals(expectedStacks, stacks, "stacks");
            assertEquals(after.get("bank").getAsLong(), table.bank(), "bank");
            assertEquals(after.get("point").getAsInt(), table.point(), "point");

            List<String> expectedFelt = new ArrayList<>();
            after.getAsJsonObject("felt").entrySet().forEach(e -> expectedFelt.add(e.getKey() + "="
                    + e.getValue().getAsLong()));
            List<String> felt = new ArrayList<>();
            Map<String, Integer> comePoints = new HashMap<>();
            for (Bet bet : table.felt()) {
                felt.add(nameOf.get(bet.id()) + "=" + bet.stake());
                if (bet.comePoint() != 0) {
                    comePoints.put(nameOf.get(bet.id()), bet.comePoint());
                }
            }
            assertEquals(expectedFelt, felt, "felt (ids and stakes in placing order)");

            Map<String, Integer> expectedComePoints = new HashMap<>();
            after.getAsJsonObject("come_points").entrySet().forEach(e -> expectedComePoints.put(e.getKey(),
                    e.getValue().getAsInt()));
            assertEquals(expectedComePoints, comePoints, "come points");

            Map<String, String> expectedOutcomes = new HashMap<>();
            after.getAsJsonObject("outcomes").entrySet().forEach(e -> expectedOutcomes.put(e.getKey(),
                    e.getValue().getAsString()));
            Map<String, String> outcomes = new HashMap<>();
            for (BetOutcome outcome : result.outcomes()) {
                String previous = outcomes.put(nameOf.get(outcome.betId()), outcome.outcome().label());
                assertTrue(previous == null, "two outcomes for bet " + nameOf.get(outcome.betId()));
            }
            assertEquals(expectedOutcomes, outcomes, "outcomes");
        }
    }
}
