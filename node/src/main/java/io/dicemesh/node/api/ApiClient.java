package io.dicemesh.node.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A client of a node's admin API (see {@link AdminServer} for the routes and their JSON). One method per route;
 * each returns the parsed JSON answer or throws {@link ApiException} with one line for a person. Used by the
 * {@code dicemesh} client commands and by tools that drive live nodes. Thread-safe; reuse one per node.
 */
public final class ApiClient {
    /** How long a command may take: the server's own 30 s limit plus a margin for its 504 to arrive. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(40);
    /** Rolls, audits, history and backups: the server's 120 s limit plus a margin. */
    public static final Duration LONG_TIMEOUT = Duration.ofSeconds(130);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * One HTTP client per JVM: its connection pool serves every ApiClient, so code that makes a client per call
     * reuses keep-alive connections instead of leaving one open per client toward the node's connection limit.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();

    private final URI base;
    private final String token;
    /** The data dir the API file came from, for messages; null when built from a port. */
    private final Path dataDir;

    private ApiClient(int port, String token, Path dataDir) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.token = token;
        this.dataDir = dataDir;
    }

    /** The client of the node running with {@code dataDir}, from its api.json. */
    public static ApiClient forDataDir(Path dataDir) throws ApiException {
        Path dir = dataDir.toAbsolutePath().normalize();
        ApiFile file = ApiFile.read(dir);
        return new ApiClient(file.port(), file.token(), dir);
    }

    /** The client of the API on 127.0.0.1:{@code port} with this token. */
    public static ApiClient at(int port, String token) {
        return new ApiClient(port, token, null);
    }

    // ------------------------------------------------------------------ routes

    public JsonObject id() throws ApiException {
        return call("GET", "/v1/id", null, COMMAND_TIMEOUT);
    }

    public JsonObject peers() throws ApiException {
        return call("GET", "/v1/peers", null, COMMAND_TIMEOUT);
    }

    /** Proposes a table; {@code rules} may be null (the defaults) or hold any of min_bet, max_bet, odds, ... */
    public JsonObject createTable(List<String> players, long stack, long bank, JsonObject rules)
            throws ApiException {
        JsonObject body = new JsonObject();
        JsonArray ps = new JsonArray();
        players.forEach(ps::add);
        body.add("players", ps);
        body.addProperty("stack", stack);
        body.addProperty("bank", bank);
        if (rules != null) {
            body.add("rules", rules);
        }
        return call("POST", "/v1/tables", body, COMMAND_TIMEOUT);
    }

    public JsonObject tables() throws ApiException {
        return call("GET", "/v1/tables", null, COMMAND_TIMEOUT);
    }

    public JsonObject table(String table) throws ApiException {
        return call("GET", tablePath(table, ""), null, COMMAND_TIMEOUT);
    }

    public JsonObject join(String table) throws ApiException {
        return call("POST", tablePath(table, "/join"), null, COMMAND_TIMEOUT);
    }

    public JsonObject leave(String table) throws ApiException {
        return call("POST", tablePath(table, "/leave"), null, COMMAND_TIMEOUT);
    }

    /** A bet; {@code number} 0 unless place or hard, {@code on} 0 unless an odds bet (its base bet's id). */
    public JsonObject placeBet(String table, String type, long amount, int number, long on) throws ApiException {
        JsonObject body = new JsonObject();
        body.addProperty("type", type);
        body.addProperty("amount", amount);
        if (number != 0) {
            body.addProperty("number", number);
        }
        if (on != 0) {
            body.addProperty("on", on);
        }
        return call("POST", tablePath(table, "/bets"), body, COMMAND_TIMEOUT);
    }

    /**
     * A batch of bets (each {@code {type, amount, number?, on?}}), committed in one slot and answered with every
     * bet's outcome; a refused bet is in the answer, not an exception.
     */
    public JsonObject placeBets(String table, JsonArray bets) throws ApiException {
        return placeBets(table, bets, new JsonArray());
    }

    /** The same with take-downs (bet ids), applied before the bets in the same slot. */
    public JsonObject placeBets(String table, JsonArray bets, JsonArray takeDowns) throws ApiException {
        JsonObject body = new JsonObject();
        body.add("bets", bets);
        if (!takeDowns.isEmpty()) {
            body.add("take_down", takeDowns);
        }
        return call("POST", tablePath(table, "/bets"), body, COMMAND_TIMEOUT);
    }

    public JsonObject takeDown(String table, long betId) throws ApiException {
        return call("DELETE", tablePath(table, "/bets/" + betId), null, COMMAND_TIMEOUT);
    }

    public JsonObject transfer(String table, String to, long amount) throws ApiException {
        JsonObject body = new JsonObject();
        body.addProperty("to", to);
        body.addProperty("amount", amount);
        return call("POST", tablePath(table, "/transfers"), body, COMMAND_TIMEOUT);
    }

    /** Starts (or joins) the next roll; returns once it is committed. */
    public JsonObject roll(String table) throws ApiException {
        return call("POST", tablePath(table, "/roll"), null, LONG_TIMEOUT);
    }

    public JsonObject balance() throws ApiException {
        return call("GET", "/v1/balance", null, COMMAND_TIMEOUT);
    }

    public JsonObject history(String table, int limit) throws ApiException {
        return call("GET", tablePath(table, "/history") + "?limit=" + limit, null, LONG_TIMEOUT);
    }

    public JsonObject audit(String table) throws ApiException {
        return call("GET", tablePath(table, "/audit"), null, LONG_TIMEOUT);
    }

    /** This node's provable position at a table, written to {@code out} (a new file; made absolute here). */
    public JsonObject proof(String table, Path out) throws ApiException {
        JsonObject body = new JsonObject();
        body.addProperty("out", out.toAbsolutePath().normalize().toString());
        return call("POST", tablePath(table, "/proof"), body, LONG_TIMEOUT);
    }

    /** A backup in {@code out} (a new directory; made absolute here, as the node's working dir is not ours). */
    public JsonObject backup(Path out) throws ApiException {
        JsonObject body = new JsonObject();
        body.addProperty("out", out.toAbsolutePath().normalize().toString());
        return call("POST", "/v1/backup", body, LONG_TIMEOUT);
    }

    /** {healthy}; answered also when not healthy (HTTP 503). */
    public JsonObject health() throws ApiException {
        return call("GET", "/health", null, COMMAND_TIMEOUT);
    }

    /** {ready, reasons}; answered also when not ready (HTTP 503). */
    public JsonObject ready() throws ApiException {
        return call("GET", "/ready", null, COMMAND_TIMEOUT);
    }

    /** The Prometheus text of /metrics. */
    public String metrics() throws ApiException {
        return send("GET", "/metrics", null, COMMAND_TIMEOUT).body();
    }

    // ------------------------------------------------------------------ HTTP

    private static String tablePath(String table, String rest) {
        return "/v1/tables/" + URLEncoder.encode(table, StandardCharsets.UTF_8) + rest;
    }

    private JsonObject call(String method, String path, JsonObject body, Duration timeout) throws ApiException {
        HttpResponse<String> r = send(method, path, body, timeout);
        JsonObject json = parse(r.body());
        boolean probe = path.equals("/health") || path.equals("/ready");
        if (r.statusCode() / 100 == 2 || probe && r.statusCode() == 503 && json != null) {
            if (json == null) {
                throw new ApiException(r.statusCode(), "bad-answer", "the node's answer to " + method + " " + path
                        + " is not a JSON object", null);
            }
            return json;
        }
        throw error(r.statusCode(), json);
    }

    private HttpResponse<String> send(String method, String path, JsonObject body, Duration timeout)
            throws ApiException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", Reply.JSON).method(method,
                    HttpRequest.BodyPublishers.ofString(ApiJson.GSON.toJson(body), StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() == 401) {
                throw new ApiException(401, "bad-token", dataDir == null ? "the node at " + where()
                        + " rejected the API token" : "the node rejected the API token in " + ApiFile.path(dataDir),
                        parse(r.body()));
            }
            return r;
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw dataDir != null ? ApiFile.notRunning(dataDir)
                    : new ApiException("not-running", "no dicemesh node answers at " + where());
        } catch (HttpTimeoutException e) {
            throw new ApiException("timeout", "the node at " + where() + " did not answer within "
                    + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new ApiException("io", "cannot talk to the node at " + where() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", "interrupted while waiting for the node");
        }
    }

    private String where() {
        return base.getHost() + ":" + base.getPort();
    }

    private static ApiException error(int status, JsonObject json) {
        JsonElement message = json == null ? null : json.get("error");
        JsonElement code = json == null ? null : json.get("code");
        if (message == null || !message.isJsonPrimitive()) {
            return new ApiException(status, "bad-answer", "the node answered HTTP " + status, json);
        }
        return new ApiException(status, code != null && code.isJsonPrimitive() ? code.getAsString() : "error",
                message.getAsString(), json);
    }

    private static JsonObject parse(String body) {
        try {
            return ApiRequests.object(body);
        } catch (ApiError e) {
            return null;
        }
    }
}
