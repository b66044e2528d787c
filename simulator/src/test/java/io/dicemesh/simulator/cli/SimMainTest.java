package io.dicemesh.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimMainTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SimMain.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Result r = run("run", "--help");
        assertEquals(0, r.code());
        for (String option : new String[] {"--nodes", "--tables", "--players", "--slots", "--seed", "--drop", "--dup",
                "--reorder", "--delay-ms", "--partitions", "--crashes", "--skew-ms", "--byzantine", "--store",
                "--json", "--trace"}) {
            assertTrue(r.out().contains(option), option + " missing from --help");
        }
        assertTrue(r.out().contains("default: 5"), r.out());
        assertEquals(0, run("swarm", "--help").code());
    }

    @Test
    void everyBadOptionValueIsOneClearLineAndExitCodeTwo() {
        String[][] bad = {
                {"run", "--drop", "2"}, {"run", "--dup", "-0.1"}, {"run", "--reorder", "x"},
                {"run", "--delay-ms", "5..x"}, {"run", "--delay-ms", "9..3"}, {"run", "--nodes", "0"},
                {"run", "--nodes", "three"}, {"run", "--players", "9"}, {"run", "--store", "disk"},
                {"run", "--byzantine", "5"}, {"run", "--slots", "0"}, {"run", "--skew-ms", "-1"},
                {"run", "--crashes", "-2"}, {"run", "--no-such-option"}, {"swarm", "--seeds", "0"},
                {"swarm", "--minutes", "-1"}, {"swarm", "--seeds", "3", "--minutes", "1"}, {"bogus"},
                {"bench", "--batch", "0"}, {"bench", "--batch", "4097"}, {"bench", "--clients", "8", "--tables", "4"},
                {"bench", "--workload", "poker"}, {"bench", "--rate", "-5"}, {"bench", "--duration", "0s"},
                {"bench", "--players", "0"}, {"live", "--pace-ms", "-1"}, {"live", "--pace-ms", "60001"}};
        for (String[] args : bad) {
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line for " + String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("dicemesh-sim: "), r.err());
        }
    }

    @Test
    void runPrintsOneJsonObjectWithTheRequiredFields() {
        Result r = run("run", "--seed", "3", "--nodes", "3", "--tables", "1", "--players", "3", "--slots", "30",
                "--store", "memory", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject json = JsonParser.parseString(r.out().strip()).getAsJsonObject();
        for (String field : new String[] {"seed", "trace_hash", "violations", "slots_committed", "view_changes",
                "bets_accepted", "bets_rejected", "sim_slots_per_s"}) {
            assertTrue(json.has(field), field + " missing: " + json);
        }
        assertEquals(3, json.get("seed").getAsLong());
        assertEquals(0, json.getAsJsonArray("violations").size());
        assertTrue(json.get("slots_committed").getAsLong() >= 30);
    }

    @Test
    void runPrintsAHumanSummaryAndWritesTheTrace() throws Exception {
        Path trace = dir.resolve("trace.txt");
        Result r = run("run", "--seed", "5", "--nodes", "3", "--tables", "1", "--players", "2", "--slots", "20",
                "--store", "memory", "--trace", trace.toString());
        assertEquals(0, r.code(), r.err());
        for (String line : new String[] {"slots committed", "view changes", "bets", "rejected intents", "messages",
                "faults injected", "commit latency", "slots per wall second", "trace", "OK"}) {
            assertTrue(r.out().contains(line), line + " missing from: " + r.out());
        }
        long lines = Files.lines(trace).count();
        assertTrue(lines > 100, "the trace has " + lines + " lines");
        Path again = dir.resolve("again.txt");
        run("run", "--seed", "5", "--nodes", "3", "--tables", "1", "--players", "2", "--slots", "20", "--store",
                "memory", "--trace", again.toString());
        assertEquals(Files.readString(trace), Files.readString(again), "same seed, same trace file");
    }

    @Test
    void aTraceFileThatCannotBeWrittenIsAUsageError() {
        Result r = run("run", "--slots", "5", "--trace", dir.resolve("no/such/dir/t.txt").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cannot write the trace"), r.err());
    }

    @Test
    void swarmSummarizesAndReportsJson() {
        Result r = run("swarm", "--seeds", "6", "--first-seed", "11");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("6 seeds"), r.out());
        Result j = run("swarm", "--seeds", "4", "--json");
        assertEquals(0, j.code());
        JsonObject json = JsonParser.parseString(j.out().strip()).getAsJsonObject();
        assertEquals(4, json.get("seeds").getAsInt());
        assertEquals(0, json.get("failed").getAsInt());
    }
}
