package io.dicemesh.node.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.TableId;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Maps each admin API route to {@link NodeService}: commands go through {@link NodeService#submit} and complete
 * when the engine answers; ledger reads (audit, history, backup) run on a small worker pool, never on a Netty
 * event loop. Every route's answer is a future of a {@link Reply}; the handler adds the timeout given here.
 */
final class AdminRoutes {
    /** A routed request: its pending answer and how long the caller waits for it. */
    record Routed(CompletableFuture<Reply> reply, long timeoutMs) {
    }

    private final NodeService service;
    private final Executor ledgerWork;
    private final AdminServer.Limits limits;

    AdminRoutes(NodeService service, Executor ledgerWork, AdminServer.Limits limits) {
        this.service = service;
        this.ledgerWork = ledgerWork;
        this.limits = limits;
    }

    /** The three routes served without the token. */
    static boolean isPublic(String path) {
        return path.equals("/health") || path.equals("/ready") || path.equals("/metrics");
    }

    /** Routes a request; throws {@link ApiError} for bad input or an unknown route. */
    Routed route(HttpMethod method, String path, Map<String, List<String>> query, String body) {
        if (isPublic(path)) {
            allow(method, HttpMethod.GET);
            return now(probe(path));
        }
        String[] seg = path.length() > 1 ? path.substring(1).split("/", -1) : new String[0];
        if (seg.length < 2 || !seg[0].equals("v1")) {
            throw ApiError.notFound("no route " + path);
        }
        switch (seg[1]) {
            case "id":
                only(seg, 2, path);
                allow(method, HttpMethod.GET);
                return now(Reply.ok(ApiJson.id(service.id())));
            case "peers":
                only(seg, 2, path);
                allow(method, HttpMethod.GET);
                return now(Reply.ok(ApiJson.peers(service.peers())));
            case "balance":
                only(seg, 2, path);
                allow(method, HttpMethod.GET);
                return command(new ClientRequest.ListTables(), ClientResult.Tables.class,
                        t -> Reply.ok(ApiJson.balance(t)));
            case "backup":
                only(seg, 2, path);
                allow(method, HttpMethod.POST);
                return backup(ApiRequests.backupOut(ApiRequests.object(body)));
            case "tables":
                return tables(method, seg, path, query, body);
            default:
                throw ApiError.notFound("no route " + path);
        }
    }

    private Routed tables(HttpMethod method, String[] seg, String path, Map<String, List<String>> query,
            String body) {
        if (seg.length == 2) {
            if (method.equals(HttpMethod.POST)) {
                return command(ApiRequests.createTable(ApiRequests.object(body)), ClientResult.TableCreated.class,
                        c -> Reply.json(201, ApiJson.tableCreated(c)));
            }
            allow(method, HttpMethod.GET, HttpMethod.POST);
            return command(new ClientRequest.ListTables(), ClientResult.Tables.class,
                    t -> Reply.ok(ApiJson.tables(t)));
        }
        TableId table = ApiRequests.table(seg[2]);
        if (seg.length == 3) {
            allow(method, HttpMethod.GET);
            return command(new ClientRequest.ShowTable(table), ClientResult.TableInfo.class,
                    i -> Reply.ok(ApiJson.table(i)));
        }
        if (seg.length == 5 && seg[3].equals("bets")) {
            allow(method, HttpMethod.DELETE);
            return intent(new ClientRequest.TakeDown(table, ApiRequests.betId(seg[4])));
        }
        if (seg.length != 4) {
            throw ApiError.notFound("no route " + path);
        }
        switch (seg[3]) {
            case "join":
                allow(method, HttpMethod.POST);
                return command(new ClientRequest.JoinTable(table), ClientResult.Joined.class,
                        j -> Reply.ok(ApiJson.joined(j)));
            case "leave":
                allow(method, HttpMethod.POST);
                return intent(new ClientRequest.Leave(table));
            case "bets": {
                allow(method, HttpMethod.POST);
                JsonObject o = ApiRequests.object(body);
                if (o.has("bets")) {
                    return new Routed(service.submit(ApiRequests.bets(table, o)).thenApply(r -> answer(r,
                            ClientResult.IntentsDone.class, ApiJson::intentsDone)), limits.commandTimeoutMs());
                }
                return intent(ApiRequests.bet(table, o));
            }
            case "transfers":
                allow(method, HttpMethod.POST);
                return intent(ApiRequests.transfer(table, ApiRequests.object(body)));
            case "roll":
                allow(method, HttpMethod.POST);
                return roll(table);
            case "history":
                allow(method, HttpMethod.GET);
                int limit = ApiRequests.limit(query.get("limit"));
                return ledger(table, () -> Reply.ok(ApiJson.history(table, service.history(table, limit))));
            case "audit":
                allow(method, HttpMethod.GET);
                return ledger(table, () -> Reply.ok(ApiJson.audit(service.audit(table))));
            case "proof":
                allow(method, HttpMethod.POST);
                return proof(table, ApiRequests.backupOut(ApiRequests.object(body)));
            default:
                throw ApiError.notFound("no route " + path);
        }
    }

    private Reply probe(String path) {
        switch (path) {
            case "/health": {
                boolean healthy = service.healthy();
                JsonObject o = new JsonObject();
                o.addProperty("healthy", healthy);
                return Reply.json(healthy ? 200 : 503, o);
            }
            case "/ready": {
                List<String> reasons = service.notReadyReasons();
                JsonObject o = new JsonObject();
                o.addProperty("ready", reasons.isEmpty());
                JsonArray a = new JsonArray();
                reasons.forEach(a::add);
                o.add("reasons", a);
                return Reply.json(reasons.isEmpty() ? 200 : 503, o);
            }
            default:
                return Reply.text(200, "text/plain; version=0.0.4; charset=utf-8", service.metricsText());
        }
    }

    // ------------------------------------------------------------------ kinds of routes

    private static Routed now(Reply reply) {
        return new Routed(CompletableFuture.completedFuture(reply), Long.MAX_VALUE);
    }

    /** A command answered with a result of type {@code want}, or an engine refusal. */
    private <T extends ClientResult> Routed command(ClientRequest request, Class<T> want, Function<T, Reply> ok) {
        return new Routed(service.submit(request).thenApply(r -> answer(r, want, ok)), limits.commandTimeoutMs());
    }

    /** A bet, take-down, transfer or leave: answered once its slot commits. */
    private Routed intent(ClientRequest request) {
        return new Routed(service.submit(request).thenApply(r -> answer(r, ClientResult.IntentDone.class,
                ApiJson::intentDone)), limits.commandTimeoutMs());
    }

    /** A roll, answered once committed; then the table's players name each settled bet's owner. */
    private Routed roll(TableId table) {
        CompletableFuture<Reply> reply = service.submit(new ClientRequest.Roll(table)).thenCompose(r -> {
            if (!(r instanceof ClientResult.Rolled rolled)) {
                return CompletableFuture.completedFuture(r instanceof ClientResult.Failed f ? ApiJson.failed(f)
                        : unexpected(r));
            }
            return service.submit(new ClientRequest.ShowTable(table)).thenApply(info -> Reply.ok(
                    ApiJson.rolled(rolled, info instanceof ClientResult.TableInfo i ? i : null)));
        });
        return new Routed(reply, limits.rollTimeoutMs());
    }

    /** Audit and history: the engine says whether the table exists, then the ledger is read on a worker. */
    private Routed ledger(TableId table, Supplier<Reply> read) {
        CompletableFuture<Reply> reply = service.submit(new ClientRequest.ShowTable(table)).thenCompose(r -> {
            if (r instanceof ClientResult.Failed f) {
                return CompletableFuture.completedFuture(ApiJson.failed(f));
            }
            return CompletableFuture.supplyAsync(read, ledgerWork);
        });
        return new Routed(reply, limits.ledgerTimeoutMs());
    }

    /** This node's provable position at a table, written to {@code out} (a new file) on a ledger worker. */
    private Routed proof(TableId table, Path out) {
        return ledger(table, () -> {
            try {
                return Reply.ok(ApiJson.position(service.proof(table, out), out));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return Reply.error(400, "bad-request", out + " already exists; a proof goes to a new file");
            } catch (IOException e) {
                return Reply.error(500, "proof-failed", "proof to " + out + " failed: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                return Reply.error(409, "not-a-player", e.getMessage());
            }
        });
    }

    private Routed backup(Path out) {
        // all file work on the ledger pool: a slow disk never holds a Netty thread
        CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> {
            try {
                JsonObject o = new JsonObject();
                o.addProperty("backup", service.backup(out).toString());
                return Reply.ok(o);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return Reply.error(400, "bad-request", out + " already exists; a backup goes to a new directory");
            } catch (IOException e) {
                return Reply.error(500, "backup-failed", "backup to " + out + " failed: " + e.getMessage());
            }
        }, ledgerWork);
        return new Routed(reply, limits.ledgerTimeoutMs());
    }

    private static <T extends ClientResult> Reply answer(ClientResult r, Class<T> want, Function<T, Reply> ok) {
        if (r instanceof ClientResult.Failed f) {
            return ApiJson.failed(f);
        }
        if (want.isInstance(r)) {
            return ok.apply(want.cast(r));
        }
        return unexpected(r);
    }

    private static Reply unexpected(ClientResult r) {
        return Reply.error(500, "internal", "the node gave an unexpected answer: " + r.getClass().getSimpleName());
    }

    // ------------------------------------------------------------------ checks

    private static void allow(HttpMethod method, HttpMethod... allowed) {
        for (HttpMethod m : allowed) {
            if (m.equals(method)) {
                return;
            }
        }
        StringBuilder names = new StringBuilder();
        for (HttpMethod m : allowed) {
            names.append(names.length() == 0 ? "" : ", ").append(m.name());
        }
        throw new ApiError(405, "method-not-allowed", method.name() + " is not allowed here (allowed: " + names
                + ")");
    }

    private static void only(String[] seg, int length, String path) {
        if (seg.length != length) {
            throw ApiError.notFound("no route " + path);
        }
    }
}
