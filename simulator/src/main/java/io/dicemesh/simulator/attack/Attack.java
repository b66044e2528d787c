package io.dicemesh.simulator.attack;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The attacks of the attack suite (issue 11), each against node 0 of a live mesh while its tables play. Each is
 * bounded in count and time; each pretends to come from many hosts (source addresses across 127.0.0.0/8, all
 * loopback here) so that per-address caps alone cannot stop it.
 */
public enum Attack {
    SILENT_CONNECTIONS("2,000 TCP connections that never start TLS, reopened as the node closes them"),
    IDLE_STRANGERS("300 strangers that complete TLS with fresh keys and then say nothing"),
    JUNK_FRAMES("junk before TLS, junk and oversize frames after it, on new connections"),
    SLOWLORIS("connections that write a handshake, or a frame after it, a byte every half second"),
    RELAY("a relay presenting node 1's signed Hello in a certificate of its own key (finding 1): must not bind"),
    PING_FLOOD("handshaken strangers sending validly signed Pings as fast as they may"),
    PEER_LIST_FLOOD("handshaken strangers sending lists of 256 fresh, validly signed peer records"),
    INVITE_FLOOD("a stranger sending validly signed invites to ever new tables with node 0"),
    HOSTILE_PLAYER("a player seated with nodes 0-2 sending validly signed garbage for its table");

    private final String what;

    Attack(String what) {
        this.what = what;
    }

    /**
     * The fraction of its unattacked rate the table must keep under this attack: {@link AttackRun#RATE_FRACTION_MIN},
     * but {@link #IDLE_STRANGERS_RATE_FRACTION_MIN} under idle strangers. Their TLS handshakes are real work the node
     * must do; it runs them on one thread of their own (at most one of this machine's two cores), and a table that
     * already keeps both cores busy keeps about half its rate then: CI runs measured 47% to 79%.
     */
    public double rateFractionMin() {
        return this == IDLE_STRANGERS ? IDLE_STRANGERS_RATE_FRACTION_MIN : AttackRun.RATE_FRACTION_MIN;
    }

    /** See {@link #rateFractionMin}. */
    public static final double IDLE_STRANGERS_RATE_FRACTION_MIN = 0.4;

    /** Its name on the command line, e.g. {@code ping-flood}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String what() {
        return what;
    }

    public static Attack parse(String label) {
        for (Attack a : values()) {
            if (a.label().equals(label)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no attack '" + label + "'; the attacks are " + labels());
    }

    public static String labels() {
        return Arrays.stream(values()).map(Attack::label).collect(Collectors.joining(", "));
    }
}
