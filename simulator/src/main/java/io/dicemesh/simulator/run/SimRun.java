package io.dicemesh.simulator.run;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.SignatureScheme;
import io.dicemesh.crypto.SimulatedSignatures;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.InjectedBug;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableState;
import io.dicemesh.simulator.sim.Byzantine;
import io.dicemesh.simulator.sim.Convergence;
import io.dicemesh.simulator.sim.CrapsBots;
import io.dicemesh.simulator.sim.Hostile;
import io.dicemesh.simulator.sim.NetworkFaults;
import io.dicemesh.simulator.sim.SimNode;
import io.dicemesh.simulator.sim.Simulation;
import io.dicemesh.node.ledger.StoreProvider;
import io.dicemesh.simulator.sim.TableSetup;
import io.dicemesh.simulator.sim.Trace;
import io.dicemesh.simulator.sim.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One seeded run (DESIGN section 9): tables of bots playing craps on a mesh under faults (the safety phase, every
 * event checked), then the faults heal and every table must converge and make progress within a bound (the
 * liveness phase) unless evidence names a lying or withholding player of that table.
 */
public final class SimRun {
    /** Virtual time the liveness phase allows every table to converge and commit a probe roll. */
    public static final long LIVENESS_BOUND_MS = 180_000;
    /** View timeout and dice timeout of the simulated tables (virtual ms). */
    static final int VIEW_TIMEOUT_MS = 200;
    static final int DICE_TIMEOUT_MS = 3_000;
    /** Silence after which a simulated player may be evicted (virtual ms): longer than any crash or partition. */
    static final int ABSENT_TIMEOUT_MS = 10_000;
    /**
     * How long before an Evict tx commits a crash or cut link of the player it evicts still excuses it: the
     * absent timeout, plus as long again for the view changes that carry the verdict, and a third for margin.
     */
    static final long FALSE_EVICTION_WINDOW_MS = 3L * ABSENT_TIMEOUT_MS;
    /** Virtual time per progress report. */
    static final long PROGRESS_STEP_MS = 1_000;

    /** Told how the safety phase advances (for a progress bar); must not touch the simulation. */
    public interface Progress {
        Progress NONE = (slots, target, virtualMs) -> { };

        void update(long slots, long targetSlots, long virtualMs);
    }

    private final RunConfig config;
    private final Set<InjectedBug> bugs;
    private final Trace trace;
    private final Progress progress;
    private final Map<String, Long> faults = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();

    public SimRun(RunConfig config, Set<InjectedBug> bugs, Trace trace, Progress progress) {
        this.config = config;
        this.bugs = bugs.isEmpty() ? Set.of() : EnumSet.copyOf(bugs);
        this.trace = trace;
        this.progress = progress;
    }

