package io.dicemesh.node.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random legal and illegal steps on random tables (2..16 seats, small banks so the solvency rule bites). After every
 * step the invariants hold; a refused step changes nothing; an accepted one moves exactly its money; a roll pays what
 * its outcomes say; the solvency figure matches brute-force rolls of all 21 pairs; restore round-trips. The seed is
 * fresh each run unless -Ddicemesh.test.seed=N is given, and is printed with the replay command.
 */
class RandomStepsPropertyTest {
    private static final int TABLES = 300;
    private static final int STEPS_PER_TABLE = 300;
    private static final int SEATS_MIN = 2;
    private static final int SEATS_MAX = 16;
    private static final int BRUTE_FORCE_EVERY_STEPS = 7;
    private static final OddsLimits[] ODDS = {OddsLimits.THREE_FOUR_FIVE, new OddsLimits(1, 1, 1, 1, 1, 1),
        new OddsLimits(10, 10, 10, 10, 10, 10), new OddsLimits(0, 2, 0, 2, 0, 2)};

    @Test
    void randomLegalAndIllegalStepsKeepEveryInvariantAndRefusedStepsChangeNothing() {
        long seed = Long.getLong("dicemesh.test.seed", new SplittableRandom().nextLong());
        String replay = "mvn -pl node -am verify -Dtest=RandomStepsPropertyTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Ddicemesh.test.seed=" + seed;
        System.out.println("[random steps] seed " + seed + " (replay: " + replay + ")");
        SplittableRandom random = new SplittableRandom(seed);
        Coverage coverage = new Coverage();
        long steps = 0;
        for (int t = 0; t < TABLES; t++) {
            Run run = new Run(random.split(), coverage);
            for (int s = 0; s < STEPS_PER_TABLE; s++) {
                try {
                    run.step(s);
                    run.table.checkInvariants();
                    if (s % 3 == 0) { // not every step: the sums' lazy paths (an invalid cache) need exercise too
                        run.checkCachedSums();
                    }
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("table " + t + " step " + s + " (" + run.lastStep + "): " + e
                            + "\nreplay with: " + replay, e);
                }
                steps++;
            }
        }
        System.out.println("[random steps] " + steps + " steps on " + TABLES + " tables, invariants held; " + coverage);
        // felt-full needs a seat's 100th bet on the felt, which random play does not reach: RefusalsTest covers it;
        // half the tables play CRAPS.md alone, half with dicemesh's reveal bond
        assertEquals(java.util.EnumSet.complementOf(java.util.EnumSet.of(Refusal.FELT_FULL)),
                java.util.EnumSet.copyOf(coverage.refusals.keySet()), "every CRAPS.md refusal reached: " + coverage);
        assertEquals(Outcome.values().length, coverage.outcomes.size(), "every outcome reached: " + coverage);
    }

    /** What the random steps reached, so that a weakened generator cannot pass unnoticed. */
    private static final class Coverage {
        final Map<Refusal, Integer> refusals = new EnumMap<>(Refusal.class);
        final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        int accepted;

        @Override
        public String toString() {
            return accepted + " bets accepted, refusals " + refusals + ", outcomes " + outcomes;
        }
    }

    /** One random table and its steps. */
    private static final class Run {
        final SplittableRandom random;
        final Coverage coverage;
        CrapsTable table;
        long nextId = 1;
        String lastStep = "";

        Run(SplittableRandom random, Coverage coverage) {
            this.random = random;
            this.coverage = coverage;
            int seats = random.nextInt(SEATS_MIN, SEATS_MAX + 1);
            long[] stacks = new long[seats];
            for (int i = 0; i < seats; i++) {
                stacks[i] = random.nextInt(8) == 0 ? 0 : random.nextLong(1, 3000);
            }
            long minBet = random.nextLong(1, 26);
            CrapsRules rules = new CrapsRules(minBet, minBet * random.nextLong(1, 60), ODDS[random.nextInt(4)],
                    random.nextBoolean());
            long bank = random.nextInt(10) == 0 ? random.nextLong(0, 100) : random.nextLong(100, 20_000);
            table = new CrapsTable(rules, stacks, bank);
        }

        void step(int index) {
            int roll = random.nextInt(100);
            if (roll < 40) {
                place();
            } else if (roll < 50) {
                takeDown();
            } else if (roll < 82) {
                roll(index);
            } else if (roll < 88) {
                transfer();
            } else if (roll < 91) {
                withdraw();
            } else if (roll < 96) {
                restore();
            } else {
                misuse();
            }
        }

