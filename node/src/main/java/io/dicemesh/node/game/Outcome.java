package io.dicemesh.node.game;

/** What a roll did to one bet that it decided or returned. */
public enum Outcome {
    /** Winnings paid by the bank, stake back, the bet leaves the felt. */
    WIN("win"),
    /** Winnings paid by the bank, the stake stays on the felt. */
    WIN_STAYS("win-stays"),
    /** The stake goes to the bank. */
    LOSE("lose"),
    /** Stake back, the bet leaves. */
    PUSH("push"),
    /** Stake back without winnings: by the pre-roll solvency rule, or come odds whose come bet resolved while off. */
    RETURNED("returned");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