    /** Runs to the end; never throws for protocol failures (they are violations in the report). */
    public RunReport run() {
        long wallStart = System.nanoTime(); // wall time is only reported, never fed to the simulation
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        StoreProvider stores = stores();
        SignatureScheme scheme = config.fastSignatures() ? new SimulatedSignatures() : SignatureScheme.ed25519();
        Simulation sim = new Simulation(config.seed(), config.nodes() + config.hostile(), NetworkFaults.NONE,
                EngineConfig.defaults().withInjectedBugs(bugs), stores, trace, scheme);
        try {
            long[] offsets = new long[config.nodes() + config.hostile()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = config.skewMs() == 0 ? 0 : random.nextLong(config.skewMs() + 1);
            }
            sim.setClockOffsets(offsets);
            Set<NodeId> liars = chooseByzantine(sim, random);
            for (int h = config.nodes(); h < config.nodes() + config.hostile(); h++) {
                sim.checkers().markByzantine(sim.node(h).id());
                liars.add(sim.node(h).id());
            }
            RunStats stats = new RunStats(liars);
            sim.addObserver(stats);
            FalseEvictions falseEvictions = new FalseEvictions(sim, liars, FALSE_EVICTION_WINDOW_MS);
            boolean healthyDelays = config.delayMaxMs() * 4 < ABSENT_TIMEOUT_MS;
            if (healthyDelays) {
                sim.addObserver(falseEvictions);
            }
            Map<TableId, List<Integer>> tables = createTables(sim, random);
            CrapsBots bots = new CrapsBots(sim, new CrapsBots.Mix(5, 60, 0.22, 0.07, 0.04, 0.12, 0.002));
            tables.forEach(bots::play);
            List<Hostile> hostiles = startHostiles(sim, List.copyOf(tables.keySet()));
            sim.network().setFaults(new NetworkFaults(config.drop(), config.dup(), config.reorder(),
                    config.delayMinMs(), config.delayMaxMs(), 4 * Math.max(1, config.delayMaxMs())));
            FaultSchedule schedule = new FaultSchedule(sim, random, config, faults);
            schedule.arm(stats);
            Departures departures = new Departures(tables, schedule, ABSENT_TIMEOUT_MS);
            sim.addObserver(departures);
            safetyPhase(sim, stats);
            bots.stop();
            hostiles.forEach(Hostile::stop);
            schedule.disarm();
            List<String> stalled = livenessPhase(sim, tables, liars, schedule.departed().keySet());
            comeBack(sim, tables, liars, schedule.departed().keySet());
            violations.addAll(falseEvictions.found());
            sim.checkBudgets();
            long audited = auditLedgers(sim, scheme);
            for (Violation v : sim.checkers().violations()) {
                violations.add(0, v.toString());
            }
            long hostileMessages = hostiles.stream().mapToLong(Hostile::sent).sum();
            double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
            return new RunReport(config, trace.hash(), List.copyOf(violations), stats.slots, stats.viewChanges(),
                    stalled, sim.network().sent(), sim.network().dropped(), sim.network().duplicated(),
                    new LinkedHashMap<>(faults), stats.betsAccepted, stats.betsRejected, stats.rolls, stats.payouts,
                    stats.rejectedByReason(), stats.evidenceByKind(), stats.latencyPercentileMs(50),
                    stats.latencyPercentileMs(99), sim.nowMs(), wallSeconds, sim.checkers().commitsChecked(),
                    hostileMessages, sim.heldBytesMax(), audited, stats.evictions, schedule.departed().size(),
                    departures.resumedPercentileMs(50), departures.resumedPercentileMs(100));
        } finally {
            sim.close();
        }
    }

