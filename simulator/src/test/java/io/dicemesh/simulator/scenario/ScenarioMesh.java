package io.dicemesh.simulator.scenario;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.TableId;
import io.dicemesh.protocol.TableState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A mesh of nodes as the protocol scenarios see it ({@link MeshScenarios}), the same whether it is the simulator
 * (virtual time and network, one thread) or in-JVM daemons over real Netty, TLS and RocksDB on loopback. Time in a
 * scenario is the mesh's own: virtual in the simulator, real for daemons; every wait is bounded.
 */
interface ScenarioMesh extends AutoCloseable {
    int size();

    NodeId id(int node);

    Identity identity(int node);

    /** Sends a client request to a node's engine; the future completes with its answer (a down node fails it). */
    CompletableFuture<ClientResult> submit(int node, ClientRequest request);

    /** Lets the mesh run until {@code done} holds, at most {@code timeoutMs} of the mesh's time; true if it held. */
    boolean await(BooleanSupplier done, long timeoutMs);

    /** The table's state at a node that is up, or empty (down, or the table unknown there). */
    Optional<TableState> state(int node, TableId table);

    /** The tables a node that is up knows. */
    List<TableId> tables(int node);

    /** Replays the table from the node's ledger and checks every slot (the {@code audit} command's check). */
    LedgerReplay.Report audit(int node, TableId table);

    /** Stops a node at once: it sends nothing more; its ledger keeps what it wrote. */
    void crash(int node);

    /** Starts a crashed node again from its ledger. */
    void restart(int node);

    boolean isUp(int node);

    /** Cuts the link between two nodes both ways (nothing crosses until {@link #healAll}). */
    void cut(int a, int b);

    /** Restores every cut link. */
    void healAll();

    /** Invariant violations the mesh itself saw (the simulator's checkers after every step; none for daemons). */
    List<String> violations();

    @Override
    void close() throws java.io.IOException;
}
