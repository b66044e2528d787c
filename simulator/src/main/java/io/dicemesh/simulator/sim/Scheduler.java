package io.dicemesh.simulator.sim;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Virtual time: actions run in (time, insertion) order, so a run depends only on its seed. Nothing here reads the
 * wall clock.
 */
public final class Scheduler {
    private record Item(long atMs, long seq, Runnable action) {
    }

    private final PriorityQueue<Item> queue = new PriorityQueue<>(
            Comparator.comparingLong(Item::atMs).thenComparingLong(Item::seq));
    private long nextSeq;
    private long nowMs;
    private long steps;

    public long nowMs() {
        return nowMs;
    }

    public long steps() {
        return steps;
    }

    public void at(long atMs, Runnable action) {
        queue.add(new Item(Math.max(atMs, nowMs), nextSeq++, action));
    }

    public void after(long delayMs, Runnable action) {
        at(nowMs + delayMs, action);
    }

    /** Runs the next action; false when nothing is scheduled. */
    public boolean step() {
        Item item = queue.poll();
        if (item == null) {
            return false;
        }
        nowMs = item.atMs();
        steps++;
        item.action().run();
        return true;
    }

    /** Time of the next action, or -1. */
    public long nextAtMs() {
        Item item = queue.peek();
        return item == null ? -1 : item.atMs();
    }

    public int pending() {
        return queue.size();
    }
}
