package io.dicemesh.simulator.live;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A live local mesh: real dicemesh daemons on loopback (one JVM each, real Netty and RocksDB), tables created
 * through their admin APIs, bots playing craps through the same API the CLI uses, a progress line every second,
 * optional chaos (kill -9 a random node and restart it), and at the end an audit of every table on every node.
 * Wall-clock time is fine here: nothing about this run is meant to be replayed.
 */
public final class LiveRun {
    /** How long the mesh may take, after the bots stop, for every table to be at one seq on every player. */
    static final long CONVERGE_TIMEOUT_MS = 90_000;
    static final long STACK = 100_000;
    static final long BANK = 10_000_000;
    private static final String[] ONE_ROLL = {"field", "any-seven", "any-craps", "aces", "ace-deuce", "yo", "boxcars"};
    private static final int[] PLACE = {4, 5, 6, 8, 9, 10};
    private static final int[] HARD = {4, 6, 8, 10};

    /** What to run. */
    public record Config(int nodes, int tables, int players, long durationMs, boolean chaos, long seed,
            int concurrency, boolean depart, long absentTimeoutMs, long paceMs) {
        /** The absent timeout tables get with --depart, unless given. */
        public static final long DEPART_ABSENT_TIMEOUT_MS = 3_000;
        /** The longest a bot may be paced to wait between the starts of its requests. */
        public static final long PACE_MS_MAX = 60_000;

        /** As fast as answers come: each bot starts its next request when the last is answered. */
        public Config(int nodes, int tables, int players, long durationMs, boolean chaos, long seed,
                int concurrency, boolean depart, long absentTimeoutMs) {
            this(nodes, tables, players, durationMs, chaos, seed, concurrency, depart, absentTimeoutMs, 0);
        }

        public String problem() {
            if (nodes < 1 || nodes > 16) {
                return "--nodes must be 1..16 on one machine";
            }
            if (tables < 1 || tables > 16) {
                return "--tables must be 1..16";
            }
            if (players < 1 || players > nodes) {
                return "--players must be 1..--nodes";
            }
            if (durationMs < 1_000 || durationMs > 24 * 3_600_000L) {
                return "--duration must be 1s..24h";
            }
            if (concurrency < 1 || concurrency > 64) {
                return "--concurrency must be 1..64";
            }
            if (chaos && nodes < 2) {
                return "--chaos needs at least 2 nodes";
            }
            if (depart && chaos) {
                return "--depart and --chaos do not mix: a node chaos restarts could be evicted as departed";
            }
            if (depart && players < 3) {
                return "--depart needs --players 3 or more (a table of two cannot evict a departed player)";
            }
            if (absentTimeoutMs != 0 && (absentTimeoutMs < 1_000 || absentTimeoutMs > 3_600_000)) {
                return "--absent-timeout-ms must be 1000..3600000";
            }
            if (paceMs < 0 || paceMs > PACE_MS_MAX) {
                return "--pace-ms must be 0.." + PACE_MS_MAX;
            }
            long absent = absentTimeoutMs > 0 ? absentTimeoutMs : DEPART_ABSENT_TIMEOUT_MS;
            if (depart && durationMs * 2 / 3 < absent + 5_000) {
                return "--depart kills a node a third of the way through: --duration must leave the absent timeout "
                        + "plus 5 s after that (at least " + ((absent + 5_000) * 3 / 2 + 999) / 1000 + "s here)";
            }
            return null;
        }
    }

    /** What happened. */
    public record Report(Config config, double seconds, long slots, long betsAccepted, long betsRejected,
            long rolls, long errors, double betsPerSecond, double p50Ms, double p99Ms, List<Restart> restarts,
            int audits, List<String> problems, Departure departure) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * One chaos restart, timed from launching the process: when its admin API answered (JVM start, key, RocksDB
     * open) and when it was ready again (peers connected, every table it sits at active and not stalled).
     */
    public record Restart(long apiUpMs, long readyMs) {
    }

