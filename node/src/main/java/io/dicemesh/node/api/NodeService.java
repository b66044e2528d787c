package io.dicemesh.node.api;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.TableId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the local admin API can ask of a running node. Implemented by the daemon; every method is thread-safe and
 * none blocks the engine: commands go through the engine's inbox, reads of the ledger run on the caller's thread.
 */
public interface NodeService {
    NodeId id();

    /** A client command, answered by the engine (bets and rolls once their slot commits). */
    CompletableFuture<ClientResult> submit(ClientRequest request);

    /** Verifies signatures, certificates, the hash chain and conservation of a table from the local ledger. */
    LedgerReplay.Report audit(TableId table);

    /** The last {@code limit} committed slots of a table, replayed from the ledger, oldest first. */
    List<HistoryEntry> history(TableId table, int limit);

    /** A RocksDB checkpoint of the ledger (and the node key) in {@code outDir}, which must not exist. */
    Path backup(Path outDir) throws IOException;

    /**
     * Writes this node's provable position at a table to {@code out} (a new file): its stack, set-aside tokens and
     * bets at face and fair value, with the genesis record and every certificate from seq 1, so anyone can check
     * it. Returns the position written.
     */
    io.dicemesh.node.core.Position proof(TableId table, Path out) throws IOException;

    /** Connected peers and the addresses this node knows from gossip. */
    Peers peers();

    /** Liveness: the engine thread runs. */
    boolean healthy();

    /** Readiness: empty when ready, else why not (a table peer not connected, a stalled table). */
    List<String> notReadyReasons();

    /** Prometheus text of every metric. */
    String metricsText();

    /** One committed slot as history shows it. */
    record HistoryEntry(long seq, String txHash, List<String> lines) {
    }

    record Peers(List<NodeId> connected, Map<NodeId, String> known) {
    }
}
