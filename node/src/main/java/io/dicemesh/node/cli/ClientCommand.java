package io.dicemesh.node.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the running node through its admin API (port and token from the data dir's api.json).
 * Arguments are checked here first ({@link #check}, exit 2 on bad usage) so bad input never reaches the node;
 * anything the node refuses is one line on stderr and exit 1. {@code --json} prints the API's JSON instead.
 */
abstract class ClientCommand implements Callable<Integer> {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f]{4,64}");

    @Mixin
    DataDirOption dataDirOption;

    @Option(names = "--json", description = "Print the admin API's JSON answer.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        check();
        ApiClient api = ApiClient.forDataDir(dataDirOption.dataDir().root());
        try {
            return run(api);
        } catch (ApiException e) {
            if (json && e.body() != null) {
                printJson(e.body());
            }
            throw e;
        }
    }

    /** Checks the arguments before the node is asked; throws {@link #usage} when they are wrong. */
    void check() {
    }

    /** Does the work; returns the exit code. */
    abstract int run(ApiClient api) throws ApiException;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printJson(JsonElement answer) {
        out().println(PRETTY.toJson(answer));
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A positive whole number argument, or a usage error naming it. */
    long positiveLong(String label, String text) {
        try {
            long v = Long.parseLong(text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw usage(label + " must be a positive whole number, not '" + text + "'");
    }

    /** A table argument has the shape of a table id or of a prefix of one (4 or more hex characters). */
    void checkTable(String arg) {
        if (!ID_PREFIX.matcher(arg.toLowerCase(Locale.ROOT)).matches()) {
            throw usage("not a table id: '" + arg + "' (give its 64 hex characters, or its first 4 or more)");
        }
    }

    /** The full id of the table {@code arg} names: itself, or the one table of this node it is a prefix of. */
    static String tableId(ApiClient api, String arg) throws ApiException {
        String a = arg.toLowerCase(Locale.ROOT);
        if (FULL_ID.matcher(a).matches()) {
            return a;
        }
        List<String> matches = new ArrayList<>();
        for (JsonElement t : api.tables().getAsJsonArray("tables")) {
            String id = t.getAsJsonObject().get("table").getAsString();
            if (id.startsWith(a)) {
                matches.add(id);
            }
        }
        if (matches.isEmpty()) {
            throw new ApiException(404, "unknown-table", "unknown table " + arg + " (no table of this node starts "
                    + "with it; see 'dicemesh table list')", null);
        }
        if (matches.size() > 1) {
            throw new ApiException(0, "ambiguous-table", "table " + arg + " is ambiguous: it starts "
                    + matches.size() + " tables; give more of its id", null);
        }
        return matches.get(0);
    }

    static String str(JsonObject o, String key) {
        return o.get(key).getAsString();
    }

    static long num(JsonObject o, String key) {
        return o.get(key).getAsLong();
    }
}