    /**
     * The node --depart killed for good: for each of its tables, how long after the kill the others had evicted it
     * and then committed a slot of their own again (-1: never within the run); and whether, started again at the
     * end, it showed itself evicted there.
     */
    public record Departure(int node, Map<String, Long> evictedAfterMs, Map<String, Long> playedOnAfterMs,
            Map<String, Boolean> showsEvicted) {
    }

    private final Config config;
    private final PrintWriter out;
    private final boolean progress;
    private final SplittableRandom random;
    private final Recorder latency = new Recorder(60_000_000_000L, 3);
    private final org.HdrHistogram.Histogram allLatency = new org.HdrHistogram.Histogram(60_000_000_000L, 3);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong rolls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<Integer, ApiClient> clients = new ConcurrentHashMap<>();
    private MeshTables meshTables;
    private final List<Restart> restartTimes = new ArrayList<>();
    private final AtomicLong restarts = new AtomicLong();
    private LocalMesh mesh;
    private volatile Departure departure;
    /** The node --depart killed: its bots stop, and converge leaves it down until the end's comeback. */
    private volatile int departed = -1;

    /** Play added at most while a sidecar is not done (a restart under attack that took long). */
    public static final long SIDECAR_OVERTIME_MS = 40_000;

    /** Something run beside the bots (an attack): started once they play, stopped once they stop. */
    public interface Sidecar {
        /** Once every node is up, before any table is made or bot plays: work that must not be measured. */
        default void prepare(LocalMesh mesh) throws IOException {
        }

        /**
         * Whether the sidecar has seen all the play it needs: the play lasts its duration, and longer (by at most
         * {@link #SIDECAR_OVERTIME_MS}) until this says so.
         */
        default boolean done() {
            return true;
        }

        void start(LocalMesh mesh, Map<String, List<Integer>> tables) throws IOException;

        void stop() throws InterruptedException;
    }

    private Sidecar sidecar;

    /** Runs {@code s} beside the bots; returns this. */
    public LiveRun withSidecar(Sidecar s) {
        this.sidecar = s;
        return this;
    }

    public LiveRun(Config config, PrintWriter out, boolean progress) {
        this.config = config;
        this.out = out;
        this.progress = progress;
        this.random = new SplittableRandom(config.seed());
    }