        int activeSeat() {
            for (int attempt = 0; attempt < 64; attempt++) {
                int seat = random.nextInt(table.seats());
                if (table.isActive(seat)) {
                    return seat;
                }
            }
            return -1;
        }

        void place() {
            int seat = activeSeat();
            if (seat < 0) {
                return;
            }
            BetRequest request = randomRequest(seat);
            long id = nextId;
            nextId += random.nextInt(4) == 0 ? random.nextInt(1, 5) : 1; // ids must grow, gaps are fine
            lastStep = "place " + id + " for seat " + seat + ": " + request;
            TableSnapshot before = TableSnapshot.of(table);
            Optional<Refusal> walked = before.restore(table.nextBetId()).place(seat, id, request);
            Optional<Refusal> refusal = table.place(seat, id, request);
            assertEquals(walked, refusal, "the cached sums decide as a walk over the felt does");
            TableSnapshot after = TableSnapshot.of(table);
            if (refusal.isPresent()) {
                assertEquals(before, after, "a refused bet changed the table");
                coverage.refusals.merge(refusal.get(), 1, Integer::sum);
                return;
            }
            coverage.accepted++;
            Bet placed = after.felt().get(after.felt().size() - 1);
            assertEquals(new Bet(id, seat, request.kind().orElseThrow(), request.amount(), request.number(),
                    request.on(), 0), placed, "the new bet goes last on the felt");
            assertEquals(before.stacks().get(seat) - request.amount(), (long) after.stacks().get(seat));
            assertEquals(before.bank(), after.bank());
            assertTrue(table.worstNextRollWinnings() <= table.bank(), "an accepted bet leaves the felt covered");
        }

        /** Half sensible requests (a kind allowed now, a fitting number, base and amount), half anything at all. */
        BetRequest randomRequest(int seat) {
            return random.nextBoolean() ? sensibleRequest(seat) : anyRequest(seat);
        }

        BetRequest sensibleRequest(int seat) {
            CrapsRules rules = table.rules();
            long amount = random.nextLong(rules.minBet(), Math.max(rules.minBet(), Math.min(rules.maxBet(),
                    table.stack(seat))) + 1);
            List<Bet> ownBases = table.felt().stream().filter(b -> b.seat() == seat && !b.kind().isOdds()
                    && (b.kind().hasComePoint() ? b.comePoint() != 0 : table.point() != 0)
                    && (b.kind() == BetKind.PASS || b.kind() == BetKind.DONT_PASS || b.kind().hasComePoint()))
                    .toList();
            if (!ownBases.isEmpty() && random.nextInt(3) == 0) {
                Bet base = ownBases.get(random.nextInt(ownBases.size()));
                BetKind odds = switch (base.kind()) {
                    case PASS -> BetKind.PASS_ODDS;
                    case DONT_PASS -> BetKind.DONT_PASS_ODDS;
                    case COME -> BetKind.COME_ODDS;
                    default -> BetKind.DONT_COME_ODDS;
                };
                return BetRequest.odds(odds, random.nextLong(1, 6 * base.stake()), base.id());
            }
            BetKind[] line = table.point() == 0 ? new BetKind[] {BetKind.PASS, BetKind.DONT_PASS}
                    : new BetKind[] {BetKind.COME, BetKind.DONT_COME};
            BetKind[] any = {BetKind.PLACE, BetKind.HARD, BetKind.FIELD, BetKind.BIG6, BetKind.BIG8, BetKind.YO,
                BetKind.ANY_SEVEN, BetKind.ANY_CRAPS, BetKind.ACES, BetKind.ACE_DEUCE, BetKind.BOXCARS};
            BetKind kind = random.nextBoolean() ? line[random.nextInt(2)] : any[random.nextInt(any.length)];
            if (kind == BetKind.PLACE) {
                return BetRequest.onNumber(kind, amount, new int[] {4, 5, 6, 8, 9, 10}[random.nextInt(6)]);
            }
            if (kind == BetKind.HARD) {
                return BetRequest.onNumber(kind, amount, new int[] {4, 6, 8, 10}[random.nextInt(4)]);
            }
            return BetRequest.of(kind, amount);
        }

