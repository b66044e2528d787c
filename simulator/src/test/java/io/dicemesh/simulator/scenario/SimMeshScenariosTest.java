package io.dicemesh.simulator.scenario;

import java.util.Set;

/** {@link MeshScenarios} on the simulator, over many seeds (count: -Ddicemesh.scenario.seeds=N). */
class SimMeshScenariosTest extends MeshScenarios {
    static final int SEEDS = 20;

    @Override
    void forEachMesh(String scenario, int nodes, Set<Integer> liars, Scenario body) {
        Scenarios.forEachSeed("SimMeshScenariosTest (" + scenario + ")", SEEDS, seed -> {
            try (SimScenarioMesh mesh = new SimScenarioMesh(seed, nodes, liars)) {
                body.run(mesh);
            } catch (RuntimeException | AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
