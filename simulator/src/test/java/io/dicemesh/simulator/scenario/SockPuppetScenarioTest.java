package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.IntentRejection;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Bet;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import io.dicemesh.simulator.sim.TableSetup;
import io.dicemesh.simulator.sim.WithholdFrom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sock puppet withholding to re-roll for its partner (DESIGN 5b): the puppet sees the others' reveals, and when
 * the dice go against its partner it withholds its own, is evicted, and the roll restarts with fresh nonces. The
 * reveal bond makes that a loss for the pair: the puppet's free stack must cover the others' stakes at risk plus
 * their largest winnings on the roll, and it forfeits that. Each seed plays the partner's pass line in an honest run
 * until a roll loses it, then replays the same seed with the puppet withholding on that roll (it knows the dice as
 * a last revealer would), and compares what the pair holds afterwards.
 */
class SockPuppetScenarioTest {
    private static final int PARTNER = 0;
    private static final int OTHER = 1;
    private static final int PUPPET = 2;
    private static final long PUPPET_STACK = 300;
    /** The largest pass line the puppet's stack covers: its stake at risk plus even-money winnings. */
    private static final long COVERED = PUPPET_STACK / 2;
    /** What the partner would like to stake: the table's maximum. */
    private static final long WANTED = 500;
    private static final int ROLLS_MAX = 60;

    private static TableRules rules() {
        return TableSetup.rules(200, 2_000).toBuilder().setAbsentTimeoutMs(3_000).build();
    }

    private record Game(Simulation sim, TableId table) {
        TableState state(int node) {
            return sim.node(node).engine().tableState(table).orElseThrow();
        }
    }

    private static Game start(long seed) {
        Simulation sim = Scenarios.simulation(seed, 3, NetworkFaults.NONE);
        List<NodeId> ids = List.of(sim.node(0).id(), sim.node(1).id(), sim.node(2).id());
        TableId[] table = new TableId[1];
        sim.command(0, new ClientRequest.CreateTable(ids, List.of(5_000L, 5_000L, PUPPET_STACK), 1_000_000, rules()),
                r -> table[0] = ((ClientResult.TableCreated) r).table());
        boolean started = sim.runUntil(() -> table[0] != null && sim.nodes().stream()
                .allMatch(n -> n.engine().tableIds().contains(table[0])), sim.nowMs() + 30_000);
        assertTrue(started, "the table did not start");
        return new Game(sim, table[0]);
    }

    private static ClientResult bet(Game g, long amount) {
        ClientResult[] reply = new ClientResult[1];
        g.sim().command(PARTNER, new ClientRequest.PlaceBet(g.table(), BetKind.PASS, amount, 0, 0), r -> reply[0] = r);
        assertTrue(g.sim().runUntil(() -> reply[0] != null, g.sim().nowMs() + 30_000), "the bet got no answer");
        return reply[0];
    }

    private static boolean partnerHasPassLine(TableState s) {
        return s.getFeltList().stream().anyMatch(b -> b.getSeat() == PARTNER && b.getType() == BetType.PASS);
    }

    /** What the partner and the puppet hold together: stacks, stakes on the felt, and what is set aside. */
    private static long pairHolds(TableState s) {
        long sum = 0;
        for (int seat : new int[] {PARTNER, PUPPET}) {
            PlayerState p = s.getPlayers(seat);
            sum += p.getStack() + p.getWithdrawn();
            for (Bet b : s.getFeltList()) {
                sum += b.getSeat() == seat ? b.getStake() : 0;
            }
        }
        return sum;
    }

    /**
     * Plays the partner's pass line (as large as the table takes), roll after roll (the partner shoots), until roll {@code stopAt} has
     * committed among the partner and the other player, or (stopAt < 0) until a roll loses the partner's bet.
     * Returns that roll's number.
     */
    private static long play(Game g, long stopAt) {
        for (int i = 0; i < ROLLS_MAX; i++) {
            TableState s = g.state(PARTNER);
            if (!partnerHasPassLine(s) && s.getPoint() == 0) {
                // the pair wants as much riding as the table takes; the bond holds it to what the puppet covers
                ClientResult r = bet(g, WANTED);
                if (r instanceof ClientResult.IntentDone d && d.outcome().rejection() == IntentRejection.BOND_UNCOVERED) {
                    r = bet(g, COVERED);
                }
                assertTrue(r instanceof ClientResult.IntentDone d && d.outcome().accepted(), "bet refused: " + r);
                s = g.state(PARTNER);
            }
            long roll = s.getRollNo();
            long held = pairHolds(s);
            g.sim().command(PARTNER, new ClientRequest.Roll(g.table()), r -> { });
            boolean rolled = g.sim().runUntil(() -> g.state(PARTNER).getRollNo() > roll
                    && g.state(OTHER).getRollNo() > roll, g.sim().nowMs() + 60_000);
            assertTrue(rolled, "roll " + roll + " did not commit");
            if (roll == stopAt || (stopAt < 0 && pairHolds(g.state(PARTNER)) < held)) {
                return roll;
            }
        }
        throw new AssertionError("no roll lost the partner's pass line in " + ROLLS_MAX + " rolls");
    }

    @Test
    void aPassLineThePuppetsStackCannotCoverIsRefused() {
        Game g = start(1);
        ClientResult r = bet(g, COVERED + 1);
        assertTrue(r instanceof ClientResult.IntentDone d && !d.outcome().accepted()
                && d.outcome().rejection() == IntentRejection.BOND_UNCOVERED, "not refused bond-uncovered: " + r);
        ClientResult ok = bet(g, COVERED);
        assertTrue(ok instanceof ClientResult.IntentDone d && d.outcome().accepted(), "covered bet refused: " + ok);
        g.sim().close();
    }

    @Test
    void withholdingToReRollForThePartnerNeverPaysThePair() {
        int[] strictLoss = new int[1];
        Scenarios.forEachSeed("SockPuppetScenarioTest", 12, seed -> {
            Game honest = start(seed);
            long lostAt = play(honest, -1);
            long honestHolds = pairHolds(honest.state(PARTNER));
            Scenarios.assertSafe(honest.sim());
            honest.sim().close();

            Game puppet = start(seed);
            puppet.sim().setAdversary(PUPPET, new WithholdFrom(lostAt, puppet.sim().splitRandom()));
            assertEquals(lostAt, play(puppet, lostAt), "the replay went another way before the withheld roll");
            TableState after = puppet.state(PARTNER);
            Scenarios.assertSafe(puppet.sim());
            PlayerState p = after.getPlayers(PUPPET);
            assertEquals(EvictionCause.EVICTION_WITHHOLDING, p.getEvicted(), "the puppet was not evicted as a withholder");
            assertTrue(p.getEvictedBond() >= 2 * COVERED, "bond forfeited " + p.getEvictedBond());
            long puppetHolds = pairHolds(after);
            assertTrue(puppetHolds <= honestHolds, "the pair gained by withholding: " + puppetHolds + " against "
                    + honestHolds + " had the puppet revealed (roll " + lostAt + ")");
            strictLoss[0] += puppetHolds < honestHolds ? 1 : 0;
            puppet.sim().close();
        });
        System.out.println("SockPuppetScenarioTest: withholding cost the pair tokens in " + strictLoss[0] + " seeds");
        assertTrue(strictLoss[0] > 0, "withholding never cost the pair anything");
    }
}
