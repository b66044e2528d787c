package io.dicemesh.simulator.sim;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.TableRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Creates tables in a simulation the way a player would: a create command at one node, accepts everywhere. */
public final class TableSetup {
    private TableSetup() {
    }

    /** Table rules for simulations: 5..500 bets, 3-4-5x odds, and the given timeouts (virtual ms). */
    public static TableRules rules(int viewTimeoutMs, int diceTimeoutMs) {
        return TableRules.newBuilder().setMinBet(5).setMaxBet(500)
                .setOdds(OddsMultiples.newBuilder().setFour(3).setFive(4).setSix(5).setEight(5).setNine(4).setTen(3))
                .setViewTimeoutMs(viewTimeoutMs).setDiceTimeoutMs(diceTimeoutMs).setAbsentTimeoutMs(120_000).build();
    }

    /**
     * Creates a table of the given nodes (the first creates it), each with {@code stack}, and runs until every
     * player has started it. Returns the table id, or throws if it does not start by {@code deadlineMs}.
     */
    public static TableId create(Simulation sim, List<Integer> players, long stack, long bank, TableRules rules,
            long deadlineMs) {
        List<NodeId> ids = new ArrayList<>();
        for (int p : players) {
            ids.add(sim.node(p).id());
        }
        TableId[] created = new TableId[1];
        String[] failure = new String[1];
        sim.command(players.get(0), new ClientRequest.CreateTable(ids,
                Collections.nCopies(players.size(), stack), bank, rules), r -> {
                    if (r instanceof ClientResult.TableCreated c) {
                        created[0] = c.table();
                    } else {
                        failure[0] = String.valueOf(r);
                    }
                });
        boolean started = sim.runUntil(() -> created[0] != null && players.stream()
                .allMatch(p -> !sim.node(p).isUp() || sim.node(p).engine().tableIds().contains(created[0])),
                deadlineMs);
        if (failure[0] != null || !started) {
            throw new IllegalStateException("table did not start by " + deadlineMs + " ms: "
                    + (failure[0] != null ? failure[0] : "players missing"));
        }
        return created[0];
    }
}
