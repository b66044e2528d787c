package io.dicemesh.node.cli;

import com.google.gson.JsonObject;
import io.dicemesh.node.api.ApiClient;
import io.dicemesh.node.api.ApiException;
import io.dicemesh.node.api.BetInput;
import io.dicemesh.node.game.BetKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bet", mixinStandardHelpOptions = true,
        description = {"Place a bet; prints its id once the bet's slot commits, or the table's reason for "
                + "refusing it.",
            "TYPE: pass, dont-pass, come, dont-come, pass-odds, dont-pass-odds, come-odds, dont-come-odds, place, "
                + "big6, big8, field, hard, any-seven, any-craps, aces, ace-deuce, yo, boxcars.",
            "NUMBER: place takes 4, 5, 6, 8, 9 or 10; hard takes 4, 6, 8 or 10; others take none. "
                + "Odds bets name their base bet with --on BET-ID."})
final class BetCommand extends TableClientCommand {
    @Parameters(index = "1", paramLabel = "TYPE", description = "Bet type.")
    String type;

    @Parameters(index = "2", paramLabel = "AMOUNT", description = "Stake in tokens.")
    String amount;

    @Parameters(index = "3", arity = "0..1", paramLabel = "NUMBER", description = "For place and hard bets.")
    String number;

    @Option(names = "--on", paramLabel = "BET-ID", description = "Odds bets: the id of the bet they back.")
    String on;

    private BetKind kind;
    private long stake;
    private int num;
    private long onBet;

    @Override
    void check() {
        super.check();
        kind = BetInput.kind(type).orElseThrow(() -> usage(BetInput.unknownKind(type)));
        stake = positiveLong("AMOUNT", amount);
        num = number == null ? 0 : (int) Math.min(Integer.MAX_VALUE, positiveLong("NUMBER", number));
        onBet = on == null ? 0 : positiveLong("--on", on);
        String problem = BetInput.problem(kind, num, onBet);
        if (problem != null) {
            throw usage(problem);
        }
    }

    @Override
    int run(ApiClient api) throws ApiException {
        JsonObject placed = api.placeBet(tableId(api, table), kind.label(), stake, num, onBet);
        if (json) {
            printJson(placed);
        } else {
            out().println("bet " + num(placed, "bet_id") + " placed (seq " + num(placed, "seq") + ")");
        }
        return 0;
    }
}
