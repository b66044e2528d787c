package io.dicemesh.simulator.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DESIGN 5b end to end, with real daemons on loopback: three players at a table with a 3 s absent timeout put bets
 * down (the one who will leave: a pass line with its point on and a place 6), one is killed with kill -9 and kept
 * down; a few seconds past the timeout the other two bet and roll again; when it starts again, it shows its
 * eviction and its settlement (its stack, plus the face of its place bet, which is above its fair value, plus the
 * fair value of its pass line, summed exactly and rounded down once), every audit passes and the token total is
 * unchanged. The defaults allow this: three players, liars tolerated 0.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EvictionEndToEndTest {
    private static final int[] WAYS = {0, 0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1};
    private LocalMesh mesh;

    @AfterEach
    void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    private ApiClient api(int node) throws ApiException {
        return ApiClient.forDataDir(mesh.node(node).dataDir());
    }

    @Test
    void twoPlayersGoOnWithoutAKilledOneWhoLearnsItsSettlementWhenItComesBack() throws Exception {
        mesh = new LocalMesh(3, List.of());
        mesh.startAll();
        String ids = mesh.node(0).id().hex() + "," + mesh.node(1).id().hex() + "," + mesh.node(2).id().hex();
        JsonObject rules = new JsonObject();
        rules.addProperty("absent_timeout_ms", 3000);
        String table = api(0).createTable(List.of(ids.split(",")), 1000, 100_000, rules).get("table").getAsString();
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int i = 0; i < 3; i++) {
            while (!"active".equals(status(i, table))) {
                assertTrue(System.nanoTime() < deadline, "table did not start on node" + i);
                Thread.sleep(100);
            }
        }
        assertEquals(0, api(0).table(table).getAsJsonObject("rules").get("liars_tolerated").getAsInt());
        // node 2 puts a pass line down and the table rolls until its point is on
        long pass = 0;
        for (int attempt = 0; attempt < 40; attempt++) {
            JsonObject t = api(2).table(table);
            if (t.get("point").getAsInt() != 0 && pass != 0 && onFelt(t, pass)) {
                break;
            }
            if (t.get("point").getAsInt() == 0) {
                try {
                    pass = api(2).placeBet(table, "pass", 10, 0, 0).get("bet_id").getAsLong();
                } catch (ApiException e) {
                    // node 2 had not yet applied the roll that set a point when it was asked: roll on and retry
                    if (!"not-allowed-now".equals(e.reason())) {
                        throw e;
                    }
                }
            }
            api(attempt % 2).roll(table);
        }
        JsonObject before = api(2).table(table);
        int point = before.get("point").getAsInt();
        assertTrue(point != 0 && onFelt(before, pass), "no point came up for the pass line: " + before);
        api(2).placeBet(table, "place", 30, 6, 0);
        api(0).placeBet(table, "field", 5, 0, 0);
        api(1).placeBet(table, "come", 10, 0, 0);
        JsonObject down = api(0).table(table);
        long total = down.get("total").getAsLong();
        long stack2 = stack(down, mesh.node(2).id().hex());

        mesh.kill(mesh.node(2));
        long killedAt = System.nanoTime();
        JsonObject bet = api(0).placeBet(table, "field", 5, 0, 0); // waits until its slot commits without node 2
        long playedAgainMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertTrue(bet.get("accepted").getAsBoolean());
        JsonObject rolled = api(1).roll(table);
        assertEquals(2, rolled.getAsJsonArray("dice").size());
        long evictedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        JsonObject after = api(0).table(table);
        assertEquals("active", after.get("status").getAsString(), "" + after);
        assertEquals(1, after.getAsJsonArray("evicted").size(), "" + after);
        System.out.printf("[eviction e2e] killed node 2 with a pass line on %d and a place 6 down; the next bet "
                + "committed %d ms later, a roll %d ms later (absent timeout 3000 ms)%n", point, playedAgainMs,
                evictedAfterMs);

        // its settlement: place 6 at face (35/36 of it is its fair value), pass line at 2 * 10 * w / (w + 6)
        BigInteger w = BigInteger.valueOf(WAYS[point]);
        BigInteger passNumerator = BigInteger.valueOf(20).multiply(w);
        BigInteger passDenominator = w.add(BigInteger.valueOf(6));
        long settled = BigInteger.valueOf(30).multiply(passDenominator).add(passNumerator).divide(passDenominator)
                .longValueExact();

        mesh.start(mesh.node(2));
        mesh.awaitApi(mesh.node(2));
        deadline = System.nanoTime() + 60_000_000_000L;
        while (!"evicted".equals(status(2, table))) {
            assertTrue(System.nanoTime() < deadline, "node 2 did not learn its eviction: " + status(2, table));
            Thread.sleep(200);
        }
        JsonObject mine = null;
        for (JsonElement b : api(2).balance().getAsJsonArray("balances")) {
            if (b.getAsJsonObject().get("table").getAsString().equals(table)) {
                mine = b.getAsJsonObject().getAsJsonObject("evicted");
            }
        }
        assertTrue(mine != null, "balance shows no eviction");
        assertEquals("absence", mine.get("cause").getAsString());
        assertEquals(settled, mine.get("settled").getAsLong(), "" + mine);
        assertEquals(stack2 + settled, mine.get("set_aside").getAsLong(), "" + mine);
        assertEquals(0, mine.get("bond_forfeited").getAsLong());
        for (int i = 0; i < 3; i++) {
            JsonObject audit = api(i).audit(table);
            assertTrue(audit.get("ok").getAsBoolean(), "audit on node" + i + ": " + audit);
            assertEquals(total, api(i).table(table).get("total").getAsLong());
        }
        long sum = 0;
        JsonObject end = api(0).table(table);
        for (JsonElement s : end.getAsJsonArray("stacks")) {
            sum += s.getAsJsonObject().get("stack").getAsLong() + s.getAsJsonObject().get("withdrawn").getAsLong();
        }
        for (JsonElement b : end.getAsJsonArray("felt")) {
            sum += b.getAsJsonObject().get("stake").getAsLong();
        }
        assertEquals(total, sum + end.get("bank").getAsLong(), "tokens were created or lost");
    }

    /** The table's status at a node, or the API's refusal while it has not started there. */
    private String status(int node, String table) throws ApiException {
        try {
            return api(node).table(table).get("status").getAsString();
        } catch (ApiException e) {
            return e.getMessage();
        }
    }

    private static boolean onFelt(JsonObject table, long betId) {
        for (JsonElement b : table.getAsJsonArray("felt")) {
            if (b.getAsJsonObject().get("bet_id").getAsLong() == betId) {
                return true;
            }
        }
        return false;
    }

    private static long stack(JsonObject table, String player) {
        for (JsonElement s : table.getAsJsonArray("stacks")) {
            if (s.getAsJsonObject().get("player").getAsString().equals(player)) {
                return s.getAsJsonObject().get("stack").getAsLong();
            }
        }
        throw new AssertionError("no player " + player);
    }
}
