package io.dicemesh.simulator.scenario;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.SignatureScheme;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.Effect;
import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.InjectedBug;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.ledger.StoreProvider;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.Simulation;
import io.dicemesh.simulator.sim.Trace;
import io.dicemesh.simulator.sim.Violation;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The scenarios' mesh on the simulator: real engines on the virtual network and clock, every step checked by the
 * simulator's checkers; waits run virtual time, so a scenario's seconds pass in milliseconds.
 */
final class SimScenarioMesh implements ScenarioMesh {
    private final Simulation sim;
    private final EnvelopeVerifier verifier;

    SimScenarioMesh(long seed, int nodes, Set<Integer> liars) {
        this(seed, nodes, liars, Set.of());
    }

    /**
     * With {@code bugs} injected into every engine (to prove a scenario catches what it is written for). The
     * network duplicates and reorders a little and delays 1 to 5..24 ms, varying with the seed.
     */
    SimScenarioMesh(long seed, int nodes, Set<Integer> liars, Set<InjectedBug> bugs) {
        SignatureScheme scheme = Scenarios.scheme(seed);
        NetworkFaults faults = new NetworkFaults(0, 0.01, 0.05, 1, 5 + seed % 20, 10);
        this.sim = new Simulation(seed, nodes, faults, EngineConfig.defaults().withInjectedBugs(bugs),
                StoreProvider.memory(), new Trace(null), scheme);
        this.verifier = new EnvelopeVerifier(scheme);
        for (int i : liars) {
            Liar liar = new Liar(sim.node(i).identity());
            sim.setAdversary(i, (self, send, s) -> liar.rewrite(send.envelope()).stream()
                    .map(e -> new Effect.Send(send.to(), e)).toList());
        }
    }

    @Override
    public int size() {
        return sim.nodes().size();
    }

    @Override
    public NodeId id(int node) {
        return sim.node(node).id();
    }

    @Override
    public Identity identity(int node) {
        return sim.node(node).identity();
    }

    @Override
    public CompletableFuture<ClientResult> submit(int node, ClientRequest request) {
        CompletableFuture<ClientResult> answer = new CompletableFuture<>();
        sim.command(node, request, answer::complete);
        return answer;
    }

    @Override
    public boolean await(BooleanSupplier done, long timeoutMs) {
        return sim.runUntil(done, sim.nowMs() + timeoutMs);
    }

    @Override
    public Optional<TableState> state(int node, TableId table) {
        return sim.node(node).isUp() ? sim.node(node).engine().tableState(table) : Optional.empty();
    }

    @Override
    public List<TableId> tables(int node) {
        return sim.node(node).isUp() ? sim.node(node).engine().tableIds() : List.of();
    }

    @Override
    public LedgerReplay.Report audit(int node, TableId table) {
        return new LedgerReplay(sim.node(node).store(), verifier).replay(table, slot -> { });
    }

    @Override
    public void crash(int node) {
        sim.crash(node);
    }

    @Override
    public void restart(int node) {
        sim.restart(node);
    }

    @Override
    public boolean isUp(int node) {
        return sim.node(node).isUp();
    }

    @Override
    public void cut(int a, int b) {
        sim.setLink(a, b, false);
    }

    @Override
    public void healAll() {
        sim.healAll();
    }

    @Override
    public List<String> violations() {
        return sim.checkers().violations().stream().map(Violation::toString).toList();
    }

    @Override
    public String toString() {
        return "simulator, seed " + sim.seed();
    }

    @Override
    public void close() {
        sim.close();
    }
}
