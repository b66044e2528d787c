package io.dicemesh.simulator.live;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tables of a {@link LocalMesh} seen through its nodes' admin APIs: made and awaited, their slots counted,
 * waited on until every copy is at one seq, and audited on every node. Shared by the live run and the benchmark.
 */
public final class MeshTables {
    /** How long tables may take to start on every node. */
    static final long START_TIMEOUT_MS = 60_000;

    private final LocalMesh mesh;
    private final Map<Integer, ApiClient> clients;
    private final Consumer<String> say;

    /** @param clients each node's API client, by node index (the caller replaces one when its node restarts) */
    public MeshTables(LocalMesh mesh, Map<Integer, ApiClient> clients, Consumer<String> say) {
        this.mesh = mesh;
        this.clients = clients;
        this.say = say;
    }

    /** The API client of the node running with {@code n}'s data dir. */
    public static ApiClient client(LocalMesh.Node n) throws IOException {
        try {
            return ApiClient.forDataDir(n.dataDir());
        } catch (ApiException e) {
            throw new IOException("node" + n.index() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code count} tables of {@code players} (table t seats nodes t*players .. t*players+players-1, modulo
     * the nodes; table t's creator is its player t mod players) and waits until each is active on every player's node.
     *
     * @param rules the table rules' JSON, or null for the defaults
     * @return each table's hex id and its players' node indexes, in seat order
     */
    public Map<String, List<Integer>> create(int count, int players, long stack, long bank, JsonObject rules)
            throws IOException, InterruptedException {
        Map<String, List<Integer>> tables = new LinkedHashMap<>();
        int nodes = mesh.nodes().size();
        for (int t = 0; t < count; t++) {
            List<Integer> seats = new ArrayList<>();
            for (int i = 0; i < players; i++) {
                seats.add((t * players + i) % nodes);
            }
            List<String> ids = new ArrayList<>();
            for (int p : seats) {
                ids.add(mesh.node(p).id().hex());
            }
            // the creator rotates among the players: a node joins at most 4 tables of one creator by itself
            int creator = seats.get(t % players);
            JsonObject created = retry(() -> clients.get(creator).createTable(ids, stack, bank, rules), 30_000);
            tables.put(created.get("table").getAsString(), List.copyOf(seats));
        }
        long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000;
        for (Map.Entry<String, List<Integer>> e : tables.entrySet()) {
            for (int p : e.getValue()) {
                String status;
                while (!"active".equals(status = status(p, e.getKey()))) {
                    if (!"waiting".equals(status)) { // rules a node does not take by itself (a raised felt bound)
                        for (int q : e.getValue()) {
                            joinIfInvited(q, e.getKey());
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IOException("table " + e.getKey().substring(0, 8) + " did not start on node" + p
                                + " within " + START_TIMEOUT_MS / 1000 + " s: " + LocalMesh.tail(mesh.node(p).log(),
                                3));
                    }
                    Thread.sleep(100);
                }
            }
        }
        return tables;
    }

    /** Joins the table at that node when the node lists it as an invite it has not accepted. */
    private void joinIfInvited(int node, String table) {
        try {
            for (JsonElement e : clients.get(node).tables().getAsJsonArray("tables")) {
                JsonObject t = e.getAsJsonObject();
                if (t.get("table").getAsString().equals(table) && "invited".equals(t.get("status").getAsString())) {
                    clients.get(node).join(table);
                }
            }
        } catch (ApiException | RuntimeException e) {
            // asked again on the next look while the table waits
        }
    }

    /** The table's status on that node ("active", ...), or "unknown" when the node does not answer. */
    public String status(int node, String table) {
        try {
            return clients.get(node).table(table).get("status").getAsString();
        } catch (ApiException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The table's last committed seq on that node, or -1 when the node does not answer. */
    public long seq(int node, String table) {
        try {
            return clients.get(node).table(table).get("seq").getAsLong();
        } catch (ApiException | RuntimeException e) {
            return -1;
        }
    }

    /** Slots committed, summed over the tables (each at its furthest copy). */
    public long slots(Map<String, List<Integer>> tables) {
        long sum = 0;
        for (Map.Entry<String, List<Integer>> e : tables.entrySet()) {
            long best = 0;
            for (int p : e.getValue()) {
                best = Math.max(best, seq(p, e.getKey()));
            }
            sum += best;
        }
        return sum;
    }

    /** Waits until every copy of each table is at one seq; a table that is not by the deadline is a problem. */
    public void converge(Map<String, List<Integer>> tables, List<String> problems, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        for (Map.Entry<String, List<Integer>> e : tables.entrySet()) {
            while (true) {
                List<Long> seqs = new ArrayList<>();
                for (int p : e.getValue()) {
                    seqs.add(seq(p, e.getKey()));
                }
                if (seqs.stream().distinct().count() == 1 && seqs.get(0) >= 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    problems.add("table " + e.getKey().substring(0, 8) + " did not converge: seqs " + seqs);
                    break;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Audits every copy of every table; each failed audit is a problem. Returns how many copies were audited. */
    public int audit(Map<String, List<Integer>> tables, List<String> problems) {
        int audits = 0;
        int before = problems.size();
        for (Map.Entry<String, List<Integer>> e : tables.entrySet()) {
            for (int p : e.getValue()) {
                try {
                    JsonObject a = clients.get(p).audit(e.getKey());
                    audits++;
                    if (!a.get("ok").getAsBoolean()) {
                        problems.add("audit of table " + e.getKey().substring(0, 8) + " on node" + p + ": "
                                + a.get("problems"));
                    }
                } catch (ApiException ex) {
                    problems.add("audit of table " + e.getKey().substring(0, 8) + " on node" + p + " failed: "
                            + ex.getMessage());
                }
            }
        }
        int found = problems.size() - before;
        say.accept("audited " + audits + " table copies: " + (found == 0 ? "all OK" : found + " problems"));
        return audits;
    }

    /** An API call that may fail while a node is still coming up. */
    public interface ApiCall {
        JsonObject call() throws ApiException;
    }

    /** Calls until it answers, for at most {@code timeoutMs}; then its last error is thrown as an IOException. */
    public static JsonObject retry(ApiCall call, long timeoutMs) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            try {
                return call.call();
            } catch (ApiException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(e.getMessage(), e);
                }
                Thread.sleep(200);
            }
        }
    }
}
