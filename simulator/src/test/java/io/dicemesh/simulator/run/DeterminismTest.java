package io.dicemesh.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dicemesh.simulator.sim.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Same seed and build, same trace hash: in one JVM, across store kinds' restarts, and in two fresh JVMs. */
class DeterminismTest {
    private static RunConfig config(long seed, RunConfig.Store store, boolean fast) {
        return config(seed, store, fast, 1);
    }

    private static RunConfig config(long seed, RunConfig.Store store, boolean fast, int hostile) {
        return new RunConfig(seed, 5, 2, 3, 60, 0.05, 0.05, 0.1, 1, 20, 1, 2, 80, 1, hostile, 0, store, fast);
    }

    private static RunReport run(RunConfig c) {
        return new SimRun(c, Set.of(), new Trace(null), SimRun.Progress.NONE).run();
    }

    @Test
    void theSameSeedGivesTheSameTraceHashTwiceInOneJvm() {
        for (RunConfig.Store store : RunConfig.Store.values()) {
            RunReport a = run(config(42, store, false));
            RunReport b = run(config(42, store, false));
            assertTrue(a.ok(), a.violations().toString());
            assertEquals(a.traceHash(), b.traceHash(), "store " + store);
            assertEquals(a.slotsCommitted(), b.slotsCommitted());
            assertNotEquals(a.traceHash(), run(config(43, store, false)).traceHash(), "another seed, another run");
        }
    }

    /**
     * Without hostile nodes, that is: their invites keep arriving, and a RocksDB store closed by a crash keeps the
     * unsynced invite records that a crashed memory store loses, so the two runs then differ after a restart.
     */
    @Test
    void theStoreKindDoesNotChangeTheRun() {
        assertEquals(run(config(7, RunConfig.Store.MEMORY, true, 0)).traceHash(),
                run(config(7, RunConfig.Store.ROCKSDB, true, 0)).traceHash());
    }

    @Test
    void theSameSeedGivesTheSameTraceHashInTwoFreshJvms() throws IOException, InterruptedException {
        String first = hashFromFreshJvm();
        String second = hashFromFreshJvm();
        assertEquals(first, second);
        assertEquals(run(config(42, RunConfig.Store.MEMORY, false)).traceHash(), first,
                "a fresh JVM and this one agree too");
    }

    private static String hashFromFreshJvm() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.dicemesh.simulator.cli.SimMain", "run",
                "--json"));
        cmd.addAll(List.of(config(42, RunConfig.Store.MEMORY, false).replayCommand()
                .replace("java -jar simulator/target/dicemesh-sim.jar run ", "").split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
            assertEquals(0, p.exitValue(), "child failed: " + new String(p.getErrorStream().readAllBytes(),
                    StandardCharsets.UTF_8));
            JsonObject json = JsonParser.parseString(out.strip()).getAsJsonObject();
            return json.get("trace_hash").getAsString();
        } finally {
            p.destroyForcibly();
        }
    }
}
