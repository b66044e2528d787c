package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.fail;

import io.dicemesh.crypto.SignatureScheme;
import io.dicemesh.crypto.SimulatedSignatures;
import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.simulator.sim.Convergence;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.SimObserver;
import io.dicemesh.simulator.sim.Simulation;
import io.dicemesh.node.ledger.StoreProvider;
import io.dicemesh.simulator.sim.TableSetup;
import io.dicemesh.simulator.sim.Trace;
import io.dicemesh.protocol.TableRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Shared machinery of the scenario tests: seeds (each scenario runs over many; the count is overridable with
 * -Ddicemesh.scenario.seeds=N and the first seed with -Ddicemesh.test.seed=N), and a failure message that names
 * the seed and the command that replays it.
 */
final class Scenarios {
    static final TableRules RULES = TableSetup.rules(200, 2000);

    private Scenarios() {
    }

    static void forEachSeed(String testClass, int defaultSeeds, LongConsumer scenario) {
        int count = Integer.getInteger("dicemesh.scenario.seeds", defaultSeeds);
        long first = Long.getLong("dicemesh.test.seed", 1L);
        for (long seed = first; seed < first + count; seed++) {
            try {
                scenario.accept(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " failed: " + e.getMessage() + "\n  replay: mvn -pl simulator"
                        + " -am verify -Dtest=" + testClass + " -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Ddicemesh.test.seed=" + seed + " -Ddicemesh.scenario.seeds=1", e);
            }
        }
        System.out.println(testClass + ": " + count + " seeds from " + first + " passed");
    }

    /**
     * A simulation for one seed: every tenth seed signs with real Ed25519, the others with the fast simulated
     * scheme (same protocol, same checks, a hundredth of the crypto cost), so hundreds of seeds fit in the suite.
     */
    static Simulation simulation(long seed, int nodes, NetworkFaults faults) {
        return new Simulation(seed, nodes, faults, EngineConfig.defaults(), StoreProvider.memory(), trace(),
                scheme(seed));
    }

    /** With -Ddicemesh.scenario.trace=FILE, the event trace of a scenario goes to FILE (for one seed). */
    private static Trace trace() {
        String file = System.getProperty("dicemesh.scenario.trace");
        if (file == null) {
            return new Trace(null);
        }
        try {
            return new Trace(java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(file)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static SignatureScheme scheme(long seed) {
        return seed % 10 == 0 ? SignatureScheme.ed25519() : new SimulatedSignatures();
    }

    static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    static TableId table(Simulation sim, List<Integer> players) {
        return TableSetup.create(sim, players, 2_000, 1_000_000, RULES, sim.nowMs() + 30_000);
    }

    static void assertSafe(Simulation sim) {
        if (!sim.checkers().ok()) {
            fail("invariant violated: " + sim.checkers().violations());
        }
    }

    /** Heals the network, restarts every node, lets the table settle, and requires identical state and ledgers. */
    static void assertConverges(Simulation sim, TableId table, List<Integer> honest, long settleMs) {
        sim.network().setFaults(NetworkFaults.NONE);
        sim.healAll();
        for (SimNode n : sim.nodes()) {
            sim.restart(n.index());
        }
        boolean converged = sim.runUntil(() -> Convergence.stateDifference(sim, table, honest) == null,
                sim.nowMs() + settleMs);
        assertSafe(sim);
        if (!converged) {
            fail("table did not converge within " + settleMs + " ms: " + Convergence.stateDifference(sim, table, honest));
        }
        sim.runUntil(sim.nowMs() + 1_000);
        String ledger = Convergence.ledgerDifference(sim, table, honest);
        if (ledger != null) {
            fail("ledgers differ: " + ledger);
        }
    }

    /** Collects what the nodes emit. */
    static final class Log implements SimObserver {
        final Map<Long, String> committedHash = new HashMap<>();
        final List<Event.Proposed> proposals = new ArrayList<>();
        final Map<Integer, List<Event.Proposed>> proposalsByNode = new HashMap<>();
        final List<Event.Voted> votes = new ArrayList<>();
        final Map<Integer, List<Event.Voted>> votesByNode = new HashMap<>();
        final List<Evidence> evidence = new ArrayList<>();
        final Map<Integer, List<Evidence>> evidenceByNode = new HashMap<>();
        long commits;
        long lastCommitMs;

        @Override
        public void onEvent(SimNode node, Event event) {
            if (event instanceof Event.SlotCommitted c) {
                commits++;
                lastCommitMs = c.committedMs();
                committedHash.put(c.seq(), hex(c.txHash()));
            } else if (event instanceof Event.Proposed p) {
                proposals.add(p);
                proposalsByNode.computeIfAbsent(node.index(), k -> new ArrayList<>()).add(p);
            } else if (event instanceof Event.Voted v) {
                votes.add(v);
                votesByNode.computeIfAbsent(node.index(), k -> new ArrayList<>()).add(v);
            } else if (event instanceof Event.EvidenceRecorded e) {
                evidence.add(e.evidence());
                evidenceByNode.computeIfAbsent(node.index(), k -> new ArrayList<>()).add(e.evidence());
            }
        }

        /** True when some honest node recorded evidence of this kind naming the culprit. */
        boolean evidenceAgainst(Simulation sim, int culprit, EvidenceKind kind, List<Integer> honest) {
            for (int h : honest) {
                for (Evidence e : evidenceByNode.getOrDefault(h, List.of())) {
                    if (e.getKind() == kind && sim.node(culprit).id().matches(e.getCulprit())) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Evidence recorded by honest nodes against honest nodes (false accusations of proven kinds). */
        List<Evidence> provenAgainstHonest(Simulation sim, List<Integer> honest) {
            List<Evidence> out = new ArrayList<>();
            for (int h : honest) {
                for (Evidence e : evidenceByNode.getOrDefault(h, List.of())) {
                    boolean againstHonest = honest.stream().anyMatch(i -> sim.node(i).id().matches(e.getCulprit()));
                    if (againstHonest && e.getKind() != EvidenceKind.EVIDENCE_WITHHELD_DICE) {
                        out.add(e);
                    }
                }
            }
            return out;
        }

        static String hex(com.google.protobuf.ByteString b) {
            return com.google.common.io.BaseEncoding.base16().lowerCase().encode(b.toByteArray());
        }
    }
}
