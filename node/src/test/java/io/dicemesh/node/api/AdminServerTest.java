package io.dicemesh.node.api;

import static io.dicemesh.node.api.FakeNodeService.ME;
import static io.dicemesh.node.api.FakeNodeService.OTHER;
import static io.dicemesh.node.api.FakeNodeService.THIRD;
import static io.dicemesh.node.api.FakeNodeService.FOURTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dicemesh.node.core.ApplyResult;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.IntentRejection;
import io.dicemesh.node.core.LedgerReplay;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.game.BetOutcome;
import io.dicemesh.node.game.Outcome;
import io.dicemesh.node.game.RollResult;
import io.dicemesh.protocol.Bet;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdminServerTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String AUTH = "Bearer " + TOKEN;
    static final TableId T = FakeNodeService.table(7);

    @TempDir
    Path tmp;

    final FakeNodeService node = new FakeNodeService();
    AdminServer server;
    ApiClient api;
    int port;

    @BeforeEach
    void start() throws Exception {
        restart(AdminServer.Limits.defaults());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void restart(AdminServer.Limits limits) throws Exception {
        stop();
        server = AdminServer.start(node, 0, TOKEN, limits);
        port = server.port();
        api = ApiClient.at(port, TOKEN);
    }

    private Http.Response send(String method, String path, String body) throws Exception {
        return Http.send(port, method, path, AUTH, body);
    }

    // ------------------------------------------------------------------ fixtures

    static ClientResult.TableSummary summary() {
        return new ClientResult.TableSummary(T, "active", List.of(ME, OTHER), 9, 3, 6, 990, 2);
    }

    static TableRules rules() {
        return TableRules.newBuilder().setMinBet(5).setMaxBet(500).setOdds(OddsMultiples.newBuilder().setFour(3)
                .setFive(4).setSix(5).setEight(5).setNine(4).setTen(3)).setViewTimeoutMs(500).setDiceTimeoutMs(10_000)
                .setAbsentTimeoutMs(120_000).build();
    }

    static ClientResult.TableInfo info() {
        TableState state = TableState.newBuilder().setTableId(T.bytes()).setSeq(9).setBank(9_000).setTotal(11_000)
                .setPoint(6).setShooter(1).setRollNo(3).setRules(rules())
                .addPlayers(PlayerState.newBuilder().setPlayer(ME.byteString()).setStack(990))
                .addPlayers(PlayerState.newBuilder().setPlayer(OTHER.byteString()).setStack(980).setLeft(false))
                .addFelt(Bet.newBuilder().setId(4).setSeat(0).setType(BetType.PASS).setStake(10))
                .addFelt(Bet.newBuilder().setId(5).setSeat(1).setType(BetType.PLACE).setStake(12).setNumber(8))
                .addFelt(Bet.newBuilder().setId(6).setSeat(0).setType(BetType.PASS_ODDS).setStake(20).setOnBet(4))
                .addLastDice(2).addLastDice(4).build();
        return new ClientResult.TableInfo(summary(), state);
    }

    static ClientResult.IntentDone done(Intent.KindCase kind, IntentRejection rejection, long betId) {
        return new ClientResult.IntentDone(T, 10, new ApplyResult.IntentOutcome(ME, 1, 1, kind, rejection, betId));
    }

    static ClientResult.Rolled rolled() {
        return new ClientResult.Rolled(T, 12, new ApplyResult.RollOutcome(3, new RollResult(3, 4, 6, 0, true, 1,
                List.of(new BetOutcome(4, 0, Outcome.LOSE, 10, 0), new BetOutcome(7, 1, Outcome.WIN, 10, 10)))));
    }

    // ------------------------------------------------------------------ auth and limits

    @Test
    void everyRouteButTheProbesNeedsTheRightToken() throws Exception {
        String wrongSameLength = "Bearer " + TOKEN.substring(0, 63) + "0";
        String[][] routes = {{"GET", "/v1/id"}, {"GET", "/v1/tables"}, {"POST", "/v1/tables"},
            {"POST", "/v1/tables/" + T.hex() + "/bets"}, {"POST", "/v1/backup"}, {"GET", "/v1/no-such-route"}};
        for (String[] r : routes) {
            for (String auth : new String[] {null, "Bearer", "Bearer nope", wrongSameLength, "Basic " + TOKEN,
                TOKEN}) {
                Http.Response resp = Http.send(port, r[0], r[1], auth, "{\"out\":\"" + tmp.resolve("b") + "\"}");
                assertEquals(401, resp.status(), r[1] + " with " + auth);
                assertEquals("unauthorized", resp.code());
            }
        }
        assertTrue(node.submitted.isEmpty());
        assertTrue(node.backups.isEmpty());
        assertEquals(200, Http.send(port, "GET", "/v1/id", "bearer " + TOKEN, null).status(), "scheme any case");
    }

    @Test
    void probesAnswerWithoutATokenAndSayWhyNotReady() throws Exception {
        Http.Response health = Http.send(port, "GET", "/health", null, null);
        assertEquals(200, health.status());
        assertTrue(health.json().get("healthy").getAsBoolean());
        Http.Response ready = Http.send(port, "GET", "/ready", null, null);
        assertEquals(200, ready.status());
        assertEquals(0, ready.json().getAsJsonArray("reasons").size());
        Http.Response metrics = Http.send(port, "GET", "/metrics", null, null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.contentType().startsWith("text/plain"), metrics.contentType());
        assertTrue(metrics.body().contains("dicemesh_slots_committed_total 3.0"));

        node.healthy = false;
        node.notReady = List.of("peer 02020202 not connected");
        assertEquals(503, Http.send(port, "GET", "/health", null, null).status());
        Http.Response notReady = Http.send(port, "GET", "/ready", null, null);
        assertEquals(503, notReady.status());
        assertFalse(notReady.json().get("ready").getAsBoolean());
        assertEquals("peer 02020202 not connected", notReady.json().getAsJsonArray("reasons").get(0).getAsString());
        assertEquals("peer 02020202 not connected", api.ready().getAsJsonArray("reasons").get(0).getAsString());
        assertEquals(405, Http.send(port, "POST", "/health", null, null).status());
    }

    @Test
    void aBodyOverTheLimitIs413AndReachesNothing() throws Exception {
        String big = "{\"players\":[\"" + "a".repeat(AdminServer.BODY_BYTES_DEFAULT + 1) + "\"]}";
        Http.Response r = send("POST", "/v1/tables", big);
        assertEquals(413, r.status());
        assertEquals("body-too-large", r.code());
        assertTrue(node.submitted.isEmpty());
        assertEquals(ME.hex(), api.id().get("id").getAsString(), "the server still answers");
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
        for (String path : new String[] {"/", "/v1", "/v1/nope", "/v2/id", "/v1/id/x", "/v1/tables/" + T.hex()
            + "/nope", "/v1/tables/" + T.hex() + "/bets/1/x", "/v1/tables/" + T.hex() + "/join/x"}) {
            Http.Response r = send("GET", path, null);
            assertEquals(404, r.status(), path);
            assertEquals("not-found", r.code(), path);
        }
        assertEquals(405, send("PUT", "/v1/tables", null).status());
        assertEquals(405, send("GET", "/v1/tables/" + T.hex() + "/roll", null).status());
        assertEquals(405, send("POST", "/v1/id", null).status());
        assertEquals("method-not-allowed", send("DELETE", "/v1/tables/" + T.hex(), null).code());
        assertTrue(node.submitted.isEmpty());
    }

    @Test
    void malformedIdsAre400() throws Exception {
        assertEquals(400, send("GET", "/v1/tables/xyz", null).status());
        assertEquals(400, send("GET", "/v1/tables/" + T.hex().substring(2), null).status());
        assertEquals(400, send("DELETE", "/v1/tables/" + T.hex() + "/bets/abc", null).status());
        assertEquals(400, send("DELETE", "/v1/tables/" + T.hex() + "/bets/0", null).status());
        assertEquals(400, send("GET", "/v1/tables/" + T.hex() + "/history?limit=0", null).status());
        assertEquals(400, send("GET", "/v1/tables/" + T.hex() + "/history?limit=x", null).status());
        assertTrue(node.submitted.isEmpty());
    }

    @Test
    void badJsonIs400AndNothingIsSubmitted() throws Exception {
        String bets = "/v1/tables/" + T.hex() + "/bets";
        String[] bodies = {"{bad", "[1,2]", "\"pass\"", "{\"type\":\"pass\",\"amount\":10} {}", "{'type':'pass'}",
            "{\"type\":\"pass\",\"amount\":10.5}", "{\"type\":\"pass\",\"amount\":\"10\"}",
            "{\"type\":\"pass\",\"amount\":10,\"ammount\":1}", "{\"type\":\"pass\"}", "{\"amount\":10}",
            "{\"type\":\"pass\",\"amount\":0}", "{\"type\":\"pass\",\"amount\":-5}",
            "{\"type\":\"pass\",\"amount\":99999999999999999999}", "{\"type\":7,\"amount\":10}", ""};
        for (String body : bodies) {
            Http.Response r = send("POST", bets, body);
            assertEquals(400, r.status(), body);
            assertTrue(r.code().equals("bad-json") || r.code().equals("bad-request"), body + ": " + r.body());
            assertFalse(r.json().get("error").getAsString().contains("\n"));
        }
        assertTrue(send("POST", bets, "{bad").json().get("error").getAsString().contains("line 1"));
        assertTrue(node.submitted.isEmpty());
    }

    @Test
    void unknownBetTypeIs400AndNamesTheKnownOnes() throws Exception {
        for (String type : new String[] {"Pass", "hardway", "place-6", "", "PASS"}) {
            Http.Response r = send("POST", "/v1/tables/" + T.hex() + "/bets",
                    "{\"type\":\"" + type + "\",\"amount\":10}");
            assertEquals(400, r.status(), type);
            assertEquals("bad-bet-type", r.code());
            assertTrue(r.json().get("error").getAsString().contains("dont-come-odds, place, big6"), r.body());
        }
        ApiException e = assertThrows(ApiException.class, () -> api.placeBet(T.hex(), "hardway", 10, 0, 0));
        assertEquals(400, e.status());
        assertTrue(node.submitted.isEmpty());
    }

    @Test
    void betShapesAreCheckedBeforeTheNodeSeesThem() throws Exception {
        String[][] bad = {{"place", "0", "0"}, {"place", "7", "0"}, {"hard", "5", "0"}, {"pass", "6", "0"},
            {"pass-odds", "0", "0"}, {"pass", "0", "3"}, {"field", "4", "0"}, {"place", "13", "0"}};
        for (String[] b : bad) {
            ApiException e = assertThrows(ApiException.class, () -> api.placeBet(T.hex(), b[0], 10,
                    Integer.parseInt(b[1]), Long.parseLong(b[2])), String.join(" ", b));
            assertEquals(400, e.status(), e.getMessage());
        }
        assertTrue(node.submitted.isEmpty());
        node.answer(done(Intent.KindCase.PLACE_BET, null, 9));
        api.placeBet(T.hex(), "place", 12, 6, 0);
        api.placeBet(T.hex(), "come-odds", 20, 0, 3);
        api.placeBet(T.hex(), "hard", 5, 10, 0);
        assertEquals(List.of(new ClientRequest.PlaceBet(T, BetKind.PLACE, 12, 6, 0),
                new ClientRequest.PlaceBet(T, BetKind.COME_ODDS, 20, 0, 3),
                new ClientRequest.PlaceBet(T, BetKind.HARD, 5, 10, 0)), node.submitted);
    }

    @Test
    void aBatchOfBetsIsOneRequestAndItsAnswerHasEveryBetsOutcomeInOrder() throws Exception {
        node.answer(new ClientResult.IntentsDone(T, 11, List.of(
                new ApplyResult.IntentOutcome(ME, 1, 4096, Intent.KindCase.PLACE_BET, null, 7),
                new ApplyResult.IntentOutcome(ME, 1, 4097, Intent.KindCase.PLACE_BET,
                        IntentRejection.INSUFFICIENT_STACK, 0))));
        JsonArray bets = new JsonArray();
        bets.add(JsonParser.parseString("{\"type\":\"pass\",\"amount\":10}"));
        bets.add(JsonParser.parseString("{\"type\":\"place\",\"amount\":12,\"number\":6}"));
        JsonObject r = api.placeBets(T.hex(), bets);
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"seq\":11,\"accepted\":1,"
                + "\"refused\":1,\"bets\":[{\"accepted\":true,\"bet_id\":7},{\"accepted\":false,"
                + "\"reason\":\"" + IntentRejection.INSUFFICIENT_STACK.label() + "\"}]}"), r);
        assertEquals(List.of(new ClientRequest.PlaceBets(T, List.of(new ClientRequest.PlaceBet(T, BetKind.PASS, 10,
                0, 0), new ClientRequest.PlaceBet(T, BetKind.PLACE, 12, 6, 0)))), node.submitted);

        node.answer(new ClientResult.IntentsDone(T, 12, List.of(
                new ApplyResult.IntentOutcome(ME, 2, 8192, Intent.KindCase.TAKE_DOWN, null, 7),
                new ApplyResult.IntentOutcome(ME, 2, 8193, Intent.KindCase.PLACE_BET, null, 8))));
        Http.Response r2 = send("POST", "/v1/tables/" + T.hex() + "/bets",
                "{\"take_down\":[7],\"bets\":[{\"type\":\"place\",\"amount\":12,\"number\":8}]}");
        assertEquals(200, r2.status(), r2.body());
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"seq\":12,\"accepted\":1,"
                + "\"refused\":0,\"bets\":[{\"accepted\":true,\"bet_id\":8}],\"take_down\":[{\"accepted\":true,"
                + "\"bet_id\":7}]}"), r2.json());
        assertEquals(new ClientRequest.PlaceBets(T, List.of(7L), List.of(new ClientRequest.PlaceBet(T,
                BetKind.PLACE, 12, 8, 0))), node.submitted.get(1));
    }

    @Test
    void aBatchWithOneBadBetIsRefusedWholeAndNamesIt() throws Exception {
        String bets = "/v1/tables/" + T.hex() + "/bets";
        Http.Response r = send("POST", bets, "{\"bets\":[{\"type\":\"pass\",\"amount\":10},"
                + "{\"type\":\"place\",\"amount\":10,\"number\":7}]}");
        assertEquals(400, r.status());
        assertTrue(r.json().get("error").getAsString().startsWith("bets[1]: a place bet takes"), r.body());
        StringBuilder tooMany = new StringBuilder("{\"bets\":[");
        for (int i = 0; i <= io.dicemesh.protocol.WireLimits.INTENTS_PER_BATCH_MAX; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"type\":\"field\",\"amount\":5}");
        }
        String[] bodies = {"{\"bets\":[]}", "{\"bets\":{}}", "{\"bets\":[1]}", "{\"bets\":[],\"type\":\"pass\"}",
            "{\"bets\":[],\"take_down\":[0]}", "{\"bets\":[],\"take_down\":[\"7\"]}", "{\"bets\":[],\"take_down\":7}",
            tooMany + "]}"};
        for (String body : bodies) {
            Http.Response bad = send("POST", bets, body);
            assertEquals(400, bad.status(), body.length() > 80 ? body.substring(0, 80) : body);
        }
        assertTrue(node.submitted.isEmpty());
    }

    // ------------------------------------------------------------------ routes and their JSON

    @Test
    void idAndPeers() throws Exception {
        assertEquals(JsonParser.parseString("{\"id\":\"" + ME.hex() + "\"}"), api.id());
        JsonObject peers = api.peers();
        assertEquals(OTHER.hex(), peers.getAsJsonArray("connected").get(0).getAsString());
        JsonObject first = peers.getAsJsonArray("known").get(0).getAsJsonObject();
        assertEquals(OTHER.hex(), first.get("id").getAsString());
        assertEquals("127.0.0.1:7601", first.get("address").getAsString());
        assertTrue(first.get("connected").getAsBoolean());
        assertFalse(peers.getAsJsonArray("known").get(1).getAsJsonObject().get("connected").getAsBoolean());
    }

    @Test
    void createTableSendsPlayersStacksAndDefaultRules() throws Exception {
        node.answer(new ClientResult.TableCreated(T, 2));
        Http.Response r = send("POST", "/v1/tables", "{\"players\":[\"" + ME.hex() + "\",\"" + OTHER.hex()
                + "\"],\"stack\":1000,\"bank\":5000}");
        assertEquals(201, r.status());
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"players\":2}"), r.json());
        assertEquals(new ClientRequest.CreateTable(List.of(ME, OTHER), List.of(1000L, 1000L), 5000, rules()),
                node.submitted.get(0));

        JsonObject custom = JsonParser.parseString("{\"min_bet\":10,\"max_bet\":1000,\"odds\":{\"6\":10},"
                + "\"view_timeout_ms\":800,\"dice_timeout_ms\":2000,\"absent_timeout_ms\":3000,"
                + "\"liars_tolerated\":0,\"felt_bets_per_seat\":4096}").getAsJsonObject();
        api.createTable(List.of(ME.hex()), 300, 900, custom);
        TableRules want = rules().toBuilder().setMinBet(10).setMaxBet(1000).setViewTimeoutMs(800)
                .setDiceTimeoutMs(2000).setAbsentTimeoutMs(3000).setOdds(rules().getOdds().toBuilder().setSix(10))
                .setFeltBetsPerSeat(4096).build();
        assertEquals(new ClientRequest.CreateTable(List.of(ME), List.of(300L), 900, want), node.submitted.get(1));
        send("POST", "/v1/tables", "{\"players\":[\"" + ME.hex() + "\",\"" + OTHER.hex()
                + "\"],\"stacks\":[100,200],\"bank\":50,\"rules\":{\"odds\":2}}");
        ClientRequest.CreateTable c = (ClientRequest.CreateTable) node.submitted.get(2);
        assertEquals(List.of(100L, 200L), c.stacks());
        assertEquals(2, c.rules().getOdds().getFour());
        assertEquals(2, c.rules().getOdds().getSix());
        assertEquals(0, c.rules().getLiarsTolerated(), "two players: no liar tolerated");
        send("POST", "/v1/tables", "{\"players\":[\"" + ME.hex() + "\",\"" + OTHER.hex() + "\",\"" + THIRD.hex()
                + "\",\"" + FOURTH.hex() + "\"],\"stack\":100,\"bank\":50}");
        assertEquals(1, ((ClientRequest.CreateTable) node.submitted.get(3)).rules().getLiarsTolerated(),
                "four players tolerate one liar by default");
        send("POST", "/v1/tables", "{\"players\":[\"" + ME.hex() + "\"],\"stack\":1,\"bank\":1,"
                + "\"rules\":{\"felt_bets_per_seat\":100}}");
        assertEquals(rules(), ((ClientRequest.CreateTable) node.submitted.get(4)).rules(),
                "the default bound asked for stays unset: the genesis is a default table's");
        assertEquals(400, send("POST", "/v1/tables", "{\"players\":[\"" + ME.hex() + "\"],\"stack\":1,\"bank\":1,"
                + "\"rules\":{\"liars_tolerated\":-1}}").status());
        assertEquals(400, send("POST", "/v1/tables", "{\"players\":[\"" + ME.hex() + "\"],\"stack\":1,\"bank\":1,"
                + "\"rules\":{\"absent_timeout_ms\":0}}").status());
    }

    @Test
    void createTableRefusesBadInput() throws Exception {
        String p = "\"players\":[\"" + ME.hex() + "\"]";
        String[] bodies = {"{\"players\":[\"abc\"],\"stack\":1,\"bank\":1}", "{\"players\":[],\"stack\":1,\"bank\":1}",
            "{" + p + ",\"bank\":1}", "{" + p + ",\"stack\":1,\"stacks\":[1],\"bank\":1}",
            "{" + p + ",\"stacks\":[1,2],\"bank\":1}", "{" + p + ",\"stack\":1,\"bank\":-1}",
            "{" + p + ",\"stack\":1,\"bank\":1,\"rules\":{\"min_bet\":50,\"max_bet\":10}}",
            "{" + p + ",\"stack\":1,\"bank\":1,\"rules\":{\"odds\":0}}",
            "{" + p + ",\"stack\":1,\"bank\":1,\"rules\":{\"felt_bets_per_seat\":0}}",
            "{" + p + ",\"stack\":1,\"bank\":1,\"rules\":{\"felt_bets_per_seat\":4097}}",
            "{" + p + ",\"stack\":1,\"bank\":1,\"rules\":{\"odds\":{\"7\":3}}}",
            "{" + p + ",\"stack\":1,\"bank\":1,\"rules\":{\"minbet\":5}}", "{" + p + ",\"stack\":1,\"bank\":1,\"x\":1}",
            "{\"players\":\"" + ME.hex() + "\",\"stack\":1,\"bank\":1}"};
        for (String body : bodies) {
            assertEquals(400, send("POST", "/v1/tables", body).status(), body);
        }
        assertTrue(node.submitted.isEmpty());
    }

    @Test
    void tablesAndShowDescribeTheTable() throws Exception {
        node.answer(new ClientResult.Tables(List.of(summary())));
        JsonObject list = api.tables();
        JsonObject s = list.getAsJsonArray("tables").get(0).getAsJsonObject();
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"status\":\"active\",\"players\":[\""
                + ME.hex() + "\",\"" + OTHER.hex() + "\"],\"seq\":9,\"roll_no\":3,\"point\":6,\"my_stack\":990,"
                + "\"accepts\":2}"), s);

        node.answer(info());
        JsonObject t = api.table(T.hex());
        assertEquals(9, t.get("seq").getAsLong());
        assertEquals(9_000, t.get("bank").getAsLong());
        assertEquals(11_000, t.get("total").getAsLong());
        assertEquals(OTHER.hex(), t.get("shooter").getAsString());
        assertFalse(t.get("awaiting_reveals").getAsBoolean());
        assertEquals(JsonParser.parseString("[{\"player\":\"" + ME.hex() + "\",\"stack\":990,\"left\":false,"
                + "\"withdrawn\":0},{\"player\":\"" + OTHER.hex() + "\",\"stack\":980,\"left\":false,"
                + "\"withdrawn\":0}]"), t.get("stacks"));
        assertEquals(JsonParser.parseString("{\"bet_id\":5,\"player\":\"" + OTHER.hex() + "\",\"type\":\"place\","
                + "\"stake\":12,\"number\":8,\"on\":0,\"come_point\":0}"), t.getAsJsonArray("felt").get(1));
        assertEquals("pass-odds", t.getAsJsonArray("felt").get(2).getAsJsonObject().get("type").getAsString());
        assertEquals(4, t.getAsJsonArray("felt").get(2).getAsJsonObject().get("on").getAsLong());
        assertEquals(JsonParser.parseString("[2,4]"), t.get("last_dice"));
        assertEquals(JsonParser.parseString("{\"min_bet\":5,\"max_bet\":500,\"odds\":{\"4\":3,\"5\":4,\"6\":5,"
                + "\"8\":5,\"9\":4,\"10\":3},\"view_timeout_ms\":500,\"dice_timeout_ms\":10000,"
                + "\"absent_timeout_ms\":120000,\"liars_tolerated\":0,\"felt_bets_per_seat\":100}"), t.get("rules"));
        assertEquals(new ClientRequest.ShowTable(T), node.submitted.get(1));
    }

    @Test
    void anAcceptedBetGivesItsIdAndSeq() throws Exception {
        node.answer(done(Intent.KindCase.PLACE_BET, null, 4));
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"seq\":10,\"kind\":\"place-bet\","
                + "\"accepted\":true,\"bet_id\":4}"), api.placeBet(T.hex(), "pass", 10, 0, 0));
    }

    @Test
    void aRefusedIntentIs409WithTheTablesReason() throws Exception {
        node.answer(done(Intent.KindCase.PLACE_BET, IntentRejection.INSUFFICIENT_STACK, 0));
        ApiException e = assertThrows(ApiException.class, () -> api.placeBet(T.hex(), "pass", 10, 0, 0));
        assertEquals(409, e.status());
        assertEquals("refused", e.code());
        assertEquals("insufficient-stack", e.reason());
        assertEquals("bet refused: insufficient-stack", e.getMessage());
        assertEquals(10, e.body().get("seq").getAsLong());
        node.answer(done(Intent.KindCase.TAKE_DOWN, IntentRejection.NOT_ALLOWED_NOW, 0));
        e = assertThrows(ApiException.class, () -> api.takeDown(T.hex(), 4));
        assertEquals("take-down refused: not-allowed-now", e.getMessage());
    }

    @Test
    void takeDownTransferLeaveAndJoinReachTheNodeAsTheirRequests() throws Exception {
        node.answer(done(Intent.KindCase.TAKE_DOWN, null, 0));
        assertEquals("take-down", api.takeDown(T.hex(), 4).get("kind").getAsString());
        node.answer(done(Intent.KindCase.TRANSFER, null, 0));
        assertTrue(api.transfer(T.hex(), OTHER.hex(), 25).get("accepted").getAsBoolean());
        node.answer(done(Intent.KindCase.LEAVE, null, 0));
        assertEquals(10, api.leave(T.hex()).get("seq").getAsLong());
        node.answer(new ClientResult.Joined(T));
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"joined\":true}"), api.join(T.hex()));
        assertEquals(List.of(new ClientRequest.TakeDown(T, 4), new ClientRequest.Transfer(T, OTHER, 25),
                new ClientRequest.Leave(T), new ClientRequest.JoinTable(T)), node.submitted);
        assertEquals(400, send("POST", "/v1/tables/" + T.hex() + "/transfers", "{\"to\":\"x\",\"amount\":5}")
                .status());
        assertEquals(400, send("POST", "/v1/tables/" + T.hex() + "/transfers", "{\"to\":\"" + OTHER.hex()
                + "\",\"amount\":0}").status());
        assertEquals(4, node.submitted.size());
    }

    @Test
    void aRollReportsDiceAndOutcomesWithTheirPlayers() throws Exception {
        node.answers = r -> CompletableFuture.completedFuture(r instanceof ClientRequest.Roll ? rolled() : info());
        JsonObject r = api.roll(T.hex());
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"seq\":12,\"roll_no\":3,\"dice\":[3,4],"
                + "\"total\":7,\"point_before\":6,\"point_after\":0,\"seven_out\":true,\"outcomes\":["
                + "{\"bet_id\":4,\"seat\":0,\"player\":\"" + ME.hex() + "\",\"outcome\":\"lose\",\"stake\":10,"
                + "\"winnings\":0},{\"bet_id\":7,\"seat\":1,\"player\":\"" + OTHER.hex() + "\",\"outcome\":\"win\","
                + "\"stake\":10,\"winnings\":10}],\"my_stack\":990}"), r);
        assertEquals(List.of(new ClientRequest.Roll(T), new ClientRequest.ShowTable(T)), node.submitted);
    }

    @Test
    void balanceListsThisNodesStackAtEveryTable() throws Exception {
        ClientResult.TableSummary pending = new ClientResult.TableSummary(FakeNodeService.table(9), "waiting",
                List.of(ME, OTHER), 0, 0, 0, 500, 1);
        node.answer(new ClientResult.Tables(List.of(pending, summary())));
        assertEquals(JsonParser.parseString("{\"balances\":[{\"table\":\"" + T.hex() + "\",\"status\":\"active\","
                + "\"stack\":990},{\"table\":\"" + FakeNodeService.table(9).hex() + "\",\"status\":\"waiting\","
                + "\"stack\":500}]}"), api.balance());
    }

    @Test
    void historyAndAuditReadTheLedgerOfKnownTablesOnly() throws Exception {
        node.answer(info());
        node.history = List.of(new NodeService.HistoryEntry(1, "", List.of("01010101 place-bet accepted (bet 1)")),
                new NodeService.HistoryEntry(2, "", List.of("dice committed for the next roll")),
                new NodeService.HistoryEntry(3, "ab12", List.of("roll 1: 3+4 = 7", "  bet 1 win +10")));
        node.report = new LedgerReplay.Report(T, true, List.of(), 3, 3, null);
        JsonObject h = api.history(T.hex(), 2);
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"entries\":[{\"seq\":2,\"lines\":"
                + "[\"dice committed for the next roll\"]},{\"seq\":3,\"tx_hash\":\"ab12\",\"lines\":"
                + "[\"roll 1: 3+4 = 7\",\"  bet 1 win +10\"]}]}"), h);
        assertEquals(JsonParser.parseString("{\"table\":\"" + T.hex() + "\",\"ok\":true,\"problems\":[],"
                + "\"slots_checked\":3,\"last_seq\":3}"), api.audit(T.hex()));
        node.report = new LedgerReplay.Report(T, false, List.of("seq 2: the tx does not hash to the recorded tx hash"),
                1, 1, null);
        JsonObject bad = api.audit(T.hex());
        assertFalse(bad.get("ok").getAsBoolean());
        assertEquals("seq 2: the tx does not hash to the recorded tx hash",
                bad.getAsJsonArray("problems").get(0).getAsString());

        node.answer(new ClientResult.Failed(ClientResult.Code.UNKNOWN_TABLE, "unknown table 07070707"));
        for (ApiException e : new ApiException[] {assertThrows(ApiException.class, () -> api.audit(T.hex())),
            assertThrows(ApiException.class, () -> api.history(T.hex(), 5))}) {
            assertEquals(404, e.status());
            assertEquals("unknown-table", e.code());
            assertEquals("unknown table 07070707", e.getMessage());
        }
    }

    @Test
    void backupGoesToANewAbsoluteDirectory() throws Exception {
        Path out = tmp.resolve("backup");
        assertEquals(out.toString(), api.backup(out).get("backup").getAsString());
        assertEquals(List.of(out), node.backups);
        ApiException exists = assertThrows(ApiException.class, () -> api.backup(out));
        assertEquals(400, exists.status());
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        assertEquals(400, send("POST", "/v1/backup", "{\"out\":\"relative/dir\"}").status());
        assertEquals(400, send("POST", "/v1/backup", "{}").status());
        assertEquals(1, node.backups.size());
        assertFalse(Files.exists(Path.of("relative")));
    }

    @Test
    void engineRefusalsMapToHttpStatuses() throws Exception {
        int[] statuses = {404, 409, 400, 503, 409, 409};
        ClientResult.Code[] codes = ClientResult.Code.values();
        assertEquals(List.of(ClientResult.Code.UNKNOWN_TABLE, ClientResult.Code.NOT_SEATED,
                ClientResult.Code.INVALID_REQUEST, ClientResult.Code.BUSY, ClientResult.Code.NOT_STARTED,
                ClientResult.Code.CLOSED), List.of(codes));
        for (int i = 0; i < codes.length; i++) {
            node.answer(new ClientResult.Failed(codes[i], "why " + i));
            ApiException e = assertThrows(ApiException.class, () -> api.roll(T.hex()));
            assertEquals(statuses[i], e.status(), codes[i].name());
            assertEquals(codes[i].label(), e.code());
            assertEquals("why " + i, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ asynchrony, timeouts, binding

    @Test
    void answersArriveWhenTheEngineAnswersWithoutBlockingTheEventLoop() throws Exception {
        CompletableFuture<ClientResult> pendingRoll = new CompletableFuture<>();
        node.answers = r -> r instanceof ClientRequest.Roll ? pendingRoll
                : CompletableFuture.completedFuture(r instanceof ClientRequest.ShowTable ? info()
                        : new ClientResult.Tables(List.of(summary())));
        CompletableFuture<JsonObject> roll = CompletableFuture.supplyAsync(() -> {
            try {
                return api.roll(T.hex());
            } catch (ApiException e) {
                throw new IllegalStateException(e);
            }
        });
        while (node.submitted.isEmpty()) {
            Thread.sleep(5);
        }
        // The one event loop thread is free while the roll waits: other requests are answered meanwhile.
        for (int i = 0; i < 5; i++) {
            assertEquals(1, api.tables().getAsJsonArray("tables").size());
            assertEquals(200, Http.send(port, "GET", "/health", null, null).status());
        }
        assertFalse(roll.isDone());
        pendingRoll.complete(rolled());
        assertEquals(12, roll.get(10, TimeUnit.SECONDS).get("seq").getAsLong());
    }

    @Test
    void aCommandWithoutAnAnswerInTimeIs504() throws Exception {
        restart(AdminServer.Limits.defaults().withTimeoutsMs(200, 300, 300));
        node.answers = r -> new CompletableFuture<>();
        long start = System.nanoTime();
        ApiException bet = assertThrows(ApiException.class, () -> api.placeBet(T.hex(), "pass", 10, 0, 0));
        assertEquals(504, bet.status());
        assertEquals("timeout", bet.code());
        assertTrue(bet.getMessage().contains("200 ms"), bet.getMessage());
        ApiException roll = assertThrows(ApiException.class, () -> api.roll(T.hex()));
        assertEquals(504, roll.status());
        assertEquals(504, assertThrows(ApiException.class, () -> api.audit(T.hex())).status());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertEquals(ME.hex(), api.id().get("id").getAsString(), "the server goes on");
    }

    @Test
    void requestsPastTheInFlightLimitAre503Busy() throws Exception {
        restart(AdminServer.Limits.defaults().withInFlightMax(2));
        CompletableFuture<ClientResult> answer = new CompletableFuture<>();
        node.answers = r -> answer;
        List<CompletableFuture<JsonObject>> waiting = List.of(betAsync(), betAsync());
        while (node.submitted.size() < 2) {
            Thread.sleep(5);
        }
        ApiException busy = assertThrows(ApiException.class, () -> api.placeBet(T.hex(), "pass", 10, 0, 0));
        assertEquals(503, busy.status());
        assertEquals("busy", busy.code());
        assertEquals(2, node.submitted.size(), "the refused request never reached the node");
        answer.complete(done(Intent.KindCase.PLACE_BET, null, 4));
        for (CompletableFuture<JsonObject> w : waiting) {
            assertEquals(4, w.get(10, TimeUnit.SECONDS).get("bet_id").getAsLong());
        }
        assertEquals(4, api.placeBet(T.hex(), "pass", 10, 0, 0).get("bet_id").getAsLong());
    }

    private CompletableFuture<JsonObject> betAsync() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return api.placeBet(T.hex(), "pass", 10, 0, 0);
            } catch (ApiException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void stopAcceptingRefusesNewConnectionsButAnswersTheOnesInFlight() throws Exception {
        CompletableFuture<ClientResult> answer = new CompletableFuture<>();
        node.answers = r -> answer;
        CompletableFuture<JsonObject> inFlight = betAsync();
        while (node.submitted.isEmpty()) {
            Thread.sleep(5);
        }
        server.stopAccepting();
        ApiException refused = assertThrows(ApiException.class, () -> ApiClient.at(port, TOKEN).id());
        assertEquals("not-running", refused.code());
        answer.complete(done(Intent.KindCase.PLACE_BET, null, 4));
        assertEquals(4, inFlight.get(10, TimeUnit.SECONDS).get("bet_id").getAsLong());
    }

    @Test
    void listensOn127001Only() throws Exception {
        InetSocketAddress bound = server.address();
        assertEquals(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), bound.getAddress());
        InetAddress external = null;
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress a : nif.inetAddresses().toList()) {
                    if (a instanceof Inet4Address) {
                        external = a;
                    }
                }
            }
        }
        Assumptions.assumeTrue(external != null, "this host has no non-loopback IPv4 address to try");
        InetAddress target = external;
        try (Socket s = new Socket()) {
            Exception e = assertThrows(Exception.class, () -> s.connect(new InetSocketAddress(target, port), 2_000));
            assertInstanceOf(ConnectException.class, e, e.toString());
        }
    }

    /** A raw HTTP/1.1 GET with these Host and Origin headers (null: none); returns the status code. */
    private int statusWith(String path, String host, String origin) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(AdminServer.loopback(), port), 2_000);
            s.setSoTimeout(5_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
            if (host != null) {
                req.append("Host: ").append(host).append("\r\n");
            }
            if (origin != null) {
                req.append("Origin: ").append(origin).append("\r\n");
            }
            req.append("Authorization: Bearer ").append(TOKEN).append("\r\nConnection: close\r\n\r\n");
            s.getOutputStream().write(req.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    /**
     * DNS rebinding: a page that points its own name at 127.0.0.1 makes the browser send that name as Host, and its
     * site as Origin. Both are refused (403) on every route, the probes included; the server's own address and
     * localhost, at its port, are served.
     */
    @Test
    void requestsForAnotherHostOrFromAnotherOriginAreRefused() throws Exception {
        String self = "127.0.0.1:" + port;
        for (String path : new String[] {"/ready", "/metrics", "/health", "/v1/id"}) {
            assertEquals(403, statusWith(path, "attacker.example:" + port, null), path);
            assertEquals(403, statusWith(path, "127.0.0.1:" + (port + 1), null), path);
            assertEquals(403, statusWith(path, null, null), path);
            assertEquals(403, statusWith(path, self, "http://attacker.example"), path);
            assertEquals(403, statusWith(path, self, "null"), path);
        }
        assertEquals(200, statusWith("/v1/id", self, null));
        assertEquals(200, statusWith("/v1/id", "localhost:" + port, "http://localhost:" + port));
        assertEquals(200, statusWith("/v1/id", "LocalHost:" + port, "http://" + self));
    }

    @Test
    void aConnectionOverTheLimitGetsA503AndTheNextOneAfterAnotherClosesIsServed() throws Exception {
        AdminServer.Limits d = AdminServer.Limits.defaults();
        restart(new AdminServer.Limits(d.bodyBytesMax(), d.inFlightMax(), 2, d.commandTimeoutMs(),
                d.rollTimeoutMs(), d.ledgerTimeoutMs(), d.idleTimeoutMs()));
        InetSocketAddress at = new InetSocketAddress(AdminServer.loopback(), port);
        try (Socket first = new Socket(); Socket second = new Socket(); Socket third = new Socket()) {
            first.connect(at, 2_000);
            second.connect(at, 2_000);
            first.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes());
            assertTrue(new String(first.getInputStream().readNBytes(12)).startsWith("HTTP/1.1 200"), "counted");
            third.connect(at, 2_000);
            third.setSoTimeout(5_000);
            String answer = new String(third.getInputStream().readAllBytes());
            assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
            assertTrue(answer.contains("\"code\":\"too-many-connections\""), answer);
            assertTrue(answer.contains("2 connections open"), answer);
        }
        long deadline = System.nanoTime() + 5_000_000_000L; // the server sees the two closes asynchronously
        while (!healthy()) {
            assertTrue(System.nanoTime() < deadline, "a freed slot is served again");
            Thread.sleep(20);
        }
    }

    private boolean healthy() throws Exception {
        try {
            return Http.send(port, "GET", "/health", null, null).status() == 200;
        } catch (java.io.IOException e) {
            return false; // refused while the server has not yet seen the earlier connections close
        }
    }

    @Test
    void tokensAreFreshRandomHex() {
        var random = new java.security.SecureRandom();
        String a = AdminServer.newToken(random);
        assertTrue(a.matches("[0-9a-f]{64}"), a);
        assertFalse(a.equals(AdminServer.newToken(random)));
        assertThrows(IllegalArgumentException.class, () -> AdminServer.start(node, 0, "short", AdminServer.Limits
                .defaults()));
    }
}
