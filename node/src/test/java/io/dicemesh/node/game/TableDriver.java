package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;

/** Drives a CrapsTable in tests: hands out growing bet ids, asserts acceptance, checks invariants after each step. */
final class TableDriver {
    static final CrapsRules RULES = new CrapsRules(5, 500, OddsLimits.THREE_FOUR_FIVE);
    static final long STACK = 1000;
    static final long BANK = 100_000;

    final CrapsTable table;
    private long nextId = 1;

    TableDriver(CrapsTable table) {
        this.table = table;
    }

    /** Two players of 1000 at a 5..500, 3-4-5x table with a bank of 100000. */
    static TableDriver twoPlayers() {
        return new TableDriver(new CrapsTable(RULES, new long[] {STACK, STACK}, BANK));
    }

    static TableDriver of(CrapsRules rules, long bank, long... stacks) {
        return new TableDriver(new CrapsTable(rules, stacks, bank));
    }

    /** Places a bet that must be accepted; returns its id. */
    long bet(int seat, BetRequest request) {
        long id = nextId++;
        Optional<Refusal> refusal = table.place(seat, id, request);
        if (refusal.isPresent()) {
            fail("bet " + request + " refused: " + refusal.get().label());
        }
        table.checkInvariants();
        return id;
    }

    long bet(int seat, BetKind kind, long amount) {
        return bet(seat, BetRequest.of(kind, amount));
    }

    long bet(int seat, BetKind kind, long amount, int number) {
        return bet(seat, BetRequest.onNumber(kind, amount, number));
    }

    long odds(int seat, BetKind kind, long amount, long baseId) {
        return bet(seat, BetRequest.odds(kind, amount, baseId));
    }

    /** Places a bet that must be refused, checks that nothing changed, returns the reason. */
    Refusal refused(int seat, BetRequest request) {
        TableSnapshot before = TableSnapshot.of(table);
        Optional<Refusal> refusal = table.place(seat, nextId++, request);
        assertTrue(refusal.isPresent(), "expected a refusal for " + request);
        assertEquals(before, TableSnapshot.of(table), "a refused bet changed the table");
        table.checkInvariants();
        return refusal.get();
    }

    Optional<Refusal> takeDown(int seat, long betId) {
        TableSnapshot before = TableSnapshot.of(table);
        Optional<Refusal> refusal = table.takeDown(seat, betId);
        if (refusal.isPresent()) {
            assertEquals(before, TableSnapshot.of(table), "a refused take-down changed the table");
        }
        table.checkInvariants();
        return refusal;
    }

    RollResult roll(int die1, int die2) {
        RollResult result = table.roll(die1, die2);
        table.checkInvariants();
        return result;
    }

    /** The outcome the roll gave bet {@code betId}, or empty if it was not decided. */
    static Optional<BetOutcome> outcomeOf(RollResult result, long betId) {
        return result.outcomes().stream().filter(o -> o.betId() == betId).findFirst();
    }

    static BetOutcome decided(RollResult result, long betId) {
        return outcomeOf(result, betId).orElseThrow(() -> new AssertionError("bet " + betId + " not decided"));
    }

    boolean onFelt(long betId) {
        return table.felt().stream().anyMatch(b -> b.id() == betId);
    }

    Bet feltBet(long betId) {
        return table.felt().stream().filter(b -> b.id() == betId).findFirst()
                .orElseThrow(() -> new AssertionError("bet " + betId + " not on the felt"));
    }

    long usedId() {
        return nextId++;
    }
}
