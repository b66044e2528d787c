package io.dicemesh.node.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * When to dial which target, without sockets or clocks: the caller passes the time in and asks {@link #poll} for
 * the targets due now. A target that is not connected is dialed after a delay that starts at the base, doubles per
 * failed attempt up to the max, and is jittered (a random point in the upper half of the delay) so that many nodes
 * restarting together do not dial in lockstep. A connection that stayed up for at least the max delay resets the
 * backoff. {@link #poll} reconciles each target with whether it is actually connected, so a missed event only
 * costs one poll interval. Bounded to {@code targetsMax} targets. Thread-safe.
 *
 * @param <K> how a target is named (a peer id, or a join address)
 */
final class Reconnector<K> {
    /** The life of one target; {@link #canMoveTo} is the table of legal moves. */
    enum State {
        /** Not connected; dial at or after {@code nextAtMs}. */
        WAITING,
        /** A dial is in flight. */
        DIALING,
        CONNECTED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case WAITING -> next == DIALING || next == CONNECTED;
                case DIALING -> next == WAITING || next == CONNECTED;
                case CONNECTED -> next == WAITING;
            };
        }
    }

    /** Exponent cap so that {@code base << attempt} cannot overflow. */
    static final int ATTEMPT_SHIFT_MAX = 30;

    private static final class Target {
        State state = State.WAITING;
        long nextAtMs;
        long sinceMs;
        int attempt;

        void move(State next, long nowMs) {
            if (!state.canMoveTo(next)) {
                throw new IllegalStateException("reconnect target cannot move from " + state + " to " + next);
            }
            state = next;
            sinceMs = nowMs;
        }
    }

    private final long baseMs;
    private final long maxMs;
    private final long dialTimeoutMs;
    private final int targetsMax;
    private final Random random;
    private final Map<K, Target> targets = new HashMap<>();

    /**
     * @param dialTimeoutMs a dial with no outcome after this long counts as failed (a safety net; the transport
     *                      reports every outcome)
     */
    Reconnector(long baseMs, long maxMs, long dialTimeoutMs, int targetsMax, Random random) {
        if (baseMs <= 0 || maxMs < baseMs || dialTimeoutMs <= 0 || targetsMax < 1) {
            throw new IllegalArgumentException("bad reconnect settings: base " + baseMs + " ms, max " + maxMs
                    + " ms, dial timeout " + dialTimeoutMs + " ms, " + targetsMax + " targets");
        }
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.dialTimeoutMs = dialTimeoutMs;
        this.targetsMax = targetsMax;
        this.random = random;
    }

    /** Starts tracking a target, due at once; no change if it is tracked already. */
    synchronized void want(K key, long nowMs) {
        if (targets.containsKey(key)) {
            return;
        }
        if (targets.size() >= targetsMax) {
            throw new IllegalStateException("more than " + targetsMax + " reconnect targets");
        }
        Target t = new Target();
        t.nextAtMs = nowMs;
        t.sinceMs = nowMs;
        targets.put(key, t);
    }

    /** Stops tracking every target for which {@code keep} is false. */
    synchronized void retain(Predicate<K> keep) {
        targets.keySet().removeIf(k -> !keep.test(k));
    }

    synchronized void forget(K key) {
        targets.remove(key);
    }

    synchronized Set<K> keys() {
        return Set.copyOf(targets.keySet());
    }

    synchronized State state(K key) {
        Target t = targets.get(key);
        return t == null ? null : t.state;
    }

    /**
     * Brings every target in line with {@code connected} and returns those to dial now (they move to DIALING). A
     * target that is due but not {@code dialable} (e.g. its address is not known yet) stays due.
     */
    synchronized List<K> poll(long nowMs, Predicate<K> connected, Predicate<K> dialable) {
        List<K> due = new ArrayList<>();
        for (Iterator<Map.Entry<K, Target>> it = targets.entrySet().iterator(); it.hasNext();) {
            Map.Entry<K, Target> e = it.next();
            Target t = e.getValue();
            boolean up = connected.test(e.getKey());
            if (up && t.state != State.CONNECTED) {
                t.move(State.CONNECTED, nowMs);
            } else if (!up && t.state == State.CONNECTED) {
                if (nowMs - t.sinceMs >= maxMs) {
                    t.attempt = 0;
                }
                retryLater(t, nowMs);
            } else if (t.state == State.DIALING && nowMs - t.sinceMs >= dialTimeoutMs) {
                retryLater(t, nowMs);
            }
            if (t.state == State.WAITING && nowMs >= t.nextAtMs && dialable.test(e.getKey())) {
                t.move(State.DIALING, nowMs);
                due.add(e.getKey());
            }
        }
        return due;
    }

    /** A dial of this target failed (refused, timed out, closed before the handshake completed). */
    synchronized void dialFailed(K key, long nowMs) {
        Target t = targets.get(key);
        if (t != null && t.state == State.DIALING) {
            retryLater(t, nowMs);
        }
    }

    /** The target is connected (its dial completed the handshake, or another channel to it already had). */
    synchronized void connected(K key, long nowMs) {
        Target t = targets.get(key);
        if (t != null && t.state != State.CONNECTED) {
            t.move(State.CONNECTED, nowMs);
        }
    }

    private void retryLater(Target t, long nowMs) {
        t.move(State.WAITING, nowMs);
        t.nextAtMs = nowMs + delayMs(t.attempt, baseMs, maxMs, random);
        t.attempt = Math.min(t.attempt + 1, ATTEMPT_SHIFT_MAX);
    }

    /** The delay before attempt {@code attempt} (0-based): in [d/2, d] for d = min(max, base * 2^attempt). */
    static long delayMs(int attempt, long baseMs, long maxMs, Random random) {
        int shift = Math.min(Math.max(attempt, 0), ATTEMPT_SHIFT_MAX);
        long d = baseMs > (maxMs >> shift) ? maxMs : Math.min(maxMs, baseMs << shift);
        long half = d / 2;
        return d - half + (half == 0 ? 0 : (long) (random.nextDouble() * (half + 1)));
    }
}
