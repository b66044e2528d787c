package io.dicemesh.node.core;

import io.dicemesh.node.game.BetRequest;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.protocol.PlaceBet;
import io.dicemesh.protocol.TableState;

/** The game a committed {@link TableState} holds, for checkers outside the core (each call builds a fresh copy). */
public final class TableStates {
    private TableStates() {
    }

    public static CrapsTable game(TableState state) {
        return TableModel.fromProto(state).game();
    }

    /** The bet a PlaceBet intent asks for, read as the core reads it (an unknown type is no kind). */
    public static BetRequest betRequest(PlaceBet p) {
        return new BetRequest(GameProtos.kind(p.getType()), p.getAmount(), p.getNumber(), p.getOnBet());
    }
}
