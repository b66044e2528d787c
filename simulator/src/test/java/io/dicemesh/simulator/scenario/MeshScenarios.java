package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.TableSetup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The protocol scenarios, written once against {@link ScenarioMesh} and run on the simulator
 * ({@link SimMeshScenariosTest}) and on in-JVM daemons over real Netty on loopback ({@link DaemonMeshScenariosTest}),
 * the way Ratis runs one {@code RaftBasicTests<CLUSTER>} on every cluster kind. Each plays real bets at a real
 * table, strikes one fault, and requires what DESIGN promises: nothing commits without every player (or without a
 * departed one's eviction), what was asked for commits once the fault heals, and afterwards every honest copy of
 * the table is identical and its ledger audits clean. The simulator's own fine-grained scenarios (a crash between
 * two sends of one Prepare, twins, sock puppets) stay in the other tests of this package: a daemon cannot be
 * stopped between two sends.
 */
abstract class MeshScenarios {
    /** Longest a fault-free step may take, in the mesh's time (real time for daemons: generous for a slow CI). */
    static final long STEP_MS = 30_000;
    static final long VIEW_TIMEOUT_MS = 500;
    static final long STACK = 2_000;
    static final long BET = 10;

    /** Runs {@code scenario} on one or more meshes of {@code nodes} nodes, {@code liars} among them lying. */
    abstract void forEachMesh(String scenario, int nodes, Set<Integer> liars, Scenario body) throws Exception;

    @FunctionalInterface
    interface Scenario {
        void run(ScenarioMesh mesh) throws Exception;
    }

    // ------------------------------------------------------------------ the scenarios

    @Test
    void happyPathEveryBetAndRollCommitsOnEveryPeer() throws Exception {
        forEachMesh("happy-path", 3, Set.of(), mesh -> {
            TableId table = createTable(mesh, rules(10_000));
            for (int round = 0; round < 4; round++) {
                assertAllCommitted(mesh, betsFrom(mesh, table, all(mesh)), STEP_MS, "round " + round);
                roll(mesh, table, all(mesh));
            }
            assertNoneEvicted(mesh, table, all(mesh));
            assertConverged(mesh, table, all(mesh), seq(mesh, table, 0));
        });
    }

    @Test
    void aCrashedCoordinatorHoldsTheSlotUntilItReturnsThenEverythingCommits() throws Exception {
        forEachMesh("coordinator-crash", 3, Set.of(), mesh -> {
            TableId table = playingTable(mesh, 20_000);
            long before = seq(mesh, table, 0);
            int coordinator = nextCoordinator(mesh, table);
            List<Integer> others = allBut(mesh, coordinator);
            List<CompletableFuture<ClientResult>> inFlight = betsFrom(mesh, table, others);
            mesh.crash(coordinator); // the slot of these bets may be under way: its coordinator is this node
            List<CompletableFuture<ClientResult>> during = betsFrom(mesh, table, others);
            // every player must vote: with the coordinator down, views change but nothing new commits (the slot
            // under way may, if its votes were all cast before the crash)
            assertHeld(mesh, table, others, before + 1, during, 8 * VIEW_TIMEOUT_MS, "coordinator down");
            mesh.restart(coordinator);
            inFlight.addAll(during);
            assertAllCommitted(mesh, inFlight, STEP_MS, "after the coordinator returned");
            assertNoneEvicted(mesh, table, all(mesh));
            assertConverged(mesh, table, all(mesh), 0);
        });
    }

    @Test
    void aParticipantGoneLongerThanTheAbsentTimeoutIsEvictedAndTheTableGoesOn() throws Exception {
        forEachMesh("participant-crash", 3, Set.of(), mesh -> {
            TableId table = playingTable(mesh, 2_000);
            int coordinator = nextCoordinator(mesh, table);
            int gone = (coordinator + 1) % mesh.size();
            List<Integer> stay = allBut(mesh, gone);
            mesh.crash(gone);
            assertAllCommitted(mesh, betsFrom(mesh, table, stay), STEP_MS, "the others, without it");
            for (int s : stay) {
                assertEquals(EvictionCause.EVICTION_ABSENCE, player(mesh, table, s, gone).getEvicted(),
                        "node " + s + " sees node " + gone + " evicted for absence");
            }
            roll(mesh, table, stay);
            mesh.restart(gone);
            assertConverged(mesh, table, all(mesh), 0); // it catches up, and learns it was evicted
            assertEquals(EvictionCause.EVICTION_ABSENCE, player(mesh, table, gone, gone).getEvicted());
        });
    }