    public Report run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<String> problems = new ArrayList<>();
        try (LocalMesh started = new LocalMesh(config.nodes(), List.of())) {
            mesh = started;
            say("starting " + config.nodes() + " nodes (data in " + mesh.root() + ")");
            mesh.startAll();
            for (LocalMesh.Node n : mesh.nodes()) {
                clients.put(n.index(), client(n));
            }
            if (sidecar != null) {
                sidecar.prepare(mesh);
            }
            meshTables = new MeshTables(mesh, clients, this::say);
            Map<String, List<Integer>> tables = createTables();
            say("playing " + tables.size() + " tables for " + config.durationMs() / 1000 + " s"
                    + (config.chaos() ? " with chaos (kill -9 and restart)" : ""));
            List<Thread> threads = startBots(mesh, tables);
            Thread chaos = config.chaos() ? startChaos(mesh, tables) : config.depart() ? startDeparture(mesh, tables)
                    : null;
            if (sidecar != null) {
                sidecar.start(mesh, tables);
            }
            long playStart = System.nanoTime();
            long end = playStart + config.durationMs() * 1_000_000;
            long overtimeEnd = end + SIDECAR_OVERTIME_MS * 1_000_000;
            while (System.nanoTime() < end || sidecar != null && !sidecar.done() && System.nanoTime() < overtimeEnd) {
                long leftMs = (end - System.nanoTime()) / 1_000_000;
                Thread.sleep(leftMs > 0 ? Math.min(1_000, leftMs) : 250); // in overtime: poll the sidecar
                progressLine(mesh, tables, playStart);
            }
            stop.set(true);
            if (sidecar != null) {
                sidecar.stop();
            }
            if (chaos != null) {
                chaos.join(30_000);
            }
            for (Thread t : threads) {
                t.join(LiveBotTimeouts.JOIN_MS);
            }
            double playSeconds = (System.nanoTime() - playStart) / 1e9;
            if (progress) {
                out.println();
            }
            say("bots stopped; waiting for every table to settle on every node");
            for (LocalMesh.Node n : mesh.nodes()) {
                clients.put(n.index(), reconnect(n.index(), clients.get(n.index()))); // a sidecar may have restarted it
            }
            if (departed >= 0) {
                comeBack(mesh, tables, problems);
            }
            converge(mesh, tables, problems);
            if (departed >= 0) {
                checkShowsEvicted(tables, problems);
            }
            int audits = audit(mesh, tables, problems);
            long slots = slots(mesh, tables);
            synchronized (allLatency) {
                allLatency.add(latency.getIntervalHistogram());
                return new Report(config, (System.nanoTime() - start) / 1e9, slots, accepted.get(), rejected.get(),
                        rolls.get(), errors.get(), accepted.get() / Math.max(playSeconds, 1e-9),
                        allLatency.getValueAtPercentile(50) / 1e6, allLatency.getValueAtPercentile(99) / 1e6,
                        List.copyOf(restartTimes), audits, problems, departure);
            }
        }
    }

    private void say(String line) {
        out.println("dicemesh-sim live: " + line);
        out.flush();
    }

    private Map<String, List<Integer>> createTables() throws InterruptedException, IOException {
        JsonObject rules = null;
        long absentMs = config.absentTimeoutMs() > 0 ? config.absentTimeoutMs()
                : config.depart() ? Config.DEPART_ABSENT_TIMEOUT_MS : 0;
        if (absentMs > 0) {
            rules = new JsonObject();
            rules.addProperty("absent_timeout_ms", absentMs);
        }
        return meshTables.create(config.tables(), config.players(), STACK, BANK, rules);
    }

    private String status(int node, String table) {
        return meshTables.status(node, table);
    }

    private List<Thread> startBots(LocalMesh mesh, Map<String, List<Integer>> tables) {
        List<Thread> threads = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, List<Integer>> e : tables.entrySet()) {
            for (int node : e.getValue()) {
                for (int c = 0; c < config.concurrency(); c++) {
                    SplittableRandom r = random.split();
                    Thread t = new Thread(() -> bot(node, e.getKey(), r), "bot-" + n++);
                    t.setDaemon(true);
                    t.start();
                    threads.add(t);
                }
            }
        }
        return threads;
    }

    /**
     * One bot: bets of every kind, now and then a roll; one request at a time, and with a pace at most one started
     * per pace (a bot that falls behind does not catch up in a burst).
     */
    private void bot(int node, String table, SplittableRandom r) {
        long nextNs = System.nanoTime();
        while (!stop.get() && departed != node) {
            if (config.paceMs() > 0) {
                long waitNs = nextNs - System.nanoTime();
                if (waitNs > 0) {
                    sleep(Math.max(1, waitNs / 1_000_000));
                    continue; // the run may have stopped meanwhile
                }
                nextNs = Math.max(nextNs, System.nanoTime() - config.paceMs() * 1_000_000) + config.paceMs()
                        * 1_000_000;
            }
            ApiClient api = clients.get(node);
            try {
                if (r.nextInt(6) == 0) {
                    api.roll(table);
                    rolls.incrementAndGet();
                    continue;
                }
                String type;
                int number = 0;
                int pick = r.nextInt(10);
                if (pick < 3) {
                    type = r.nextBoolean() ? "pass" : "dont-pass";
                } else if (pick < 5) {
                    type = r.nextBoolean() ? "come" : "dont-come";
                } else if (pick < 7) {
                    type = "place";
                    number = PLACE[r.nextInt(PLACE.length)];
                } else if (pick < 8) {
                    type = "hard";
                    number = HARD[r.nextInt(HARD.length)];
                } else {
                    type = ONE_ROLL[r.nextInt(ONE_ROLL.length)];
                }
                long amount = 5 + r.nextInt(96);
                long t0 = System.nanoTime();
                try {
                    api.placeBet(table, type, amount, number, 0);
                    accepted.incrementAndGet();
                } catch (ApiException e) {
                    if (!"refused".equals(e.code())) {
                        throw e;
                    }
                    rejected.incrementAndGet();
                }
                latency.recordValue(Math.min(60_000_000_000L, System.nanoTime() - t0));
            } catch (ApiException e) {
                errors.incrementAndGet();
                if ("bad-token".equals(e.code()) || "not-running".equals(e.code()) || e.status() == 0) {
                    clients.put(node, reconnect(node, api));
                }
                sleep(200);
            }
        }
    }

    /** A client for the node's current api.json (a restarted node has a new token), or the old one meanwhile. */
    private ApiClient reconnect(int node, ApiClient current) {
        try {
            return ApiClient.forDataDir(mesh.node(node).dataDir());
        } catch (ApiException e) {
            return current;
        }
    }

    private static ApiClient client(LocalMesh.Node n) throws IOException {
        return MeshTables.client(n);
    }

    private Thread startChaos(LocalMesh mesh, Map<String, List<Integer>> tables) {
        Thread t = new Thread(() -> {
            SplittableRandom r = random.split();
            while (!stop.get()) {
                long gap = Math.max(3_000, Math.min(12_000, config.durationMs() / 4));
                sleep(gap + r.nextLong(gap));
                if (stop.get()) {
                    return;
                }
                LocalMesh.Node victim = mesh.node(r.nextInt(config.nodes()));
                try {
                    mesh.kill(victim);
                    say("chaos: kill -9 node" + victim.index() + "; restarting it");
                    sleep(1_000 + r.nextInt(2_000));
                    long t0 = System.nanoTime();
                    mesh.start(victim);
                    mesh.awaitApi(victim);
                    long apiUpMs = (System.nanoTime() - t0) / 1_000_000;
                    clients.put(victim.index(), client(victim));
                    awaitCaughtUp(victim.index(), tables);
                    long readyMs = (System.nanoTime() - t0) / 1_000_000;
                    synchronized (restartTimes) {
                        restartTimes.add(new Restart(apiUpMs, readyMs));
                    }
                    restarts.incrementAndGet();
                    say("chaos: node" + victim.index() + " API up after " + apiUpMs + " ms, ready again after "
                            + readyMs + " ms");
                } catch (IOException | InterruptedException e) {
                    say("chaos: " + e.getMessage());
                    return;
                }
            }
        }, "chaos");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * --depart: a third of the way through, kill -9 one random node for good and time, at each of its tables, how
     * long the others take to evict it and to commit again.
     */
    private Thread startDeparture(LocalMesh mesh, Map<String, List<Integer>> tables) {
        Thread t = new Thread(() -> {
            SplittableRandom r = random.split();
            sleep(config.durationMs() / 3);
            if (stop.get()) {
                return;
            }
            List<Integer> seated = seatedNodes(tables);
            int victim = seated.get(r.nextInt(seated.size())); // a node that sits at some table
            Map<String, List<Integer>> its = new LinkedHashMap<>();
            tables.forEach((id, players) -> {
                if (players.contains(victim)) {
                    its.put(id, players);
                }
            });
            Map<String, Long> seqAtEviction = new LinkedHashMap<>();
            departed = victim;
            try {
                mesh.kill(mesh.node(victim));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long killedAt = System.nanoTime();
            say("depart: kill -9 node" + victim + " for good (it sits at " + its.size() + " of the tables)");
            Map<String, Long> evictedAfter = new LinkedHashMap<>();
            Map<String, Long> playedOnAfter = new LinkedHashMap<>();
            long timeoutMs = config.absentTimeoutMs() > 0 ? config.absentTimeoutMs() : Config.DEPART_ABSENT_TIMEOUT_MS;
            long deadline = killedAt + Math.max(60_000, 10 * timeoutMs) * 1_000_000;
            Map<String, Boolean> shows = new LinkedHashMap<>();
            its.keySet().forEach(id -> shows.put(id, false));
            departure = new Departure(victim, evictedAfter, playedOnAfter, shows); // filled in as it goes
            while (System.nanoTime() < deadline && playedOnAfter.size() < its.size() && !stop.get()) {
                for (Map.Entry<String, List<Integer>> e : its.entrySet()) {
                    String id = e.getKey();
                    int stayer = stayer(e.getValue(), victim);
                    long since = (System.nanoTime() - killedAt) / 1_000_000;
                    long evictedAt = evictedSeq(stayer, id, mesh.node(victim).id().hex());
                    if (!evictedAfter.containsKey(id) && evictedAt > 0) {
                        evictedAfter.put(id, since);
                        seqAtEviction.put(id, evictedAt); // a slot after the Evict tx's is play without it
                        say("depart: table " + id.substring(0, 8) + " evicted node" + victim + " " + since
                                + " ms after the kill");
                    }
                    if (evictedAfter.containsKey(id) && !playedOnAfter.containsKey(id)
                            && seq(stayer, id) > seqAtEviction.get(id)) {
                        playedOnAfter.put(id, since);
                        say("depart: table " + id.substring(0, 8) + " plays on " + since + " ms after the kill");
                    }
                }
                sleep(50);
            }
            its.keySet().forEach(id -> {
                evictedAfter.putIfAbsent(id, -1L);
                playedOnAfter.putIfAbsent(id, -1L);
            });
        }, "depart");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The nodes that sit at some table, each once, in the order the tables name them: who may depart. */
    static List<Integer> seatedNodes(Map<String, List<Integer>> tables) {
        List<Integer> seated = new ArrayList<>();
        tables.values().forEach(ps -> ps.forEach(p -> {
            if (!seated.contains(p)) {
                seated.add(p);
            }
        }));
        return seated;
    }

    private static int stayer(List<Integer> players, int victim) {
        return players.stream().filter(p -> p != victim).findFirst().orElseThrow();
    }

    /** The seq of the Evict tx the node's view of the table lists {@code player} under, or 0 if none. */
    private long evictedSeq(int node, String table, String player) {
        try {
            JsonElement evicted = clients.get(node).table(table).get("evicted");
            if (evicted == null) {
                return 0;
            }
            for (JsonElement e : evicted.getAsJsonArray()) {
                if (player.equals(e.getAsJsonObject().get("player").getAsString())) {
                    return e.getAsJsonObject().get("seq").getAsLong();
                }
            }
            return 0;
        } catch (ApiException | RuntimeException e) {
            return 0;
        }
    }

    /** The departed node starts again from its data dir, as a player back from a long absence. */
    private void comeBack(LocalMesh mesh, Map<String, List<Integer>> tables, List<String> problems)
            throws IOException, InterruptedException {
        LocalMesh.Node n = mesh.node(departed);
        say("depart: starting node" + departed + " again");
        mesh.start(n);
        mesh.awaitApi(n);
        clients.put(departed, client(n));
        Departure d = departure;
        if (d == null) {
            problems.add("depart: node" + departed + " was killed but its tables were never timed");
            return;
        }
        d.showsEvicted().keySet().forEach(table -> {
            d.evictedAfterMs().putIfAbsent(table, -1L);
            d.playedOnAfterMs().putIfAbsent(table, -1L);
        });
        if (d.showsEvicted().isEmpty()) {
            problems.add("depart: node" + departed + " sits at no table: nothing was tested");
        }
        d.evictedAfterMs().forEach((table, ms) -> {
            if (ms < 0) {
                problems.add("depart: table " + table.substring(0, 8) + " never evicted node" + departed);
            } else if (d.playedOnAfterMs().get(table) < 0) {
                problems.add("depart: table " + table.substring(0, 8) + " evicted node" + departed
                        + " but never committed again");
            }
        });
    }

    /** Once caught up, the departed node shows itself evicted at each of its tables. */
    private void checkShowsEvicted(Map<String, List<Integer>> tables, List<String> problems) {
        Departure d = departure;
        if (d == null) {
            return;
        }
        for (String table : d.showsEvicted().keySet()) {
            boolean shows = "evicted".equals(status(departed, table));
            d.showsEvicted().put(table, shows);
            if (!shows) {
                problems.add("depart: node" + departed + " came back but table " + table.substring(0, 8)
                        + " shows status " + status(departed, table) + ", not evicted");
            }
        }
    }

    /** Until the node reports ready and holds every table it sits at. */
    private void awaitCaughtUp(int node, Map<String, List<Integer>> tables) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean ready = true;
            for (Map.Entry<String, List<Integer>> e : tables.entrySet()) {
                if (e.getValue().contains(node) && !"active".equals(status(node, e.getKey()))) {
                    ready = false;
                }
            }
            try {
                ready &= clients.get(node).ready().get("ready").getAsBoolean();
            } catch (ApiException | RuntimeException e) {
                ready = false;
            }
            if (ready) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private void progressLine(LocalMesh mesh, Map<String, List<Integer>> tables, long playStart) {
        org.HdrHistogram.Histogram interval = latency.getIntervalHistogram();
        synchronized (allLatency) {
            allLatency.add(interval);
        }
        double seconds = (System.nanoTime() - playStart) / 1e9;
        int peers = 0;
        try {
            JsonElement connected = clients.get(0).peers().get("connected");
            peers = connected == null ? 0 : connected.getAsJsonArray().size();
        } catch (ApiException | RuntimeException e) {
            peers = -1;
        }
        // An interval without a committed bet (a node down, a table waiting) shows "-", not a latency of zero.
        String commit = interval.getTotalCount() == 0 ? "commit -"
                : String.format("commit p50 %.1f ms p99 %.1f ms", interval.getValueAtPercentile(50) / 1e6,
                        interval.getValueAtPercentile(99) / 1e6);
        String line = String.format("[%3.0fs] slots %d  bets %d accepted (%.1f/s), %d refused  rolls %d  %s"
                + "  peers %s/%d%s", seconds, slots(mesh, tables), accepted.get(),
                accepted.get() / Math.max(seconds, 1e-9), rejected.get(), rolls.get(), commit,
                peers < 0 ? "?" : Integer.toString(peers),
                config.nodes() - 1, restarts.get() > 0 ? "  restarts " + restarts.get() : "");
        if (progress) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Slots committed: the sum over tables of the highest seq any player reports. */
    private long slots(LocalMesh mesh, Map<String, List<Integer>> tables) {
        return meshTables.slots(tables);
    }

    private long seq(int node, String table) {
        return meshTables.seq(node, table);
    }

    private void converge(LocalMesh mesh, Map<String, List<Integer>> tables, List<String> problems)
            throws InterruptedException, IOException {
        for (LocalMesh.Node n : mesh.nodes()) {
            if (!n.alive()) {
                mesh.start(n);
                mesh.awaitApi(n);
                clients.put(n.index(), client(n));
            }
        }
        meshTables.converge(tables, problems, CONVERGE_TIMEOUT_MS);
    }

    private int audit(LocalMesh mesh, Map<String, List<Integer>> tables, List<String> problems) {
        return meshTables.audit(tables, problems);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bounds for stopping bot threads. */
    static final class LiveBotTimeouts {
        static final long JOIN_MS = 130_000;

        private LiveBotTimeouts() {
        }
    }
}
