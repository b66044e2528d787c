package io.dicemesh.simulator.sim;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Bet;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Players: one bot per seated node per table, playing craps through the same client requests a person would
 * send. They place every kind of bet, take bets down, transfer, ask for rolls, sometimes leave, and on purpose
 * try things that must be refused (over the max, the wrong phase, more than their stack, odds on nothing).
 * Each bot has one request outstanding at a time.
 */
public final class CrapsBots {
    /** How bots behave; probabilities per action. */
    public record Mix(long thinkMinMs, long thinkMaxMs, double roll, double takeDown, double transfer,
            double invalid, double leave) {
        public static final Mix DEFAULT = new Mix(5, 60, 0.25, 0.08, 0.04, 0.12, 0.0);
    }

    private static final int[] PLACE_NUMBERS = {4, 5, 6, 8, 9, 10};
    private static final int[] HARD_NUMBERS = {4, 6, 8, 10};

    private final Simulation sim;
    private final SplittableRandom random;
    private final Mix mix;
    private final Map<String, Long> results = new TreeMap<>();
    private boolean stopped;
    private long requests;
    private long betsAccepted;
    private long betsRejected;
    private long rollsAnswered;

    public CrapsBots(Simulation sim, Mix mix) {
        this.sim = sim;
        this.random = sim.splitRandom();
        this.mix = mix;
    }

    /** Starts a bot for every seated node of the table. */
    public void play(TableId table, List<Integer> seatedNodes) {
        for (int node : seatedNodes) {
            scheduleNext(node, table);
        }
    }

    public void stop() {
        stopped = true;
    }

    private void scheduleNext(int node, TableId table) {
        if (stopped) {
            return;
        }
        long think = mix.thinkMinMs() + random.nextLong(Math.max(1, mix.thinkMaxMs() - mix.thinkMinMs() + 1));
        sim.scheduler().after(think, () -> act(node, table));
    }

    private void act(int node, TableId table) {
        if (stopped) {
            return;
        }
        SimNode n = sim.node(node);
        if (!n.isUp()) {
            scheduleNext(node, table);
            return;
        }
        TableState state = n.engine().tableState(table).orElse(null);
        if (state == null) {
            scheduleNext(node, table);
            return;
        }
        int seat = seatOf(state, n.id());
        if (seat < 0 || state.getPlayers(seat).getLeft()) {
            return; // this bot left the table
        }
        ClientRequest request = choose(table, state, seat, n.id());
        requests++;
        sim.command(node, request, result -> {
            record(request, result);
            scheduleNext(node, table);
        });
    }

    private ClientRequest choose(TableId table, TableState state, int seat, NodeId me) {
        double r = random.nextDouble();
        if (r < mix.roll()) {
            return new ClientRequest.Roll(table);
        }
        r -= mix.roll();
        List<Bet> mine = new ArrayList<>();
        for (Bet b : state.getFeltList()) {
            if (b.getSeat() == seat) {
                mine.add(b);
            }
        }
        if (r < mix.takeDown() && !mine.isEmpty()) {
            return new ClientRequest.TakeDown(table, mine.get(random.nextInt(mine.size())).getId());
        }
        r -= mix.takeDown();
        if (r < mix.transfer() && state.getPlayersCount() > 1) {
            int to = random.nextInt(state.getPlayersCount());
            long amount = random.nextDouble() < mix.invalid() ? -random.nextLong(5) : 1 + random.nextLong(20);
            return new ClientRequest.Transfer(table, NodeId.of(state.getPlayers(to).getPlayer()), amount);
        }
        r -= mix.transfer();
        if (r < mix.leave() && mine.isEmpty()) {
            return new ClientRequest.Leave(table);
        }
        return bet(table, state, seat, mine);
    }

    private ClientRequest bet(TableId table, TableState state, int seat, List<Bet> mine) {
        BetKind kind = BetKind.values()[random.nextInt(BetKind.values().length)];
        long min = state.getRules().getMinBet();
        long max = state.getRules().getMaxBet();
        long amount = min + random.nextLong(Math.max(1, Math.min(max, 10 * min) - min + 1));
        boolean invalid = random.nextDouble() < mix.invalid();
        if (invalid) {
            long stack = state.getPlayers(seat).getStack();
            long[] bad = {0, -min, max + 1 + random.nextLong(100), stack + 1 + random.nextLong(1000), min - 1};
            amount = bad[random.nextInt(bad.length)];
        }
        int number = 0;
        long on = 0;
        if (kind == BetKind.PLACE) {
            number = PLACE_NUMBERS[random.nextInt(PLACE_NUMBERS.length)];
        } else if (kind == BetKind.HARD) {
            number = HARD_NUMBERS[random.nextInt(HARD_NUMBERS.length)];
        } else if (kind.isOdds()) {
            Bet base = baseFor(kind, mine);
            on = base != null && !invalid ? base.getId() : 1 + random.nextLong(Math.max(1, state.getNextBetId()));
            if (base != null && !invalid) {
                amount = Math.max(1, Math.min(amount, base.getStake()));
            }
        }
        return new ClientRequest.PlaceBet(table, kind, amount, number, on);
    }

    private Bet baseFor(BetKind odds, List<Bet> mine) {
        BetType want = switch (odds) {
            case PASS_ODDS -> BetType.PASS;
            case DONT_PASS_ODDS -> BetType.DONT_PASS;
            case COME_ODDS -> BetType.COME;
            default -> BetType.DONT_COME;
        };
        List<Bet> bases = new ArrayList<>();
        for (Bet b : mine) {
            if (b.getType() == want) {
                bases.add(b);
            }
        }
        return bases.isEmpty() ? null : bases.get(random.nextInt(bases.size()));
    }

    private void record(ClientRequest request, ClientResult result) {
        String key;
        if (result instanceof ClientResult.IntentDone done) {
            boolean bet = request instanceof ClientRequest.PlaceBet;
            if (done.outcome().accepted()) {
                key = "accepted";
                if (bet) {
                    betsAccepted++;
                }
            } else {
                key = done.outcome().rejection().label();
                if (bet) {
                    betsRejected++;
                }
            }
        } else if (result instanceof ClientResult.Rolled) {
            key = "rolled";
            rollsAnswered++;
        } else if (result instanceof ClientResult.Failed f) {
            key = "failed:" + f.code().label();
        } else {
            key = result.getClass().getSimpleName();
        }
        results.merge(key, 1L, Long::sum);
    }

    private static int seatOf(TableState state, NodeId id) {
        for (int i = 0; i < state.getPlayersCount(); i++) {
            PlayerState p = state.getPlayers(i);
            if (id.matches(p.getPlayer())) {
                return i;
            }
        }
        return -1;
    }

    public Map<String, Long> results() {
        return Map.copyOf(results);
    }

    public long requests() {
        return requests;
    }

    public long betsAccepted() {
        return betsAccepted;
    }

    public long betsRejected() {
        return betsRejected;
    }

    public long rollsAnswered() {
        return rollsAnswered;
    }
}