    @Test
    void aNodeCutOffLongerThanAViewTimeoutHoldsTheTableUntilTheLinksHeal() throws Exception {
        forEachMesh("network-faults", 3, Set.of(), mesh -> {
            TableId table = playingTable(mesh, 30_000);
            long before = seq(mesh, table, 0);
            // not the next coordinator: it proposes to the player it reaches, who votes; the slot must still wait
            int cutOff = (nextCoordinator(mesh, table) + 1) % mesh.size();
            List<Integer> others = allBut(mesh, cutOff);
            for (int o : others) {
                mesh.cut(cutOff, o);
            }
            List<CompletableFuture<ClientResult>> during = betsFrom(mesh, table, others);
            during.addAll(betsFrom(mesh, table, List.of(cutOff)));
            assertHeld(mesh, table, others, before, during, 8 * VIEW_TIMEOUT_MS, "node " + cutOff + " cut off");
            mesh.healAll();
            assertAllCommitted(mesh, during, STEP_MS, "after the links healed");
            assertNoneEvicted(mesh, table, all(mesh));
            assertConverged(mesh, table, all(mesh), 0);
        });
    }

    @Test
    void aPlayerWhoVotesTwiceIsEvictedAsALiarAndTheHonestPlayGoesOn() throws Exception {
        int liar = 3;
        forEachMesh("byzantine", 4, Set.of(liar), mesh -> {
            TableId table = createTable(mesh, rules(30_000));
            List<Integer> honest = allBut(mesh, liar);
            assertAllCommitted(mesh, betsFrom(mesh, table, honest), STEP_MS, "while the liar sits");
            boolean evicted = mesh.await(() -> honest.stream().allMatch(h -> playerIf(mesh, table, h, liar)
                    .map(p -> p.getEvicted() == EvictionCause.EVICTION_LIAR).orElse(false)), STEP_MS);
            assertTrue(evicted, "the liar is evicted as one at every honest node");
            for (int round = 0; round < 2; round++) {
                assertAllCommitted(mesh, betsFrom(mesh, table, honest), STEP_MS, "after the eviction, " + round);
                roll(mesh, table, honest);
            }
            assertNoneEvicted(mesh, table, honest);
            assertConverged(mesh, table, honest, 0);
        });
    }

    // ------------------------------------------------------------------ steps

    static TableRules rules(long absentTimeoutMs) {
        return TableSetup.rules((int) VIEW_TIMEOUT_MS, 2_000).toBuilder().setAbsentTimeoutMs((int) absentTimeoutMs).build();
    }

    /** A table of every node that has committed a bet from each, alike on every node: where a fault strikes. */
    static TableId playingTable(ScenarioMesh mesh, long absentTimeoutMs) throws Exception {
        TableId table = createTable(mesh, rules(absentTimeoutMs));
        assertAllCommitted(mesh, betsFrom(mesh, table, all(mesh)), STEP_MS, "before the fault");
        assertSameState(mesh, table, all(mesh));
        return table;
    }

    /** A table of every node, created at node 0 and started everywhere. */
    static TableId createTable(ScenarioMesh mesh, TableRules rules) throws Exception {
        List<NodeId> ids = IntStream.range(0, mesh.size()).mapToObj(mesh::id).toList();
        CompletableFuture<ClientResult> created = mesh.submit(0, new ClientRequest.CreateTable(ids,
                Collections.nCopies(ids.size(), STACK), 1_000_000, rules));
        assertTrue(mesh.await(created::isDone, STEP_MS), "no answer to the create");
        TableId table = assertInstanceOf(ClientResult.TableCreated.class, created.get(), "create").table();
        assertTrue(mesh.await(() -> all(mesh).stream().allMatch(i -> mesh.state(i, table).isPresent()), STEP_MS),
                "the table started on every node");
        return table;
    }

    /** One field bet from each of {@code nodes}. */
    static List<CompletableFuture<ClientResult>> betsFrom(ScenarioMesh mesh, TableId table, List<Integer> nodes) {
        List<CompletableFuture<ClientResult>> bets = new ArrayList<>();
        for (int n : nodes) {
            bets.add(mesh.submit(n, new ClientRequest.PlaceBet(table, BetKind.FIELD, BET, 0, 0)));
        }
        return bets;
    }

    static void assertAllCommitted(ScenarioMesh mesh, List<CompletableFuture<ClientResult>> bets, long timeoutMs,
            String when) throws Exception {
        assertTrue(mesh.await(() -> bets.stream().allMatch(CompletableFuture::isDone), timeoutMs),
                when + ": bets still unanswered after " + timeoutMs + " ms");
        for (CompletableFuture<ClientResult> b : bets) {
            ClientResult.IntentDone done = assertInstanceOf(ClientResult.IntentDone.class, b.get(), when);
            assertTrue(done.outcome().accepted(), when + ": " + done);
        }
    }

    /** The shooter (one of {@code players}) rolls, and the roll commits. */
    static void roll(ScenarioMesh mesh, TableId table, List<Integer> players) throws Exception {
        TableState state = mesh.state(players.get(0), table).orElseThrow();
        com.google.protobuf.ByteString shooter = state.getPlayers(state.getShooter()).getPlayer();
        int at = players.stream().filter(i -> mesh.id(i).matches(shooter)).findFirst()
                .orElseThrow(() -> new AssertionError("the shooter is not among " + players));
        CompletableFuture<ClientResult> rolled = mesh.submit(at, new ClientRequest.Roll(table));
        assertTrue(mesh.await(rolled::isDone, STEP_MS), "the roll was not answered");
        assertInstanceOf(ClientResult.Rolled.class, rolled.get(), "roll");
    }

