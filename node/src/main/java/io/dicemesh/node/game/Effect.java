package io.dicemesh.node.game;

/** What one roll does to one bet, including the two effects that are not outcomes: nothing, and moving to a come point. */
enum Effect {
    NONE(null),
    MOVE(null),
    WIN(Outcome.WIN),
    WIN_STAYS(Outcome.WIN_STAYS),
    LOSE(Outcome.LOSE),
    PUSH(Outcome.PUSH),
    RETURNED(Outcome.RETURNED);

    private final Outcome outcome;

    Effect(Outcome outcome) {
        this.outcome = outcome;
    }

    /** The outcome reported for this effect; only for effects that decide the bet or pay it. */
    Outcome outcome() {
        if (outcome == null) {
            throw new IllegalStateException(this + " is not an outcome");
        }
        return outcome;
    }

    boolean pays() {
        return this == WIN || this == WIN_STAYS;
    }
}
