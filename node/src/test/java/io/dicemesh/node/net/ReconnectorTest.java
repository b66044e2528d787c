package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Backoff and reconnect decisions with the time passed in: no sockets, no clock. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReconnectorTest {
    private static final long BASE_MS = 100;
    private static final long MAX_MS = 3_000;
    private static final long DIAL_TIMEOUT_MS = 1_000;

    private final long seed = new Random().nextLong();
    private final Set<String> up = new HashSet<>();
    private final Reconnector<String> r = new Reconnector<>(BASE_MS, MAX_MS, DIAL_TIMEOUT_MS, 4, new Random(seed));

    private List<String> poll(long nowMs) {
        return r.poll(nowMs, up::contains, k -> true);
    }

    @Test
    void delaysDoubleFromTheBaseUpToTheMaxWithJitterInTheUpperHalf() {
        Random random = new Random(seed);
        for (int attempt = 0; attempt < 40; attempt++) {
            long d = Math.min(MAX_MS, BASE_MS << Math.min(attempt, 20));
            for (int i = 0; i < 200; i++) {
                long delay = Reconnector.delayMs(attempt, BASE_MS, MAX_MS, random);
                assertTrue(delay >= d / 2 && delay <= d, "seed " + seed + ": attempt " + attempt + " gave " + delay
                        + " ms, want [" + d / 2 + ", " + d + "]");
            }
        }
        assertEquals(1, Reconnector.delayMs(0, 1, 1, random));
        assertTrue(Reconnector.delayMs(Integer.MAX_VALUE, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, random) > 0);
    }

    @Test
    void aNewTargetIsDueAtOnceAndDialedOnlyOnceUntilTheOutcome() {
        r.want("a", 0);
        assertEquals(List.of("a"), poll(0));
        assertEquals(Reconnector.State.DIALING, r.state("a"));
        assertEquals(List.of(), poll(10));
    }

    @Test
    void failedDialsBackOffExponentially() {
        r.want("a", 0);
        long now = 0;
        long previousEarliest = 0;
        for (int attempt = 0; attempt < 8; attempt++) {
            assertEquals(List.of("a"), poll(now), "seed " + seed);
            r.dialFailed("a", now);
            long d = Math.min(MAX_MS, BASE_MS << attempt);
            assertEquals(List.of(), poll(now + d / 2 - 1), "seed " + seed + ": too early at attempt " + attempt);
            assertTrue(d / 2 >= previousEarliest / 2);
            previousEarliest = d;
            now += d;
        }
    }

    @Test
    void aTargetThatIsNotDialableStaysDue() {
        r.want("a", 0);
        assertEquals(List.of(), r.poll(0, up::contains, k -> false));
        assertEquals(List.of("a"), r.poll(1_000_000, up::contains, k -> true));
    }

    @Test
    void pollFollowsTheActualConnectionState() {
        r.want("a", 0);
        up.add("a");
        assertEquals(List.of(), poll(0));
        assertEquals(Reconnector.State.CONNECTED, r.state("a"));
        up.remove("a");
        assertEquals(List.of(), poll(1), "a lost connection waits at least half the base delay");
        assertEquals(Reconnector.State.WAITING, r.state("a"));
        assertEquals(List.of("a"), poll(1 + BASE_MS));
    }

    @Test
    void aConnectionThatLastedResetsTheBackoff() {
        r.want("a", 0);
        long now = 0;
        for (int i = 0; i < 6; i++) {
            poll(now);
            r.dialFailed("a", now);
            now += MAX_MS;
        }
        poll(now);
        r.connected("a", now);
        up.add("a");
        now += MAX_MS;
        poll(now);
        up.remove("a");
        poll(now);
        assertEquals(List.of("a"), poll(now + BASE_MS), "seed " + seed + ": backoff should restart at the base");
    }

    @Test
    void aDialWithNoOutcomeTimesOut() {
        r.want("a", 0);
        poll(0);
        assertEquals(List.of(), poll(DIAL_TIMEOUT_MS - 1));
        poll(DIAL_TIMEOUT_MS);
        assertEquals(Reconnector.State.WAITING, r.state("a"));
    }

    @Test
    void outcomesOfStaleDialsAreIgnored() {
        r.want("a", 0);
        up.add("a");
        poll(0);
        r.dialFailed("a", 0);
        assertEquals(Reconnector.State.CONNECTED, r.state("a"));
    }

    @Test
    void targetsAreBoundedAndCanBeDropped() {
        for (String k : List.of("a", "b", "c", "d")) {
            r.want(k, 0);
        }
        r.want("a", 0);
        assertThrows(IllegalStateException.class, () -> r.want("e", 0));
        r.retain(k -> !k.equals("b"));
        r.forget("c");
        assertEquals(Set.of("a", "d"), r.keys());
        r.want("e", 0);
        assertFalse(r.keys().contains("b"));
    }

    @Test
    void theTransitionTableHasNoSelfLoops() {
        for (Reconnector.State s : Reconnector.State.values()) {
            assertFalse(s.canMoveTo(s), s.toString());
        }
        assertFalse(Reconnector.State.CONNECTED.canMoveTo(Reconnector.State.DIALING));
    }
}
