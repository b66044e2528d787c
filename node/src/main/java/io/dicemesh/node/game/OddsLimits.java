package io.dicemesh.node.game;

/**
 * The odds multiples per point: the total odds on one line or come bet whose point is p may be at most
 * {@code multipleFor(p) * } that bet's stake, for taken and laid odds alike. A multiple of 0 allows no odds.
 */
public record OddsLimits(int four, int five, int six, int eight, int nine, int ten) {
    /** CRAPS.md's default "3-4-5x". */
    public static final OddsLimits THREE_FOUR_FIVE = new OddsLimits(3, 4, 5, 5, 4, 3);

    public OddsLimits {
        if (four < 0 || five < 0 || six < 0 || eight < 0 || nine < 0 || ten < 0) {
            throw new IllegalArgumentException("odds multiples must not be negative: " + four + "/" + five + "/"
                    + six + "/" + eight + "/" + nine + "/" + ten);
        }
    }

    public int multipleFor(int point) {
        return switch (point) {
            case 4 -> four;
            case 5 -> five;
            case 6 -> six;
            case 8 -> eight;
            case 9 -> nine;
            case 10 -> ten;
            default -> throw new IllegalArgumentException("not a point number: " + point);
        };
    }
}
