package io.dicemesh.node.core;

import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.protocol.TableState;

/** The game a committed {@link TableState} holds, for checkers outside the core (each call builds a fresh copy). */
public final class TableStates {
    private TableStates() {
    }

    public static CrapsTable game(TableState state) {
        return TableModel.fromProto(state).game();
    }

    public static CrapsRules rules(TableState state) {
        return GameProtos.rules(state.getRules());
    }
}
