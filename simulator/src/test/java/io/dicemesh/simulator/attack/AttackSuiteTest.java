package io.dicemesh.simulator.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack suite against real daemons (issue 11): each attack runs against node 0 of a live 3-node table that
 * keeps betting and rolling, and must leave the table committing at least {@link Attack#rateFractionMin} of its
 * unattacked rate, node 0's resident memory under {@link AttackRun#RSS_BOUND_MIB} MiB, node 2 (killed and started
 * again at the end of the attack) linked to node 0 again within {@link AttackRun#RELINK_BOUND_MS} ms, and every
 * audit passing.
 * {@code mvn verify} runs a bounded slice ({@value #DEFAULT_SLICE}); {@code -Ddicemesh.attacks=all} (CI does) or a
 * comma-separated list runs others.
 */
@Tag("attack")
class AttackSuiteTest {
    static final String DEFAULT_SLICE = "relay,silent-connections";
    static final long DURATION_MS = 18_000;

    static Stream<Attack> attacks() {
        String chosen = System.getProperty("dicemesh.attacks", DEFAULT_SLICE).trim();
        if (chosen.equals("all")) {
            return Stream.of(Attack.values());
        }
        List<Attack> out = new ArrayList<>();
        for (String name : chosen.split(",")) {
            out.add(Attack.parse(name.trim()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theTableKeepsCommittingWithinBoundsAndAuditsPass(Attack attack) throws Exception {
        PrintWriter out = new PrintWriter(System.out, true);
        AttackRun.Report r = new AttackRun(attack, DURATION_MS, out).run(7);
        out.printf("attack %s: %.1f -> %.1f slots/s (%.0f%%), node0 peak RSS %d MiB, %d connections, %d frames, %d "
                + "closed by the node, node2 relinked in %d ms%n", attack.label(), r.slotsPerSecondBefore(),
                r.slotsPerSecondDuring(), 100 * r.rateRatio(), r.peakRssMib(), r.connections(), r.frames(),
                r.closedByNode(), r.relinkMs());
        assertTrue(r.connections() > 0, "the attack connected at all");
        assertEquals(0, r.boundAsAnother(), "no relayed connection was bound as another node");
        assertEquals(List.of(), r.problems());
        assertEquals(3, r.live().audits());
    }
}
