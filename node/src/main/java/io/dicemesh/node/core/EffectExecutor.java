package io.dicemesh.node.core;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out a node's effects, the one way every driver does it: the daemon's engine loop, the simulator and the
 * protocol tests. All Persist batches of a step (the effects of one input, or of a whole cycle of inputs) go down
 * as one write, synced if any of them asked for it, before any Send, Reply or event of the step: the write-ahead
 * rule, with group commit for free. A step whose writes exceed one batch's limits ({@link WriteBatch#BATCH_BYTES_MAX})
 * is written as several batches, still all before its first Send. Timers are kept per key; a later one replaces an
 * earlier one.
 */
public final class EffectExecutor {
    /** Where effects leave the node. */
    public interface Io {
        /** Writes the batch atomically; with {@code sync}, durably before returning. */
        void write(WriteBatch batch, boolean sync);

        void send(NodeId to, Envelope envelope);

        void reply(long requestId, ClientResult result);

        void event(Event event);

        /** A timer was set; drivers with a scheduler of their own schedule a wake-up here. */
        default void timerSet(String key, long atMs) {
        }

        /**
         * Called after each effect is carried out (the step's writes count as one Persist): false stops the rest
         * of the step, as a crash right there would.
         */
        default boolean carryOn(Effect done) {
            return true;
        }
    }

    private final Io io;
    private final Map<String, Long> timers = new HashMap<>();

    public EffectExecutor(Io io) {
        this.io = io;
    }

    /** Carries out one step's effects in order, writes first; false when {@link Io#carryOn} stopped it. */
    public boolean execute(List<Effect> effects) {
        WriteBatch.Builder writes = WriteBatch.builder();
        boolean sync = false;
        for (Effect e : effects) {
            if (e instanceof Effect.Persist p) {
                if (!writes.fits(p.batch())) {
                    if (!write(writes, sync)) {
                        return false;
                    }
                    writes = WriteBatch.builder();
                    sync = false;
                }
                writes.addAll(p.batch());
                sync |= p.sync();
            }
        }
        if (!write(writes, sync)) {
            return false;
        }
        for (Effect e : effects) {
            if (e instanceof Effect.Persist) {
                continue;
            }
            if (e instanceof Effect.Send s) {
                io.send(s.to(), s.envelope());
            } else if (e instanceof Effect.Reply r) {
                io.reply(r.requestId(), r.result());
            } else if (e instanceof Effect.SetTimer t) {
                timers.put(t.key(), t.atMs());
                io.timerSet(t.key(), t.atMs());
            } else if (e instanceof Effect.Emit em) {
                io.event(em.event());
            }
            if (!io.carryOn(e)) {
                return false;
            }
        }
        return true;
    }

    /** Writes one group of the step's Persists (nothing when empty); false when {@link Io#carryOn} stopped it. */
    private boolean write(WriteBatch.Builder writes, boolean sync) {
        if (writes.isEmpty()) {
            return true;
        }
        WriteBatch batch = writes.build();
        io.write(batch, sync);
        return io.carryOn(new Effect.Persist(batch, sync));
    }

    /** True when some timer is due at {@code nowMs}; the due ones are cleared (one Tick serves them all). */
    public boolean takeDueTimers(long nowMs) {
        return timers.values().removeIf(at -> at <= nowMs);
    }

    /** The earliest timer, or -1 when none is set. */
    public long nextTimerMs() {
        long next = -1;
        for (long at : timers.values()) {
            next = next < 0 ? at : Math.min(next, at);
        }
        return next;
    }

    /** The time a timer is set for, or -1 when it is not set (or was replaced or served). */
    public long timerAtMs(String key) {
        Long at = timers.get(key);
        return at == null ? -1 : at;
    }

    /** Forgets every timer (the node crashed). */
    public void clearTimers() {
        timers.clear();
    }
}
