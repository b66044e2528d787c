package io.dicemesh.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.node.core.InjectedBug;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link MeshScenarios} on the simulator, over many seeds (count: -Ddicemesh.scenario.seeds=N). */
class SimMeshScenariosTest extends MeshScenarios {
    static final int SEEDS = 20;

    private Set<InjectedBug> bugs = Set.of();

    @Override
    void forEachMesh(String scenario, int nodes, Set<Integer> liars, Scenario body) {
        Scenarios.forEachSeed("SimMeshScenariosTest (" + scenario + ")", SEEDS, seed -> {
            try (SimScenarioMesh mesh = new SimScenarioMesh(seed, nodes, liars, bugs)) {
                body.run(mesh);
            } catch (RuntimeException | AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The scenarios can fail: with every node committing on its own vote, the player a cut-off node's coordinator
     * still reaches commits without it, and the held-table check sees that slot commit.
     */
    @Test
    void aCommitWithoutEveryPlayersVoteFailsTheScenario() {
        bugs = Set.of(InjectedBug.COMMIT_BEFORE_ALL_VOTES);
        AssertionError cut = assertThrows(AssertionError.class,
                this::aNodeCutOffLongerThanAViewTimeoutHoldsTheTableUntilTheLinksHeal);
        assertTrue(cut.getMessage().contains("though a player could not vote"), cut.getMessage());
    }
}
