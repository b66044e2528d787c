package io.dicemesh.simulator.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.simulator.live.LocalMesh;
import io.dicemesh.simulator.live.MeshTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The "bets" benchmark on real daemons (one JVM each, Netty, RocksDB with fsync, real signatures), the shape of
 * the baselines in {@code ../shared/baselines}: tables of players, each request {@code batch} bets through the
 * admin API's batch route, client c betting at the tables t with t mod clients = c, one request in flight per
 * client (closed loop), or requests started on a fixed schedule (open loop, latency from each scheduled start).
 *
 * <p>The "bets" workload has no rolls, so each request also takes down the bets that seat's previous request placed
 * (before its bets): the felt holds one request's bets a seat (the tables' rules let a seat have 2 x batch on the
 * felt, at least 100 and at most 4,096), and the take-downs are extra work the figures carry (bets/s counts placed bets only). They go in the
 * same intent batch while bets and take-downs fit in one (2 x batch at most {@link #INTENTS_PER_REQUEST_MAX}); a
 * larger batch's request is two calls in turn, the take-downs then the bets, and its latency covers both. Workload
 * "game" adds a roll to one request in six, whose bets are then settled instead.
 */
public final class BenchRun {
    /** Bets and take-downs one call of the batch route carries at most (one intent batch). */
    public static final int INTENTS_PER_REQUEST_MAX = io.dicemesh.protocol.WireLimits.INTENTS_PER_BATCH_MAX;
    static final long STACK = 1_000_000_000L;
    static final long BANK = 1_000_000_000_000L;
    static final int[] PLACE_NUMBERS = {4, 5, 6, 8, 9, 10};
    /** Open loop: requests in flight at most (more wait in line, their latency counted from the schedule). */
    static final int OPEN_LOOP_WORKERS = 64;
    /** Open loop: requests waiting in line at most; past it the offered rate is beyond the mesh, and is reported. */
    static final int OPEN_LOOP_BACKLOG_MAX = 100_000;
    static final long CONVERGE_TIMEOUT_MS = 60_000;

    public enum Workload {
        BETS, GAME
    }

    /**
     * @param rate bets a second offered on a fixed schedule (open loop), or 0 for the closed loop
     */
    public record Config(int nodes, int tables, int players, int clients, int batch, long rate, long warmupMs,
            long durationMs, Workload workload, long seed) {
        /** What is wrong with these options, or null. */
        public String problem() {
            if (nodes < 1 || nodes > 16) {
                return "--nodes must be 1 to 16, not " + nodes;
            }
            if (players < 1 || players > nodes) {
                return "--players must be 1 to --nodes (" + nodes + "), not " + players;
            }
            if (clients < 1 || clients > 256) {
                return "--clients must be 1 to 256, not " + clients;
            }
            if (tables < clients || tables > 1_000) {
                return "--tables must be --clients (" + clients + ") to 1000, so every client has a table, not "
                        + tables;
            }
            if (batch < 1 || batch > INTENTS_PER_REQUEST_MAX) {
                return "--batch must be 1 to " + INTENTS_PER_REQUEST_MAX + " (one intent batch), not " + batch;
            }
            if (rate < 0 || rate > 10_000_000) {
                return "--rate must be 0 (closed loop) to 10000000 bets/s, not " + rate;
            }
            if (warmupMs < 0 || durationMs < 1_000 || warmupMs + durationMs > 3_600_000) {
                return "--duration must be at least 1s and --warmup plus --duration at most 1h";
            }
            return null;
        }
    }

    /** What one run measured (over the measured window only; the warm-up is excluded). */
    /** @param notStarted open loop: requests never started because {@link #OPEN_LOOP_BACKLOG_MAX} waited */
    public record Result(Config config, Calibration calibration, double seconds, long betsPlaced, long betsRefused,
            long takeDowns, long rolls, long errors, long notStarted, long slots, Histogram opLatencyUs, int audits,
            List<String> problems) {
        public double betsPerSecond() {
            return betsPlaced / seconds;
        }

        public double slotsPerSecond() {
            return slots / seconds;
        }

        public double opP50Ms() {
            return opLatencyUs.getTotalCount() == 0 ? 0 : opLatencyUs.getValueAtPercentile(50) / 1000.0;
        }

        public double opP99Ms() {
            return opLatencyUs.getTotalCount() == 0 ? 0 : opLatencyUs.getValueAtPercentile(99) / 1000.0;
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Config config;
    private final PrintWriter progress;
    private final Map<Integer, ApiClient> clients = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final Recorder latency = new Recorder(3_600_000_000L, 3);
    private final AtomicLong placed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong takenDown = new AtomicLong();
    private final AtomicLong rolls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong notStarted = new AtomicLong();
    /** Each seat's bets on the felt that a later request will take down, by "table/node". */
    private final Map<String, ConcurrentLinkedQueue<Long>> felt = new ConcurrentHashMap<>();

    /** @param progress where progress lines go (the result is the caller's to print) */
    public BenchRun(Config config, PrintWriter progress) {
        this.config = config;
        this.progress = progress;
    }

    public Result run() throws IOException, InterruptedException {
        try (LocalMesh mesh = new LocalMesh(config.nodes(), List.of())) {
            say("calibrating this machine (fsync, loopback round trip, Ed25519 verifies)");
            Calibration calibration = Calibration.measure(mesh.root());
            say(String.format("fsync p50 %.0f us, loopback round trip p50 %.0f us, %.0f verifies/s: a commit's "
                    + "critical path is %.2f ms", calibration.fsyncP50Us(), calibration.loopbackRttP50Us(),
                    calibration.verifiesPerSecond(), calibration.criticalPathMs()));
            say("starting " + config.nodes() + " nodes (data in " + mesh.root() + ")");
            mesh.startAll();
            for (LocalMesh.Node n : mesh.nodes()) {
                clients.put(n.index(), MeshTables.client(n));
            }
            MeshTables meshTables = new MeshTables(mesh, clients, this::say);
            JsonObject rules = new JsonObject();
            rules.addProperty("min_bet", 1);
            rules.addProperty("max_bet", 100);
            rules.addProperty("felt_bets_per_seat", feltBound(config.batch()));
            Map<String, List<Integer>> tables = meshTables.create(config.tables(), config.players(), STACK, BANK,
                    rules);
            List<String> ids = new ArrayList<>(tables.keySet());
            say(String.format("%d tables of %d players; %s, batch %d, %s; warm-up %d s, measured %d s",
                    tables.size(), config.players(), config.workload().name().toLowerCase(java.util.Locale.ROOT),
                    config.batch(), config.rate() > 0 ? "open loop at " + config.rate() + " bets/s"
                            : config.clients() + " clients in a closed loop", config.warmupMs() / 1000,
                    config.durationMs() / 1000));

            List<Thread> threads = new ArrayList<>();
            ExecutorService workers = null;
            if (config.rate() > 0) {
                workers = new java.util.concurrent.ThreadPoolExecutor(OPEN_LOOP_WORKERS, OPEN_LOOP_WORKERS, 0,
                        TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(OPEN_LOOP_BACKLOG_MAX),
                        r -> {
                            Thread t = new Thread(r, "bench-worker");
                            t.setDaemon(true);
                            return t;
                        });
                ExecutorService pool = workers;
                threads.add(start("bench-schedule", () -> schedule(ids, tables, pool)));
            } else {
                for (int c = 0; c < config.clients(); c++) {
                    List<String> mine = new ArrayList<>();
                    for (int t = c; t < ids.size(); t += config.clients()) {
                        mine.add(ids.get(t));
                    }
                    SplittableRandom r = new SplittableRandom(config.seed() * 1_000 + c);
                    threads.add(start("bench-client-" + c, () -> closedLoop(mine, tables, r)));
                }
            }
            long t0 = System.nanoTime();
            sleepUntil(t0 + config.warmupMs() * 1_000_000, t0, "warm-up");
            long slotsBefore = meshTables.slots(tables);
            resetCounters();
            measuring.set(true);
            long m0 = System.nanoTime();
            sleepUntil(m0 + config.durationMs() * 1_000_000, m0, "measuring");
            measuring.set(false);
            double seconds = (System.nanoTime() - m0) / 1e9;
            Histogram measured = latency.getIntervalHistogram();
            long bets = placed.get();
            long refusals = refused.get();
            long downs = takenDown.get();
            long rolled = rolls.get();
            long failed = errors.get();
            long skipped = notStarted.get();
            long slots = meshTables.slots(tables) - slotsBefore;
            stop.set(true);
            for (Thread t : threads) {
                t.join(ApiClient.COMMAND_TIMEOUT.toMillis() + 10_000);
            }
            if (workers != null) {
                workers.shutdown();
                workers.awaitTermination(ApiClient.COMMAND_TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            }
            progress.println();
            say("load stopped; waiting for every table to settle on every node");
            List<String> problems = new ArrayList<>();
            meshTables.converge(tables, problems, CONVERGE_TIMEOUT_MS);
            int audits = meshTables.audit(tables, problems);
            return new Result(config, calibration, seconds, bets, refusals, downs, rolled, failed, skipped, slots,
                    measured, audits, problems);
        }
    }

    private void resetCounters() {
        latency.reset();
        placed.set(0);
        refused.set(0);
        takenDown.set(0);
        rolls.set(0);
        errors.set(0);
        notStarted.set(0);
    }

    private Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One closed-loop client: one request in flight, round the client's tables, each time the next seat. */
    private void closedLoop(List<String> mine, Map<String, List<Integer>> tables, SplittableRandom r) {
        for (long i = 0; !stop.get(); i++) {
            String table = mine.get((int) (i % mine.size()));
            List<Integer> seats = tables.get(table);
            int node = seats.get((int) (i / mine.size() % seats.size()));
            long t0 = System.nanoTime();
            request(table, node, r);
            if (measuring.get()) {
                latency.recordValue(Math.min(3_600_000_000L, (System.nanoTime() - t0) / 1_000));
            }
        }
    }

    /**
     * The open loop: request k starts at start + k * batch / rate seconds, at table k mod tables and the next
     * seat there; its latency counts from that time, so a slow node cannot hide its backlog.
     */
    private void schedule(List<String> ids, Map<String, List<Integer>> tables, ExecutorService pool) {
        double intervalNs = 1e9 * config.batch() / config.rate();
        long start = System.nanoTime();
        SplittableRandom seeds = new SplittableRandom(config.seed());
        for (long k = 0; !stop.get(); k++) {
            long due = start + (long) (k * intervalNs);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String table = ids.get((int) (k % ids.size()));
            List<Integer> seats = tables.get(table);
            int node = seats.get((int) (k / ids.size() % seats.size()));
            SplittableRandom r = seeds.split();
            try {
                pool.execute(() -> {
                    if (stop.get()) {
                        return;
                    }
                    request(table, node, r);
                    if (measuring.get()) {
                        latency.recordValue(Math.min(3_600_000_000L, (System.nanoTime() - due) / 1_000));
                    }
                });
            } catch (RejectedExecutionException e) {
                if (pool.isShutdown()) {
                    return;
                }
                notStarted.incrementAndGet(); // the line is full: the offered rate is beyond what the mesh takes
            }
        }
    }

    /** One request at (table, node): a batch of bets (taking down that seat's last ones), or in a game a roll. */
    private void request(String table, int node, SplittableRandom r) {
        ApiClient api = clients.get(node);
        long n = requests.incrementAndGet();
        try {
            if (config.workload() == Workload.GAME && n % 6 == 0) {
                api.roll(table);
                rolls.incrementAndGet(); // settled bets leave the felt: a later take-down of one is refused, no harm
                return;
            }
            ConcurrentLinkedQueue<Long> mine = felt.computeIfAbsent(table + "/" + node,
                    k -> new ConcurrentLinkedQueue<>());
            JsonArray downs = new JsonArray();
            for (int i = 0; i < config.batch(); i++) {
                Long id = mine.poll();
                if (id == null) {
                    break;
                }
                downs.add(id);
            }
            JsonArray bets = new JsonArray();
            for (int i = 0; i < config.batch(); i++) {
                JsonObject b = new JsonObject();
                b.addProperty("type", "place");
                b.addProperty("amount", 1 + r.nextInt(100));
                b.addProperty("number", PLACE_NUMBERS[r.nextInt(PLACE_NUMBERS.length)]);
                bets.add(b);
            }
            if (!downs.isEmpty() && downs.size() + bets.size() > INTENTS_PER_REQUEST_MAX) {
                try {
                    countTakeDowns(api.placeBets(table, new JsonArray(), downs));
                } catch (ApiException | RuntimeException e) {
                    for (JsonElement id : downs) { // not known to be down: a later request takes them down
                        mine.add(id.getAsLong());
                    }
                    throw e;
                }
                downs = new JsonArray();
            }
            JsonObject answer = api.placeBets(table, bets, downs);
            long accepted = 0;
            for (JsonElement e : answer.getAsJsonArray("bets")) {
                JsonObject b = e.getAsJsonObject();
                if (b.get("accepted").getAsBoolean()) {
                    accepted++;
                    mine.add(b.get("bet_id").getAsLong());
                }
            }
            countTakeDowns(answer);
            placed.addAndGet(accepted);
            refused.addAndGet(bets.size() - accepted);
        } catch (ApiException | RuntimeException e) {
            errors.incrementAndGet();
            if (errors.get() <= 3) {
                say("request to node" + node + " failed: " + e.getMessage());
            }
        }
    }

    /**
     * The tables' bound of bets a seat: room for two requests' bets (the open loop may overlap two at a seat),
     * at least the default and at most what a table's rules may set.
     */
    static int feltBound(int batch) {
        return Math.min(CrapsRules.FELT_BETS_PER_SEAT_MAX, Math.max(CrapsRules.FELT_BETS_PER_SEAT_DEFAULT, 2 * batch));
    }

    private void countTakeDowns(JsonObject answer) {
        if (answer.has("take_down")) {
            for (JsonElement e : answer.getAsJsonArray("take_down")) {
                takenDown.addAndGet(e.getAsJsonObject().get("accepted").getAsBoolean() ? 1 : 0);
            }
        }
    }

    private void sleepUntil(long deadline, long from, String phase) throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(1_000, left / 1_000_000 + 1));
            progress.printf("\r[%s %3ds] %d bets placed, %d refused, %d errors    ", phase,
                    (System.nanoTime() - from) / 1_000_000_000L, placed.get(), refused.get(), errors.get());
            progress.flush();
        }
    }

    private void say(String line) {
        progress.println("dicemesh-sim bench: " + line);
        progress.flush();
    }
}
