package io.dicemesh.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Swarm testing in the suite: a bounded swarm (a few hundred seeds, fast signatures, about half a minute on two
 * cores) on every build, and a long one tagged slow for nightly runs ({@code mvn verify -Pslow}).
 */
class SwarmTest {
    @Test
    void aBoundedSwarmOfRandomFaultMixesHoldsEveryInvariantAndConverges() throws InterruptedException {
        assertSwarmHolds(Integer.getInteger("dicemesh.swarm.seeds", 300), Long.getLong("dicemesh.test.seed", 1L));
    }

    @Test
    @Tag("slow")
    void aNightlySwarmOfThousandsOfSeedsHolds() throws InterruptedException {
        assertSwarmHolds(Integer.getInteger("dicemesh.swarm.seeds", 5_000), Long.getLong("dicemesh.test.seed", 100_000L));
    }

    @Test
    void aSwarmWithRealEd25519SignaturesHolds() throws InterruptedException {
        Swarm swarm = new Swarm(new SwarmPlan(null, null, null, null, RunConfig.Store.ROCKSDB, false), Set.of(),
                Runtime.getRuntime().availableProcessors());
        List<Swarm.SeedResult> results = swarm.run(50_000, 12, Long.MAX_VALUE, false, (r, n) -> { });
        assertEquals(12, results.size());
        for (Swarm.SeedResult r : results) {
            assertTrue(r.ok(), "seed " + r.seed() + ": " + r.violations() + "\n  replay: " + r.replay());
        }
    }

    private static void assertSwarmHolds(int seeds, long first) throws InterruptedException {
        Swarm swarm = new Swarm(new SwarmPlan(null, null, null, null, RunConfig.Store.MEMORY, true), Set.of(),
                Runtime.getRuntime().availableProcessors());
        long start = System.nanoTime();
        List<Swarm.SeedResult> results = swarm.run(first, seeds, Long.MAX_VALUE, false, (r, n) -> { });
        long slots = results.stream().mapToLong(Swarm.SeedResult::slots).sum();
        System.out.printf("swarm: %d seeds from %d, %d slots, %.1f s%n", results.size(), first, slots,
                (System.nanoTime() - start) / 1e9);
        assertEquals(seeds, results.size());
        for (Swarm.SeedResult r : results) {
            assertTrue(r.ok(), "seed " + r.seed() + ": " + r.violations() + "\n  replay: " + r.replay());
        }
    }
}
