package io.dicemesh.simulator.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.InjectedBug;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A checker that never fails proves nothing: each test breaks one rule of the engine on purpose and requires the
 * swarm to find a violation within a bounded number of seeds.
 */
class CheckersBiteTest {
    static final int SEEDS_MAX = 400;
    /** Seeds run with absence judged too soon: about one in twenty shows a false eviction. */
    static final int FALSE_EVICTION_SEEDS = 120;
    static final int ROUND_SEEDS = 8;

    @ParameterizedTest
    @EnumSource(InjectedBug.class)
    void theSwarmFindsEveryDeliberateBugWithinABoundedNumberOfSeeds(InjectedBug bug) throws InterruptedException {
        Swarm swarm = new Swarm(new SwarmPlan(null, null, null, null, RunConfig.Store.MEMORY, true), Set.of(bug),
                Runtime.getRuntime().availableProcessors());
        List<Swarm.SeedResult> results = swarm.run(1, SEEDS_MAX, Long.MAX_VALUE, true, (r, n) -> { });
        Swarm.SeedResult failed = results.stream().filter(r -> !r.ok()).findFirst().orElse(null);
        assertTrue(failed != null, "no violation found for " + bug + " in " + results.size() + " seeds");
        System.out.println(bug + ": found by seed " + failed.seed() + " after " + results.size() + " seeds: "
                + failed.violations().get(0));
    }

    /** The false-eviction check itself bites: absence judged 200 times too soon evicts players that answer. */
    @Test
    void anEagerAbsenceJudgementIsCaughtAsAFalseEviction() throws InterruptedException {
        Swarm swarm = new Swarm(new SwarmPlan(null, null, null, null, RunConfig.Store.MEMORY, true),
                Set.of(InjectedBug.EAGER_ABSENCE), Runtime.getRuntime().availableProcessors());
        // in rounds of a few seeds, stopping at the first false eviction (other violations come first in some)
        String found = null;
        long tried = 0;
        for (long first = 1; found == null && first <= FALSE_EVICTION_SEEDS; first += ROUND_SEEDS) {
            List<Swarm.SeedResult> results = swarm.run(first, ROUND_SEEDS, Long.MAX_VALUE, false, (r, n) -> { });
            tried += results.size();
            found = results.stream().flatMap(r -> r.violations().stream())
                    .filter(v -> v.startsWith("false eviction")).findFirst().orElse(null);
        }
        assertTrue(found != null, "no false eviction reported in " + tried + " seeds");
        System.out.println("EAGER_ABSENCE: " + found);
    }
}
