package io.dicemesh.node.core;

/**
 * One named deadline of the core, armed at a time or disarmed, instead of a long that means "none" when -1. The
 * core never reads a clock: a timer is only compared with the time an input brings.
 */
final class Timer {
    private final String name;
    private boolean armed;
    private long atMs;

    Timer(String name) {
        this.name = name;
    }

    void armAt(long ms) {
        armed = true;
        atMs = ms;
    }

    void disarm() {
        armed = false;
    }

    boolean armed() {
        return armed;
    }

    /** When it is due; only for an armed timer. */
    long atMs() {
        if (!armed) {
            throw new IllegalStateException("timer " + name + " is not armed");
        }
        return atMs;
    }

    boolean isDue(long nowMs) {
        return armed && nowMs >= atMs;
    }

    /** True once when due, and then disarmed: the caller does what the timer was for. */
    boolean fire(long nowMs) {
        if (!isDue(nowMs)) {
            return false;
        }
        armed = false;
        return true;
    }

    /** The earlier of {@code wakeMs} (-1: none yet) and this timer's time, if armed. */
    long earliest(long wakeMs) {
        if (!armed) {
            return wakeMs;
        }
        return wakeMs < 0 ? atMs : Math.min(wakeMs, atMs);
    }

    @Override
    public String toString() {
        return name + (armed ? "@" + atMs : "(off)");
    }
}
