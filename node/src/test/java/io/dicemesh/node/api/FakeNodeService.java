package io.dicemesh.node.api;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.TableId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A NodeService whose answers the test sets; it records every command it was given. */
final class FakeNodeService implements NodeService {
    static final NodeId ME = id(1);
    static final NodeId OTHER = id(2);
    static final NodeId THIRD = id(3);
    static final NodeId FOURTH = id(4);

    final List<ClientRequest> submitted = new CopyOnWriteArrayList<>();
    final List<Path> backups = new CopyOnWriteArrayList<>();
    volatile Function<ClientRequest, CompletableFuture<ClientResult>> answers =
            r -> CompletableFuture.completedFuture(new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST,
                    "no answer set"));
    volatile boolean healthy = true;
    volatile List<String> notReady = List.of();
    volatile LedgerReplay.Report report;
    volatile List<HistoryEntry> history = List.of();

    static NodeId id(int fill) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) fill);
        return NodeId.of(b);
    }

    static TableId table(int fill) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) fill);
        return TableId.of(b);
    }

    /** Answers every command with {@code result}. */
    void answer(ClientResult result) {
        answers = r -> CompletableFuture.completedFuture(result);
    }

    @Override
    public NodeId id() {
        return ME;
    }

    @Override
    public CompletableFuture<ClientResult> submit(ClientRequest request) {
        submitted.add(request);
        return answers.apply(request);
    }

    @Override
    public LedgerReplay.Report audit(TableId table) {
        return report;
    }

    @Override
    public List<HistoryEntry> history(TableId table, int limit) {
        return history.subList(Math.max(0, history.size() - limit), history.size());
    }

    @Override
    public io.dicemesh.node.core.Position proof(TableId table, Path out) throws IOException {
        throw new IOException("the fake node keeps no ledger");
    }

    @Override
    public Path backup(Path outDir) throws IOException {
        Files.createDirectory(outDir); // as the node does: a new directory or FileAlreadyExistsException
        backups.add(outDir);
        return outDir;
    }

    @Override
    public Peers peers() {
        return new Peers(List.of(OTHER), Map.of(OTHER, "127.0.0.1:7601", id(3), "10.0.0.3:7600"));
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public List<String> notReadyReasons() {
        return notReady;
    }

    @Override
    public String metricsText() {
        return "# TYPE dicemesh_slots_committed_total counter\ndicemesh_slots_committed_total 3.0\n";
    }
}