        BetRequest anyRequest(int seat) {
            int kindRoll = random.nextInt(BetKind.values().length + 2);
            Optional<BetKind> kind = kindRoll < BetKind.values().length
                    ? Optional.of(BetKind.values()[kindRoll]) : Optional.empty();
            int number = 0;
            if (kind.isPresent() && kind.get().takesNumber() ? random.nextInt(5) != 0 : random.nextInt(15) == 0) {
                number = random.nextInt(5) == 0 ? random.nextInt(-1, 13) : new int[] {4, 5, 6, 8, 9, 10}[
                        random.nextInt(6)];
            }
            long on = 0;
            List<Bet> felt = table.felt();
            boolean wantsOn = kind.isPresent() && kind.get().isOdds() ? random.nextInt(6) != 0 : random.nextInt(20) == 0;
            if (wantsOn) {
                on = !felt.isEmpty() && random.nextInt(4) != 0 ? felt.get(random.nextInt(felt.size())).id()
                        : random.nextLong(1, nextId + 3);
            }
            return new BetRequest(kind, randomAmount(seat, on), number, on);
        }

        long randomAmount(int seat, long on) {
            CrapsRules rules = table.rules();
            long stack = table.stack(seat);
            long baseStake = table.felt().stream().filter(b -> b.id() == on).mapToLong(Bet::stake).findFirst()
                    .orElse(rules.minBet());
            return switch (random.nextInt(12)) {
                case 0 -> 0;
                case 1 -> -random.nextLong(1, 100);
                case 2 -> Long.MAX_VALUE;
                case 3 -> Long.MIN_VALUE;
                case 4 -> stack;
                case 5 -> stack + 1;
                case 6 -> rules.maxBet() + random.nextInt(2);
                case 7 -> rules.minBet() - random.nextInt(2);
                case 8, 9 -> baseStake * random.nextInt(1, 11) + random.nextInt(-1, 2);
                default -> random.nextLong(rules.minBet(), rules.maxBet() + 1);
            };
        }

        void takeDown() {
            int seat = activeSeat();
            List<Bet> felt = table.felt();
            if (seat < 0) {
                return;
            }
            long id;
            if (!felt.isEmpty() && random.nextInt(5) != 0) {
                Bet bet = felt.get(random.nextInt(felt.size()));
                id = bet.id();
                seat = random.nextInt(3) != 0 && table.isActive(bet.seat()) ? bet.seat() : seat;
            } else {
                id = random.nextLong(1, nextId + 3);
            }
            lastStep = "take down " + id + " for seat " + seat;
            TableSnapshot before = TableSnapshot.of(table);
            Optional<Refusal> refusal = table.takeDown(seat, id);
            TableSnapshot after = TableSnapshot.of(table);
            if (refusal.isPresent()) {
                assertEquals(before, after, "a refused take-down changed the table");
                coverage.refusals.merge(refusal.get(), 1, Integer::sum);
                return;
            }
            Bet bet = before.felt().stream().filter(b -> b.id() == id).findFirst().orElseThrow();
            assertEquals(before.stacks().get(seat) + bet.stake(), (long) after.stacks().get(seat));
            assertEquals(before.felt().size() - 1, after.felt().size());
        }

        void roll(int index) {
            int die1 = random.nextInt(1, 7);
            int die2 = random.nextInt(1, 7);
            lastStep = "roll " + die1 + "+" + die2;
            if (index % BRUTE_FORCE_EVERY_STEPS == 0) {
                assertEquals(bruteForceWorstRoll(), table.worstNextRollWinnings(), "solvency vs brute force");
            }
            boolean covered = table.worstNextRollWinnings() <= table.bank();
            TableSnapshot before = TableSnapshot.of(table);
            RollResult result = table.roll(die1, die2);
            checkMoney(before, result);
            result.outcomes().forEach(o -> coverage.outcomes.merge(o.outcome(), 1, Integer::sum));
            boolean anyReturned = !result.outcomes().isEmpty()
                    && result.outcomes().get(0).outcome() == Outcome.RETURNED
                    && before.felt().get(before.felt().size() - 1).id() == result.outcomes().get(0).betId();
            assertEquals(!covered, anyReturned, "the newest bet goes back exactly when the felt is uncovered");
            assertEquals(before.point(), result.pointBefore());
            assertEquals(table.point(), result.pointAfter());
            assertEquals(table.shooter(), result.shooterAfter());
            assertEquals(result.pointBefore() != 0 && die1 + die2 == 7, result.sevenOut());
        }

