package io.dicemesh.simulator.run;

import io.dicemesh.node.core.InjectedBug;
import io.dicemesh.simulator.sim.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * Many seeded runs in parallel across cores, each with the fault mix its seed picks. Each run is single-threaded
 * and deterministic on its own; running them in parallel changes nothing inside any of them.
 */
public final class Swarm {
    /** One seed's result, small enough to keep for thousands of seeds. */
    /** {@code frozen}: the documented cause of each table that stayed frozen (see SimRun.frozenCause). */
    public record SeedResult(long seed, boolean ok, List<String> violations, long slots, String replay,
            String traceHash, RunConfig config, List<String> frozen) {
    }

    private final SwarmPlan plan;
    private final Set<InjectedBug> bugs;
    private final int threads;

    public Swarm(SwarmPlan plan, Set<InjectedBug> bugs, int threads) {
        this.plan = plan;
        this.bugs = bugs;
        this.threads = Math.max(1, threads);
    }

    /**
     * Runs seeds from {@code firstSeed}: {@code count} of them, or (count <= 0) as many as fit before
     * {@code deadlineNanos} of System.nanoTime(). {@code onResult} sees each result as it completes (any thread).
     * With {@code stopAtFirstFailure} no new seed starts after a failure.
     */
    public List<SeedResult> run(long firstSeed, long count, long deadlineNanos, boolean stopAtFirstFailure,
            BiConsumer<SeedResult, Long> onResult) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "swarm");
            t.setDaemon(true);
            return t;
        });
        List<SeedResult> results = new ArrayList<>();
        List<Future<SeedResult>> inFlight = new ArrayList<>();
        long next = firstSeed;
        long done = 0;
        boolean failed = false;
        try {
            while (true) {
                boolean more = count > 0 ? next < firstSeed + count : System.nanoTime() < deadlineNanos;
                while (more && !(failed && stopAtFirstFailure) && inFlight.size() < 2 * threads) {
                    long seed = next++;
                    inFlight.add(pool.submit(() -> runSeed(seed)));
                    more = count > 0 ? next < firstSeed + count : System.nanoTime() < deadlineNanos;
                }
                if (inFlight.isEmpty()) {
                    break;
                }
                Future<SeedResult> head = inFlight.remove(0);
                SeedResult r = head.get();
                results.add(r);
                done++;
                failed |= !r.ok();
                onResult.accept(r, done);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a swarm run crashed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    /** One seed; a run that throws is a failed seed with the exception as its violation, never a lost one. */
    public SeedResult runSeed(long seed) {
        RunConfig config = plan.configFor(seed);
        try {
            RunReport report = new SimRun(config, bugs, new Trace(null), SimRun.Progress.NONE).run();
            return new SeedResult(seed, report.ok(), report.violations(), report.slotsCommitted(),
                    config.replayCommand(), report.traceHash(), config,
                    report.stalledTables().stream().map(SimRun::frozenCause).toList());
        } catch (RuntimeException e) {
            StackTraceElement[] at = e.getStackTrace();
            return new SeedResult(seed, false, List.of("crashed: " + e + (at.length > 0 ? " at " + at[0] : "")), 0,
                    config.replayCommand(), "", config, List.of());
        }
    }
}