    /** The coordinator of the table's next slot in view 0 (DESIGN 4: players[(s + v) mod n]). */
    static int nextCoordinator(ScenarioMesh mesh, TableId table) {
        TableState state = mesh.state(0, table).orElseThrow();
        List<PlayerState> active = state.getPlayersList().stream().filter(p -> !p.getLeft()).toList();
        PlayerState next = active.get((int) Math.floorMod(state.getSeq() + 1, (long) active.size()));
        return IntStream.range(0, mesh.size()).filter(i -> mesh.id(i).matches(next.getPlayer())).findFirst()
                .orElseThrow();
    }

    static long seq(ScenarioMesh mesh, TableId table, int node) {
        return mesh.state(node, table).map(TableState::getSeq).orElse(-1L);
    }

    static Optional<PlayerState> playerIf(ScenarioMesh mesh, TableId table, int at, int who) {
        return mesh.state(at, table).flatMap(s -> s.getPlayersList().stream()
                .filter(p -> mesh.id(who).matches(p.getPlayer())).findFirst());
    }

    static PlayerState player(ScenarioMesh mesh, TableId table, int at, int who) {
        return playerIf(mesh, table, at, who).orElseThrow(() -> new AssertionError("node " + at
                + " does not know node " + who + " at the table"));
    }

    /**
     * For {@code windowMs} of the mesh's time, polled throughout: no copy among {@code nodes} passes slot
     * {@code seqMax}, and none of {@code held} is answered (a player is missing: nothing may commit without it).
     */
    static void assertHeld(ScenarioMesh mesh, TableId table, List<Integer> nodes, long seqMax,
            List<CompletableFuture<ClientResult>> held, long windowMs, String while_) {
        String[] broken = {null};
        mesh.await(() -> {
            for (int n : nodes) {
                long s = seq(mesh, table, n);
                if (s > seqMax) {
                    broken[0] = "node " + n + " committed slot " + s + " (at most " + seqMax + " allowed)";
                    return true;
                }
            }
            if (held.stream().anyMatch(CompletableFuture::isDone)) {
                broken[0] = "a bet was answered: " + held.stream().filter(CompletableFuture::isDone)
                        .map(CompletableFuture::join).toList();
                return true;
            }
            return false;
        }, windowMs);
        if (broken[0] != null) {
            fail(while_ + ": " + broken[0] + ", though a player could not vote");
        }
    }

    /** Every one of {@code nodes} holds the same copy of the table (before a fault: no step may start diverged). */
    static void assertSameState(ScenarioMesh mesh, TableId table, List<Integer> nodes) {
        boolean same = mesh.await(() -> {
            Optional<TableState> first = mesh.state(nodes.get(0), table);
            return first.isPresent() && nodes.stream().allMatch(n -> mesh.state(n, table).equals(first));
        }, STEP_MS);
        assertTrue(same, "the table's copies differ: " + nodes.stream().map(n -> "node " + n + " at seq "
                + seq(mesh, table, n)).toList());
    }

    static void assertNoneEvicted(ScenarioMesh mesh, TableId table, List<Integer> nodes) {
        for (int at : nodes) {
            for (int who : nodes) {
                assertEquals(EvictionCause.EVICTION_CAUSE_UNSPECIFIED, player(mesh, table, at, who).getEvicted(),
                        "node " + at + " evicted node " + who);
            }
        }
    }

    /**
     * Every one of {@code nodes} reaches the same state (byte for byte), at least {@code minSeq}; each ledger audits
     * clean; and the mesh saw no violation.
     */
    static void assertConverged(ScenarioMesh mesh, TableId table, List<Integer> nodes, long minSeq) {
        boolean same = mesh.await(() -> {
            Optional<TableState> first = mesh.state(nodes.get(0), table);
            return first.isPresent() && first.get().getSeq() >= minSeq
                    && nodes.stream().allMatch(n -> mesh.state(n, table).equals(first));
        }, STEP_MS);
        if (!same) {
            StringBuilder sb = new StringBuilder("the table's copies differ:");
            for (int n : nodes) {
                sb.append(" node ").append(n).append(" at seq ").append(seq(mesh, table, n)).append(';');
            }
            fail(sb.toString());
        }
        for (int n : nodes) {
            LedgerReplay.Report audit = mesh.audit(n, table);
            assertTrue(audit.ok(), "node " + n + "'s audit: " + audit.problems());
            assertEquals(seq(mesh, table, n), audit.lastSeq(), "node " + n + "'s ledger holds every slot");
        }
        assertEquals(List.of(), mesh.violations(), "invariants");
    }

    static List<Integer> all(ScenarioMesh mesh) {
        return IntStream.range(0, mesh.size()).boxed().toList();
    }

    static List<Integer> allBut(ScenarioMesh mesh, int left) {
        return IntStream.range(0, mesh.size()).filter(i -> i != left).boxed().toList();
    }
}
