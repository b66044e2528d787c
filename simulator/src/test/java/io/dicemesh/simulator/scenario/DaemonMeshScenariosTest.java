package io.dicemesh.simulator.scenario;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MeshScenarios} on in-JVM daemons: real Netty and TLS on loopback, RocksDB ledgers with fsync, real
 * Ed25519, links cut by proxies; once per scenario (real time).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DaemonMeshScenariosTest extends MeshScenarios {
    @Override
    void forEachMesh(String scenario, int nodes, Set<Integer> liars, Scenario body) throws Exception {
        long start = System.nanoTime();
        try (DaemonScenarioMesh mesh = new DaemonScenarioMesh(nodes, liars)) {
            body.run(mesh);
        }
        System.out.printf("DaemonMeshScenariosTest (%s): %d daemons passed in %.1f s%n", scenario, nodes,
                (System.nanoTime() - start) / 1e9);
    }
}
