package io.dicemesh.node.daemon;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.Effect;
import io.dicemesh.node.core.EffectExecutor;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.Input;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.ledger.KvStore;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link NodeEngine} on one thread: messages from the transport, client commands and timers go in
 * through a {@link FairInbox} (bounded in bytes, a share per peer, served in turn); each cycle handles up to
 * {@value #DRAIN_MAX} inputs, writes all their Persist batches as one write (synced if any asked for it: group
 * commit), and only then carries out their Sends, Replies and Events (the write-ahead rule). The engine itself
 * never sees a lock, a clock or a thread.
 */
public final class EngineLoop {
    /** Inputs handled per cycle, and so per synced write at most. */
    public static final int DRAIN_MAX = 256;

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);

    /** Where effects leave the loop. Implementations must not block. */
    public interface Outbound {
        void send(NodeId to, Envelope envelope);

        void onEvent(Event event);

        /** One cycle's write: its number of operations, whether it synced, and how long it took. */
        default void onWrite(int ops, boolean synced, long nanos) {
        }
    }

    /** Milliseconds for the engine: wall time at start, advanced by the monotonic clock (never jumps back). */
    public interface Clock {
        long nowMs();

        static Clock monotonic() {
            long startWallMs = System.currentTimeMillis();
            long startNanos = System.nanoTime();
            return () -> startWallMs + (System.nanoTime() - startNanos) / 1_000_000;
        }
    }

    private sealed interface Task {
    }

    private record Message(NodeId from, Verified verified) implements Task {
    }

    private record PeerUp(NodeId peer) implements Task {
    }

    private record Command(ClientRequest request, CompletableFuture<ClientResult> reply) implements Task {
    }

    private record Read<T>(Function<NodeEngine, T> read, CompletableFuture<T> result) implements Task {
        void run(NodeEngine engine) {
            try {
                result.complete(read.apply(engine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    private record Stop() implements Task {
    }

    private final NodeEngine engine;
    private final KvStore store;
    private final Outbound outbound;
    private final Clock clock;
    private final FairInbox<Task> inbox = new FairInbox<>();
    private final EffectExecutor executor;
    private final Map<Long, CompletableFuture<ClientResult>> waiting = new HashMap<>();
    private final Thread thread;
    private final AtomicLong droppedMessages = new AtomicLong();
    private long nextRequestId = 1;
    private volatile boolean running;
    private volatile Throwable failure;

    public EngineLoop(NodeEngine engine, KvStore store, Outbound outbound, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.outbound = outbound;
        this.clock = clock;
        this.executor = new EffectExecutor(new EffectExecutor.Io() {
            @Override
            public void write(WriteBatch batch, boolean sync) {
                long start = System.nanoTime();
                store.write(batch, sync);
                outbound.onWrite(batch.ops().size(), sync, System.nanoTime() - start);
            }

            @Override
            public void send(NodeId to, Envelope envelope) {
                outbound.send(to, envelope);
            }

            @Override
            public void reply(long requestId, ClientResult result) {
                CompletableFuture<ClientResult> w = waiting.remove(requestId);
                if (w != null) {
                    w.complete(result);
                }
            }

            @Override
            public void event(Event event) {
                outbound.onEvent(event);
            }
        });
        this.thread = new Thread(this::loop, "engine");
        this.thread.setDaemon(false);
    }

    public void start() {
        running = true;
        thread.start();
    }

    /**
     * From any thread: a verified message for the engine from the peer whose channel delivered it. False (and
     * counted) when that peer's share of the inbox is full; the sender resends what matters.
     */
    public boolean deliver(NodeId from, Verified message) {
        boolean ok = running && inbox.offerPeer(from, new Message(from, message),
                2L * message.envelope().getSerializedSize() + 256);
        if (!ok) {
            droppedMessages.incrementAndGet();
        }
        return ok;
    }

    /** From any thread: a link to {@code peer} came up, so the engine repeats what the peer may have missed. */
    public void peerConnected(NodeId peer) {
        if (!running || !inbox.offerLocal(new PeerUp(peer))) {
            droppedMessages.incrementAndGet(); // the slot timers repeat the same work later
        }
    }

    /** From any thread: a client command; completes when the engine answers (possibly after a commit). */
    public CompletableFuture<ClientResult> submit(ClientRequest request) {
        CompletableFuture<ClientResult> reply = new CompletableFuture<>();
        if (!running || !inbox.offerLocal(new Command(request, reply))) {
            reply.complete(new ClientResult.Failed(ClientResult.Code.BUSY,
                    running ? "the node is overloaded; try again" : "the node is shutting down"));
        }
        return reply;
    }

    /** From any thread: reads engine state on the engine thread (engine state is never shared). */
    public <T> CompletableFuture<T> read(Function<NodeEngine, T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!running || !inbox.offerLocal(new Read<>(read, result))) {
            result.completeExceptionally(new IllegalStateException(running ? "the node is overloaded"
                    : "the node is shutting down"));
        }
        return result;
    }

    public long droppedMessages() {
        return droppedMessages.get();
    }

    public int inboxSize() {
        return inbox.size();
    }

    /** Set when the loop stopped because the node's own storage failed; the node must not go on. */
    public Throwable failure() {
        return failure;
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    private void loop() {
        List<Task> batch = new ArrayList<>(DRAIN_MAX);
        List<Effect> effects = new ArrayList<>();
        try {
            effects.addAll(engine.handle(new Input.Tick(clock.nowMs())));
            execute(effects);
            while (running) {
                effects.clear();
                batch.clear();
                inbox.drainTo(batch, DRAIN_MAX, waitMs());
                for (Task task : batch) {
                    handle(task, effects);
                }
                long now = clock.nowMs();
                if (timerDue(now)) {
                    effects.addAll(engine.handle(new Input.Tick(now)));
                }
                execute(effects);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("engine stopped: {}", e.toString(), e);
        } finally {
            running = false;
            for (CompletableFuture<ClientResult> w : waiting.values()) {
                w.complete(new ClientResult.Failed(ClientResult.Code.BUSY, "the node stopped before answering"));
            }
            waiting.clear();
            List<Task> left = new ArrayList<>();
            inbox.drainAll(left);
            for (Task t : left) {
                if (t instanceof Command c) {
                    c.reply().complete(new ClientResult.Failed(ClientResult.Code.BUSY, "the node stopped"));
                } else if (t instanceof Read<?> r) {
                    r.result().completeExceptionally(new IllegalStateException("the node stopped"));
                }
            }
        }
    }

    private void handle(Task task, List<Effect> effects) {
        long now = clock.nowMs();
        if (task instanceof Message m) {
            effects.addAll(engine.handle(new Input.MessageIn(now, m.from(), m.verified())));
        } else if (task instanceof PeerUp p) {
            effects.addAll(engine.handle(new Input.PeerConnected(now, p.peer())));
        } else if (task instanceof Command c) {
            long id = nextRequestId++;
            waiting.put(id, c.reply());
            effects.addAll(engine.handle(new Input.Command(now, id, c.request())));
        } else if (task instanceof Read<?> r) {
            r.run(engine);
        } else if (task instanceof Stop) {
            running = false;
        }
    }

    /** The cycle's effects: one write for the whole cycle (group commit), then everything else in order. */
    private void execute(List<Effect> effects) {
        executor.execute(effects);
    }

    private boolean timerDue(long now) {
        return executor.takeDueTimers(now);
    }

    private long waitMs() {
        long next = executor.nextTimerMs();
        if (next < 0) {
            return 1_000;
        }
        return Math.max(0, Math.min(1_000, next - clock.nowMs()));
    }

    /** Stops after the inputs already queued; waits at most {@code timeoutMs}. */
    public void stop(long timeoutMs) throws InterruptedException {
        if (thread.isAlive()) {
            if (!inbox.offerLocal(new Stop())) {
                running = false;
            }
            thread.join(timeoutMs);
            if (thread.isAlive()) {
                running = false;
                thread.interrupt();
                thread.join(timeoutMs);
            }
        }
    }
}