        /** Winnings of the worst of the 21 pairs, by rolling each on a copy whose bank is too big to return bets. */
        long bruteForceWorstRoll() {
            TableSnapshot now = TableSnapshot.of(table);
            long worst = 0;
            for (int die1 = 1; die1 <= 6; die1++) {
                for (int die2 = die1; die2 <= 6; die2++) {
                    CrapsTable copy = new TableSnapshot(now.rules(), now.stacks(), now.withdrawn(), now.active(),
                            Long.MAX_VALUE / 4, now.point(), now.shooter(), now.felt(), 0).restore(table.nextBetId());
                    long winnings = copy.roll(die1, die2).outcomes().stream().mapToLong(BetOutcome::winnings).sum();
                    worst = Math.max(worst, winnings);
                }
            }
            return worst;
        }

        /** Each seat gains exactly what its outcomes pay back; the bank gains losses and pays winnings. */
        void checkMoney(TableSnapshot before, RollResult result) {
            long[] gain = new long[table.seats()];
            long bankGain = 0;
            for (BetOutcome outcome : result.outcomes()) {
                switch (outcome.outcome()) {
                    case WIN -> gain[outcome.seat()] += outcome.stake() + outcome.winnings();
                    case WIN_STAYS -> gain[outcome.seat()] += outcome.winnings();
                    case PUSH, RETURNED -> gain[outcome.seat()] += outcome.stake();
                    case LOSE -> bankGain += outcome.stake();
                }
                if (outcome.outcome() == Outcome.WIN || outcome.outcome() == Outcome.WIN_STAYS) {
                    bankGain -= outcome.winnings();
                } else {
                    assertEquals(0, outcome.winnings());
                }
            }
            for (int seat = 0; seat < table.seats(); seat++) {
                assertEquals(before.stacks().get(seat) + gain[seat], table.stack(seat), "seat " + seat);
            }
            assertEquals(before.bank() + bankGain, table.bank(), "bank");
        }

        void transfer() {
            int from = activeSeat();
            int to = activeSeat();
            if (from < 0 || from == to || to < 0) {
                return;
            }
            long amount = switch (random.nextInt(4)) {
                case 0 -> -random.nextLong(0, 10);
                case 1 -> table.stack(from) + 1;
                default -> random.nextLong(0, table.stack(from) + 1);
            };
            lastStep = "transfer " + amount + " from " + from + " to " + to;
            TableSnapshot before = TableSnapshot.of(table);
            if (!table.transfer(from, to, amount)) {
                assertTrue(amount <= 0 || amount > before.stacks().get(from));
                assertEquals(before, TableSnapshot.of(table), "a refused transfer changed the table");
            }
        }

        void withdraw() {
            int seat = activeSeat();
            if (seat < 0 || random.nextInt(3) != 0) {
                return;
            }
            lastStep = "withdraw " + seat;
            if (table.hasBetsOnFelt(seat)) {
                TableSnapshot before = TableSnapshot.of(table);
                assertThrows(IllegalStateException.class, () -> table.withdraw(seat));
                assertEquals(before, TableSnapshot.of(table));
            } else {
                long stack = table.stack(seat);
                assertEquals(stack, table.withdraw(seat));
                assertTrue(!table.isActive(seat));
            }
        }

        /** The sums the table keeps between changes equal a fresh walk over its felt (a restored copy's). */
        void checkCachedSums() {
            CrapsTable walked = TableSnapshot.of(table).restore(table.nextBetId());
            assertEquals(walked.worstNextRollWinnings(), table.worstNextRollWinnings(), "cached solvency sums");
            for (int seat = 0; seat < table.seats(); seat++) {
                assertEquals(walked.revealBond(seat), table.revealBond(seat), "cached bond sums, seat " + seat);
            }
        }

        void restore() {
            lastStep = "restore";
            TableSnapshot before = TableSnapshot.of(table);
            CrapsTable restored = before.restore(table.nextBetId());
            assertEquals(before, TableSnapshot.of(restored));
            assertEquals(table.worstNextRollWinnings(), restored.worstNextRollWinnings());
            table = restored;
        }

        void misuse() {
            lastStep = "programmer errors";
            TableSnapshot before = TableSnapshot.of(table);
            long used = random.nextLong(0, table.nextBetId()); // every id below it is used up (or never valid)
            int seat = activeSeat();
            if (seat >= 0) {
                assertThrows(IllegalArgumentException.class,
                        () -> table.place(seat, used, BetRequest.of(BetKind.FIELD, table.rules().minBet())));
            }
            assertThrows(IllegalArgumentException.class, () -> table.place(table.seats(), nextId,
                    BetRequest.of(BetKind.FIELD, 10)));
            assertThrows(IllegalArgumentException.class, () -> table.roll(random.nextInt(7, 20), 1));
            assertEquals(before, TableSnapshot.of(table));
        }
    }
}
