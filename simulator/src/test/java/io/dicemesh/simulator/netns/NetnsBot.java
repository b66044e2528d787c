package io.dicemesh.simulator.netns;

import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * A bot run inside a node's network namespace (where its loopback-only admin API is): bets through the API, now and
 * then a roll, for a given time, and prints one JSON line with the counts and the commit latency a bettor saw
 * (request to committed reply, HdrHistogram).
 *
 * <p>Usage: {@code NetnsBot DATA_DIR TABLE SECONDS SEED}
 */
public final class NetnsBot {
    private NetnsBot() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        String table = args[1];
        long endNs = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        SplittableRandom r = new SplittableRandom(Long.parseLong(args[3]));
        ApiClient api = ApiClient.forDataDir(dataDir);
        Histogram latency = new Histogram(60_000_000_000L, 3);
        long bets = 0;
        long refused = 0;
        long rolls = 0;
        long errors = 0;
        String[] types = {"pass", "dont-pass", "field", "any-seven"};
        while (System.nanoTime() < endNs) {
            try {
                if (r.nextInt(5) == 0) {
                    api.roll(table);
                    rolls++;
                    continue;
                }
                long t0 = System.nanoTime();
                try {
                    api.placeBet(table, types[r.nextInt(types.length)], 5 + r.nextInt(20), 0, 0);
                    bets++;
                } catch (ApiException e) {
                    if (e.status() >= 500 || e.status() == 0) {
                        throw e;
                    }
                    refused++;
                }
                latency.recordValue(Math.min(System.nanoTime() - t0, 60_000_000_000L));
            } catch (ApiException | RuntimeException e) {
                if (errors++ < 5) {
                    System.err.println("bot: " + e.getMessage());
                }
                Thread.sleep(100);
            }
        }
        JsonObject out = new JsonObject();
        out.addProperty("bets", bets);
        out.addProperty("refused", refused);
        out.addProperty("rolls", rolls);
        out.addProperty("errors", errors);
        out.addProperty("p50_ms", latency.getValueAtPercentile(50) / 1e6);
        out.addProperty("p99_ms", latency.getValueAtPercentile(99) / 1e6);
        out.addProperty("count", latency.getTotalCount());
        System.out.println(out);
    }
}
