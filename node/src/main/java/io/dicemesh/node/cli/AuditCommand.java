package io.dicemesh.node.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Re-check a table from the local ledger alone: every signature and certificate, the hash "
                + "chain, and conservation of tokens.",
            "Prints OK, or exactly what is wrong and exits with 1."})
final class AuditCommand extends TableClientCommand {
    @Override
    int run(ApiClient api) throws ApiException {
        JsonObject report = api.audit(tableId(api, table));
        boolean ok = report.get("ok").getAsBoolean();
        if (json) {
            printJson(report);
        } else if (ok) {
            out().println("OK: table " + str(report, "table") + ", " + num(report, "slots_checked")
                    + " slots checked, last seq " + num(report, "last_seq"));
        } else {
            List<String> problems = new ArrayList<>();
            for (JsonElement p : report.getAsJsonArray("problems")) {
                problems.add(p.getAsString());
            }
            out().println("FAILED: table " + str(report, "table") + ": " + String.join("; ", problems));
        }
        return ok ? 0 : CliErrors.FAILED;
    }
}
