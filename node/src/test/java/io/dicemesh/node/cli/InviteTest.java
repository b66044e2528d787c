package io.dicemesh.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Invites on a real mesh: accepted by 'table join', or at once by a node configured to auto-accept them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InviteTest {
    private static final long WAIT_MS = 20_000;

    @TempDir
    Path tmp;

    private Path init(String name) {
        Path dir = tmp.resolve(name);
        assertEquals(0, CliRun.of("init", "--data-dir", dir.toString()).exitCode());
        return dir;
    }

    private static CliRun ok(Path dir, String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--data-dir", dir.toString())).toArray(String[]::new);
        CliRun run = CliRun.of(all);
        assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err());
        return run;
    }

    private static String status(Path dir, String table) {
        for (JsonElement t : JsonParser.parseString(ok(dir, "table", "list", "--json").out()).getAsJsonObject()
                .getAsJsonArray("tables")) {
            if (t.getAsJsonObject().get("table").getAsString().equals(table)) {
                return t.getAsJsonObject().get("status").getAsString();
            }
        }
        return "none";
    }

    private static void await(String what, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!done.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String mesh(RunningNode node) {
        Matcher m = Pattern.compile("mesh (\\S+) ").matcher(node.out());
        assertTrue(m.find(), node.out());
        return m.group(1);
    }

    @Test
    void anInviteWaitsForTableJoinUnlessTheNodeAutoAccepts() throws Exception {
        Path a = init("a");
        Path b = init("b");
        Path c = init("c");
        try (RunningNode nodeA = RunningNode.start(a);
                RunningNode nodeB = RunningNode.start(b, "--join", mesh(nodeA));
                RunningNode nodeC = RunningNode.start(c, "--join", mesh(nodeA), "--auto-accept-invites")) {
            String idA = ok(a, "id").out().strip();
            String idB = ok(b, "id").out().strip();
            String idC = ok(c, "id").out().strip();
            await("a is connected to b and c", () -> {
                JsonObject peers = JsonParser.parseString(ok(a, "peers", "--json").out()).getAsJsonObject();
                return peers.getAsJsonArray("connected").toString().contains(idB)
                        && peers.getAsJsonArray("connected").toString().contains(idC);
            });
            assertTrue(ok(a, "peers").out().contains(idB), "peers lists b");

            String withB = ok(a, "table", "create", "--players", idA + "," + idB, "--stack", "500", "--bank",
                    "5000").out().strip();
            await("b has the invite", () -> status(b, withB).equals("invited"));
            Thread.sleep(300);
            assertEquals("invited", status(b, withB), "b does not accept on its own");
            assertEquals("waiting", status(a, withB));
            assertEquals("joined table " + withB + "\n", ok(b, "table", "join", withB.substring(0, 12)).out());
            await("the table starts at both", () -> status(a, withB).equals("active")
                    && status(b, withB).equals("active"));
            ok(b, "bet", withB, "field", "5");
            CliRun roll = ok(b, "roll", withB);
            assertTrue(roll.out().startsWith("roll 1: "), roll.out());
            await("a has the roll", () -> ok(a, "history", withB).out().contains("roll 1: "));
            assertTrue(ok(a, "audit", withB).out().startsWith("OK: table " + withB));
            assertTrue(ok(b, "audit", withB).out().startsWith("OK: table " + withB));

            String withC = ok(a, "table", "create", "--players", idA + "," + idC, "--stack", "500", "--bank",
                    "5000").out().strip();
            await("c accepted by itself", () -> status(a, withC).equals("active")
                    && status(c, withC).equals("active"));
            assertTrue(nodeB.err().isEmpty() && nodeC.err().isEmpty(), nodeB.err() + nodeC.err());
        }
    }
}