    private StoreProvider stores() {
        if (config.store() == RunConfig.Store.MEMORY) {
            return StoreProvider.memory();
        }
        try {
            return StoreProvider.rocks(Files.createTempDirectory("dicemesh-sim-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the RocksDB stores", e);
        }
    }

    private Set<NodeId> chooseByzantine(Simulation sim, SplittableRandom random) {
        List<Integer> order = shuffled(config.nodes(), random);
        Set<NodeId> liars = new HashSet<>();
        Byzantine.Behaviour[] all = Byzantine.Behaviour.values();
        for (int i = 0; i < config.byzantine(); i++) {
            int node = order.get(i);
            EnumSet<Byzantine.Behaviour> lies = EnumSet.noneOf(Byzantine.Behaviour.class);
            while (lies.isEmpty()) {
                for (Byzantine.Behaviour b : all) {
                    if (random.nextInt(3) == 0) {
                        lies.add(b);
                    }
                }
            }
            Byzantine adversary = new Byzantine(lies, sim.splitRandom());
            sim.setAdversary(node, adversary);
            faults.merge("byzantine:" + adversary.name(), 1L, Long::sum);
            liars.add(sim.node(node).id());
        }
        return liars;
    }

    /**
     * The tables, each of {@code players} honest nodes; with hostile nodes, a third of the tables (of two or more
     * players) seat one hostile node in place of an honest one.
     */
    private Map<TableId, List<Integer>> createTables(Simulation sim, SplittableRandom random) {
        Map<TableId, List<Integer>> tables = new LinkedHashMap<>();
        for (int t = 0; t < config.tables(); t++) {
            List<Integer> players = new ArrayList<>(shuffled(config.nodes(), random).subList(0, config.players()));
            if (config.hostile() > 0 && players.size() >= 2 && random.nextInt(3) == 0) {
                players.set(players.size() - 1, config.nodes() + random.nextInt(config.hostile()));
            }
            TableId id = TableSetup.create(sim, List.copyOf(players), 5_000, 2_000_000,
                    TableSetup.rules(VIEW_TIMEOUT_MS, DICE_TIMEOUT_MS).toBuilder()
                            .setAbsentTimeoutMs(ABSENT_TIMEOUT_MS).build(), sim.nowMs() + 60_000);
            tables.put(id, List.copyOf(players));
        }
        return tables;
    }

    private List<Hostile> startHostiles(Simulation sim, List<TableId> tables) {
        List<Integer> honest = new ArrayList<>();
        for (int i = 0; i < config.nodes(); i++) {
            honest.add(i);
        }
        List<Hostile> out = new ArrayList<>();
        for (int h = config.nodes(); h < config.nodes() + config.hostile(); h++) {
            Hostile hostile = new Hostile(sim, sim.node(h), tables, honest, sim.splitRandom());
            hostile.start();
            out.add(hostile);
        }
        return out;
    }

    /**
     * Every run ends with the audit {@code dicemesh audit} runs: each table every up node holds is replayed from its
     * ledger alone (signatures, certificates, hash chain, validity, conservation) and must match its state.
     */
    private long auditLedgers(Simulation sim, SignatureScheme scheme) {
        long audited = 0;
        EnvelopeVerifier verifier = new EnvelopeVerifier(scheme);
        for (SimNode n : sim.nodes()) {
            if (!n.isUp()) {
                continue;
            }
            LedgerReplay replay = new LedgerReplay(n.store(), verifier);
            for (TableId t : n.engine().tableIds()) {
                LedgerReplay.Report r = replay.replay(t, slot -> { });
                audited++;
                if (!r.ok()) {
                    sim.checkers().fail("audit", n.index(), "table " + t.shortHex() + ": " + r.problems());
                }
            }
        }
        return audited;
    }

    private void safetyPhase(Simulation sim, RunStats stats) {
        long capMs = sim.nowMs() + config.slots() * 500 + 120_000;
        while (stats.slots < config.slots() && sim.nowMs() < capMs && sim.checkers().ok()) {
            sim.runUntil(sim.nowMs() + PROGRESS_STEP_MS);
            progress.update(stats.slots, config.slots(), sim.nowMs());
        }
        progress.update(stats.slots, config.slots(), sim.nowMs());
    }

    /**
     * Heals everything, then asks one honest player of every table for a roll: each table must converge (its
     * honest players at the same slot with byte-identical state) and commit that roll within the bound, unless
     * evidence names a liar seated at it. Returns the tables that stalled with such evidence.
     */
    private List<String> livenessPhase(Simulation sim, Map<TableId, List<Integer>> tables, Set<NodeId> liars,
            Set<Integer> departed) {
        sim.network().setFaults(NetworkFaults.NONE);
        sim.healAll();
        for (SimNode n : sim.nodes()) {
            if (!n.isUp() && !departed.contains(n.index())) {
                sim.restart(n.index());
                faults.merge("restart", 1L, Long::sum);
            }
        }
        sim.runUntil(sim.nowMs() + 2_000);
        Map<TableId, Long> probeRoll = new LinkedHashMap<>();
        for (Map.Entry<TableId, List<Integer>> e : tables.entrySet()) {
            List<Integer> honest = honestSeated(sim, e.getKey(), e.getValue(), liars, departed);
            if (honest.isEmpty()) {
                continue;
            }
            TableState s = sim.node(honest.get(0)).engine().tableState(e.getKey()).orElse(null);
            if (s == null) {
                continue;
            }
            long seatedNow = s.getPlayersList().stream().filter(p -> !p.getLeft()).count();
            if (seatedNow < 2 && s.getPlayersCount() > 1) {
                continue; // one player left: no roll with fewer than two (DESIGN 5b); nothing to probe
            }
            probeRoll.put(e.getKey(), s.getRollNo());
            sim.command(honest.get(0), new ClientRequest.Roll(e.getKey()), r -> { });
        }
        long deadline = sim.nowMs() + LIVENESS_BOUND_MS;
        sim.runUntil(() -> allSettled(sim, tables, liars, departed, probeRoll), deadline);
        sim.runUntil(sim.nowMs() + 1_000);
        List<String> stalled = new ArrayList<>();
        for (Map.Entry<TableId, List<Integer>> e : tables.entrySet()) {
            TableId table = e.getKey();
            List<Integer> honest = honestSeated(sim, table, e.getValue(), liars, departed);
            String diff = Convergence.stateDifference(sim, table, honest);
            boolean progressed = rolled(sim, table, honest, probeRoll);
            if (diff == null && progressed) {
                continue;
            }
            List<String> named = namedLiars(sim, table, honest, e.getValue(), liars);
            String frozen = frozenByDepartures(sim, table, honest, e.getValue(), departed);
            if (diff == null && conflictingLocks(sim, table, e.getValue())) {
                stalled.add(table.shortHex() + " (" + FROZEN_CONFLICTING_LOCKS + ")");
            } else if (diff == null && lockedOnAnOutgrownEviction(sim, table, e.getValue())) {
                stalled.add(table.shortHex() + " (" + FROZEN_OUTGROWN_EVICTION + ")");
            } else if (diff == null && frozen != null) {
                stalled.add(table.shortHex() + " (" + FROZEN_TOO_FEW + ": " + frozen + ")");
            } else if (diff == null && accuserSeated(sim, table, e.getValue(), liars)) {
                stalled.add(table.shortHex() + " (" + FROZEN_UNPROVEN_LIAR + ": a liar naming an answering player"
                        + " gone in every Status, which no view change can go without)");
            } else if (diff == null && honestLackAQuorum(sim, table, honest)
                    && (!named.isEmpty() || liarSeated(sim, table, e.getValue(), liars))) {
                stalled.add(table.shortHex() + " (" + FROZEN_UNPROVEN_LIAR + ": "
                        + (named.isEmpty() ? "a liar seated" : "evidence against " + String.join(", ", named))
                        + ", whom the honest players cannot go on without)");
            } else {
                debugDump(sim, table, e.getValue());
                violations.add("liveness: table " + table.shortHex() + " did not "
                        + (diff != null ? "converge (" + diff + ")" : "commit a roll after the faults healed")
                        + " within " + LIVENESS_BOUND_MS / 1000 + " virtual s, and no evidence names a liar at it");
            }
        }
        return stalled;
    }

    /** The documented causes a table may stay frozen for (PROTOCOL.md, Departures), as the report names them. */
    public static final String FROZEN_CONFLICTING_LOCKS = "frozen: conflicting honest locks after a proven lie";
    public static final String FROZEN_TOO_FEW = "frozen: too few players remain";
    public static final String FROZEN_UNPROVEN_LIAR = "frozen: a liar it cannot prove";
    public static final String FROZEN_OUTGROWN_EVICTION =
            "frozen: a lock on an Evict tx for fewer players than are now gone (double fault)";

    /** The cause a stalled-table line of the report names. */
    public static String frozenCause(String stalledLine) {
        for (String cause : List.of(FROZEN_CONFLICTING_LOCKS, FROZEN_TOO_FEW, FROZEN_UNPROVEN_LIAR,
                FROZEN_OUTGROWN_EVICTION)) {
            if (stalledLine.contains(cause)) {
                return cause;
            }
        }
        return "other";
    }

    /**
     * A liar that accuses an answering player in every Status still sits at the table: it keeps talking (never
     * gone) and proves nothing, but a view change needs its Status naming the same X as everyone's, so once the
     * table needs one it waits for that liar for good (PROTOCOL.md: a liar who keeps talking but never joins).
     */
    private static boolean accuserSeated(Simulation sim, TableId table, List<Integer> players, Set<NodeId> liars) {
        for (int p : players) {
            if (sim.node(p).adversary() instanceof Byzantine b && b.behaviours().contains(Byzantine.Behaviour.ACCUSE)
                    && liarSeated(sim, table, List.of(p), liars, players)) {
                return true;
            }
        }
        return false;
    }

    /** A lying or hostile player still sits at the table (not left, not evicted). */
    private static boolean liarSeated(Simulation sim, TableId table, List<Integer> players, Set<NodeId> liars) {
        return liarSeated(sim, table, players, liars, players);
    }

    /** One of {@code candidates} is a liar still seated, as the first honest player up among {@code players} sees. */
    private static boolean liarSeated(Simulation sim, TableId table, List<Integer> candidates, Set<NodeId> liars,
            List<Integer> players) {
        for (int p : candidates) {
            SimNode n = sim.node(p);
            if (!liars.contains(n.id())) {
                continue;
            }
            for (int h : players) {
                if (sim.node(h).isUp() && !liars.contains(sim.node(h).id())) {
                    TableState s = sim.node(h).engine().tableState(table).orElse(null);
                    if (s != null && s.getPlayersList().stream()
                            .anyMatch(ps -> n.id().matches(ps.getPlayer()) && !ps.getLeft())) {
                        return true;
                    }
                    break;
                }
            }
        }
        return false;
    }

    /**
     * The honest players still seated are too few to evict anyone by themselves (h < 2 or 2h - n <= f): a liar who
     * keeps talking but does not vote, or is needed for the quorum, is not silent and not provable, and the table
     * must wait for it (PROTOCOL.md, "Where the table cannot go on").
     */
    private static boolean honestLackAQuorum(Simulation sim, TableId table, List<Integer> honest) {
        TableState s = stateAtFirstUp(sim, table, honest);
        if (s == null) {
            return true;
        }
        long active = s.getPlayersList().stream().filter(p -> !p.getLeft()).count();
        long up = honest.stream().filter(h -> sim.node(h).isUp()).count();
        return up < 2 || 2 * up - active <= s.getRules().getLiarsTolerated();
    }

    /**
     * A player holds a lock on an Evict tx at its open slot while the table is stuck: the tx counts only in a round
     * without exactly the players it evicts, and when another player went too (it must vote in that round, and
     * cannot) the stuck slot can carry it in no round at all. A double fault (PROTOCOL.md).
     */
    private static boolean lockedOnAnOutgrownEviction(Simulation sim, TableId table, List<Integer> players) {
        for (int p : players) {
            if (!sim.node(p).isUp()) {
                continue;
            }
            java.util.Optional<com.google.protobuf.ByteString> tx = sim.node(p).engine().lockedTx(table);
            try {
                if (tx.isPresent() && io.dicemesh.protocol.Tx.parseFrom(tx.get()).hasEvict()) {
                    return true;
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Two players locked on different txs at their open slot (every node runs the honest engine; liars only rewrite
     * what they send, so their locks bind them too): no round can ever carry both.
     */
    private static boolean conflictingLocks(Simulation sim, TableId table, List<Integer> players) {
        // a liar's doing (two proposals for one view, or a Status showing a lock the others then follow while an
        // honest lock stays below it): without evidence of a lie, conflicting locks would be a bug
        boolean lied = players.stream().anyMatch(p -> sim.node(p).isUp() && !sim.node(p).engine().evidence(table)
                .stream().filter(e -> e.getKind() != EvidenceKind.EVIDENCE_WITHHELD_DICE).toList().isEmpty());
        if (!lied) {
            return false;
        }
        Set<com.google.protobuf.ByteString> locks = new HashSet<>();
        for (int h : players) {
            if (sim.node(h).isUp()) {
                sim.node(h).engine().lockedTxHash(table).ifPresent(locks::add);
            }
        }
        return locks.size() > 1;
    }

    /**
     * Why a table with departed players may not go on by DESIGN 5b's rules (its remaining players are too few for
     * 2q - n > f), or null when it must.
     */
    private static String frozenByDepartures(Simulation sim, TableId table, List<Integer> honest,
            List<Integer> players, Set<Integer> departed) {
        if (honest.isEmpty()) {
            return "no honest player remains";
        }
        TableState s = stateAtFirstUp(sim, table, honest);
        if (s == null) {
            return null;
        }
        int active = 0;
        int gone = 0;
        for (int p : players) {
            for (PlayerState ps : s.getPlayersList()) {
                if (sim.node(p).id().matches(ps.getPlayer()) && !ps.getLeft()) {
                    active++;
                    gone += departed.contains(p) || !sim.node(p).isUp() ? 1 : 0;
                }
            }
        }
        int stay = active - gone;
        int f = s.getRules().getLiarsTolerated();
        if (gone > 0 && (stay < 2 || 2 * stay - active <= f)) {
            return stay + " of " + active + " players remain, and going on needs 2q - n > " + f;
        }
        return null;
    }

    /**
     * The departed come back much later: their nodes start again, learn from their peers' certificates what
     * happened (their evictions and settlements), and must then agree with the players who stayed.
     */
    private void comeBack(Simulation sim, Map<TableId, List<Integer>> tables, Set<NodeId> liars,
            Set<Integer> departed) {
        if (departed.isEmpty()) {
            return;
        }
        for (int d : departed) {
            if (!sim.node(d).isUp()) {
                sim.restart(d);
                faults.merge("came back", 1L, Long::sum);
            }
        }
        sim.runUntil(() -> tables.entrySet().stream().allMatch(e -> cameBack(sim, e.getKey(), e.getValue(), liars,
                departed)), sim.nowMs() + LIVENESS_BOUND_MS);
        for (Map.Entry<TableId, List<Integer>> e : tables.entrySet()) {
            if (!cameBack(sim, e.getKey(), e.getValue(), liars, departed)) {
                debugDump(sim, e.getKey(), e.getValue());
                violations.add("liveness: a departed player of table " + e.getKey().shortHex() + " came back but "
                        + "did not catch up with the others: " + Convergence.stateDifference(sim, e.getKey(),
                                comparable(sim, e.getKey(), e.getValue(), liars, departed)));
            }
        }
    }

    /**
     * True when each returned player of the table knows what happened to it: one the table evicted shows that same
     * eviction (slot, cause, settlement) in its own state, which then stops there as a leaver's does; one still
     * seated holds the same state as the others.
     */
    private static boolean cameBack(Simulation sim, TableId table, List<Integer> players, Set<NodeId> liars,
            Set<Integer> departed) {
        List<Integer> seated = honestSeated(sim, table, players, liars, departed);
        TableState best = stateAtFirstUp(sim, table, seated);
        List<Integer> compare = new ArrayList<>(seated);
        for (int p : comparable(sim, table, players, liars, departed)) {
            if (seated.contains(p)) {
                continue;
            }
            PlayerState there = best == null ? null : playerIn(best, sim.node(p).id());
            if (there != null && there.getEvicted() != io.dicemesh.protocol.EvictionCause.EVICTION_CAUSE_UNSPECIFIED) {
                TableState own = sim.node(p).engine().tableState(table).orElse(null);
                if (own == null || !there.equals(playerIn(own, sim.node(p).id()))) {
                    return false; // it has not learned its eviction (or learned another)
                }
            } else {
                compare.add(p);
            }
        }
        return Convergence.stateDifference(sim, table, compare) == null;
    }

    /** The table's state at the first of {@code nodes} that is up (a node may stay down when its engine failed). */
    private static TableState stateAtFirstUp(Simulation sim, TableId table, List<Integer> nodes) {
        for (int n : nodes) {
            if (sim.node(n).isUp()) {
                return sim.node(n).engine().tableState(table).orElse(null);
            }
        }
        return null;
    }

    private static PlayerState playerIn(TableState s, NodeId id) {
        for (PlayerState ps : s.getPlayersList()) {
            if (id.matches(ps.getPlayer())) {
                return ps;
            }
        }
        return null;
    }

    /**
     * The honest players still seated and the departed ones the table evicted (they follow its log to learn it);
     * a departed player that had left the table by itself before going stops following it, as any leaver does.
     */
    private static List<Integer> comparable(Simulation sim, TableId table, List<Integer> players, Set<NodeId> liars,
            Set<Integer> departed) {
        List<Integer> seated = honestSeated(sim, table, players, liars, departed);
        List<Integer> out = new ArrayList<>(seated);
        TableState best = stateAtFirstUp(sim, table, seated);
        for (int p : players) {
            if (!departed.contains(p) || liars.contains(sim.node(p).id()) || !sim.node(p).isUp()
                    || sim.node(p).engine().tableState(table).isEmpty()) {
                continue;
            }
            boolean leftByItself = best != null && best.getPlayersList().stream().anyMatch(ps ->
                    sim.node(p).id().matches(ps.getPlayer()) && ps.getLeft()
                            && ps.getEvicted() == io.dicemesh.protocol.EvictionCause.EVICTION_CAUSE_UNSPECIFIED);
            if (!leftByItself) {
                out.add(p);
            }
        }
        return out;
    }

    /** With -Ddicemesh.sim.debug=true: every node's view of a table that failed a liveness check. */
    private static void debugDump(Simulation sim, TableId table, List<Integer> players) {
        if (!Boolean.getBoolean("dicemesh.sim.debug")) {
            return;
        }
        for (SimNode n : sim.nodes()) {
            System.err.println("node" + n.index() + " " + (n.isUp() ? n.engine().debugState(table)
                    + " pending=" + n.engine().hasPendingInvite(table) : "down"));
            if (n.isUp()) {
                for (Evidence ev : n.engine().evidence(table)) {
                    System.err.println("  evidence " + ev.getKind() + " against "
                            + NodeId.of(ev.getCulprit()).shortHex() + " seq " + ev.getSeq() + " view "
                            + ev.getView() + ": " + ev.getDetail());
                }
            }
        }
        for (int p : players) {
            System.err.println("player node" + p + " = " + sim.node(p).id().shortHex());
        }
    }

    private static boolean allSettled(Simulation sim, Map<TableId, List<Integer>> tables, Set<NodeId> liars,
            Set<Integer> departed, Map<TableId, Long> probeRoll) {
        for (Map.Entry<TableId, List<Integer>> e : tables.entrySet()) {
            List<Integer> honest = honestSeated(sim, e.getKey(), e.getValue(), liars, departed);
            if (!rolled(sim, e.getKey(), honest, probeRoll)
                    || Convergence.stateDifference(sim, e.getKey(), honest) != null) {
                return false;
            }
        }
        return true;
    }

    private static boolean rolled(Simulation sim, TableId table, List<Integer> honest, Map<TableId, Long> probe) {
        Long before = probe.get(table);
        if (before == null) {
            return true;
        }
        for (int h : honest) {
            if (!sim.node(h).isUp()) {
                return false; // a node that stays down (its engine failed: a violation of its own) never rolls
            }
            TableState s = sim.node(h).engine().tableState(table).orElse(null);
            if (s == null || s.getRollNo() <= before) {
                return false;
            }
        }
        return true;
    }

    /** Honest nodes of the table's players that still sit at it (per the most advanced honest view). */
    private static List<Integer> honestSeated(Simulation sim, TableId table, List<Integer> players,
            Set<NodeId> liars, Set<Integer> departed) {
        TableState best = null;
        for (int p : players) {
            SimNode n = sim.node(p);
            if (n.isUp() && !liars.contains(n.id())) {
                TableState s = n.engine().tableState(table).orElse(null);
                if (s != null && (best == null || s.getSeq() > best.getSeq())) {
                    best = s;
                }
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int p : players) {
            SimNode n = sim.node(p);
            if (liars.contains(n.id()) || departed.contains(p)) {
                continue;
            }
            boolean seated = true;
            if (best != null) {
                for (PlayerState ps : best.getPlayersList()) {
                    if (n.id().matches(ps.getPlayer()) && ps.getLeft()) {
                        seated = false;
                    }
                }
            }
            if (seated) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> namedLiars(Simulation sim, TableId table, List<Integer> honest, List<Integer> players,
            Set<NodeId> liars) {
        Set<String> named = new java.util.TreeSet<>();
        for (int h : honest) {
            if (!sim.node(h).isUp()) {
                continue;
            }
            for (Evidence ev : sim.node(h).engine().evidence(table)) {
                for (int p : players) {
                    NodeId id = sim.node(p).id();
                    if (liars.contains(id) && id.matches(ev.getCulprit())) {
                        named.add("node" + p);
                    }
                }
            }
        }
        return List.copyOf(named);
    }

    static List<Integer> shuffled(int n, SplittableRandom random) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer tmp = out.get(i);
            out.set(i, out.get(j));
            out.set(j, tmp);
        }
        return out;
    }
}
