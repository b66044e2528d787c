package io.dicemesh.simulator.sim;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Rejection;
import io.dicemesh.crypto.SignatureScheme;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.core.ClientRequest;
import io.dicemesh.node.core.ClientResult;
import io.dicemesh.node.core.Effect;
import io.dicemesh.node.core.EffectExecutor;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.EngineConfig;
import io.dicemesh.node.core.Input;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.core.RandomSource;
import io.dicemesh.node.ledger.StoreProvider;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A whole mesh in one thread: real {@link NodeEngine}s (the daemon's classes) on a virtual network and virtual
 * clock, with faults, crashes and byzantine players, every event checked by {@link Checkers}. The seed decides
 * everything, so any run can be replayed exactly.
 */
public final class Simulation {
    private final long seed;
    private final Scheduler scheduler = new Scheduler();
    private final SplittableRandom random;
    private final SimNetwork network;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<NodeId, Integer> indexOf = new HashMap<>();
    /** Second machines running a node's key (see {@link #addTwin}), by the key's node id. */
    private final Map<NodeId, List<Integer>> twinsOf = new HashMap<>();
    private final EnvelopeVerifier verifier;
    private final EngineConfig engineConfig;
    private final StoreProvider stores;
    private final Checkers checkers;
    private final Trace trace;
    private final List<SimObserver> observers = new ArrayList<>();
    private final Map<Integer, Map<Long, Consumer<ClientResult>>> waiting = new HashMap<>();
    private CrashPoint crashPoint = CrashPoint.NEVER;
    private long[] clockOffsetMs;
    /** When each node was last down or had a link cut (Long.MIN_VALUE: never). */
    private final Map<Integer, Long> lastUnreachableMs = new HashMap<>();
    private long framesRejected;
    private long lostToDownNodes;
    /** Frames seen on the network, newest last, for hostile nodes to replay (kept only when there are any). */
    private final List<Envelope> recentFrames = new ArrayList<>();
    private int recentFramesNext;
    private boolean captureFrames;
    private long heldBytesMax;
    /** Inputs handled between two checks of every engine's held bytes against its budget. */
    static final int BUDGET_CHECK_EVERY = 16;
    /** Frames kept for replay. */
    static final int RECENT_FRAMES_MAX = 512;

    /** A simulation with real Ed25519 signatures. */
    public Simulation(long seed, int nodeCount, NetworkFaults faults, EngineConfig engineConfig,
            StoreProvider stores, Trace trace) {
        this(seed, nodeCount, faults, engineConfig, stores, trace, SignatureScheme.ed25519());
    }

    /** {@code scheme}: Ed25519, or {@link io.dicemesh.crypto.SimulatedSignatures} for fast swarms. */
    public Simulation(long seed, int nodeCount, NetworkFaults faults, EngineConfig engineConfig,
            StoreProvider stores, Trace trace, SignatureScheme scheme) {
        this.seed = seed;
        // remembering, as a daemon's is (the same code path); one memo for all simulated nodes, so a broadcast is
        // checked once a simulation rather than once a node: that changes only the simulation's own speed
        this.verifier = EnvelopeVerifier.remembering(scheme);
        this.checkers = new Checkers(scheduler, new EnvelopeVerifier(scheme));
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(scheduler, random.split(), faults);
        this.engineConfig = engineConfig;
        this.stores = stores;
        this.trace = trace;
        SplittableRandom keys = random.split();
        for (int i = 0; i < nodeCount; i++) {
            byte[] secret = new byte[32];
            keys.nextBytes(secret);
            SimNode node = new SimNode(i, Identity.fromSeed(secret, scheme), stores.open(i));
            nodes.add(node);
            checkers.knowNode(node);
            indexOf.put(node.id(), i);
        }
        for (SimNode node : nodes) {
            node.engine = new NodeEngine(node.identity(), engineConfig, verifier, node.store, randomFor(node));
            node.executor = new EffectExecutor(new NodeIo(node));
        }
        clockOffsetMs = new long[nodeCount];
    }

    /** Gives each node's clock a fixed offset from virtual time (clock skew); timers follow the node's clock. */
    public void setClockOffsets(long[] offsetsMs) {
        if (offsetsMs.length != nodes.size()) {
            throw new IllegalArgumentException("one offset per node");
        }
        clockOffsetMs = offsetsMs.clone();
    }

    /** The time node {@code index} reads on its (possibly skewed) clock. */
    public long nodeNowMs(int index) {
        return scheduler.nowMs() + clockOffsetMs[index];
    }

    private RandomSource randomFor(SimNode node) {
        SplittableRandom r = new SplittableRandom(seed * 31 + node.index() * 7919L + node.incarnation);
        return r::nextBytes;
    }

    // ------------------------------------------------------------------ setup

    public long seed() {
        return seed;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public SimNetwork network() {
        return network;
    }

    public Checkers checkers() {
        return checkers;
    }

    public Trace trace() {
        return trace;
    }

    public List<SimNode> nodes() {
        return List.copyOf(nodes);
    }

    public SimNode node(int index) {
        return nodes.get(index);
    }

    public SimNode node(NodeId id) {
        return nodes.get(indexOf.get(id));
    }

    public long nowMs() {
        return scheduler.nowMs();
    }

    /** A random stream for workloads and fault schedules, split from the seed. */
    public SplittableRandom splitRandom() {
        return random.split();
    }

    public void addObserver(SimObserver observer) {
        observers.add(observer);
    }

    public void setCrashPoint(CrashPoint crashPoint) {
        this.crashPoint = crashPoint;
    }

    public void setAdversary(int node, Adversary adversary) {
        nodes.get(node).adversary = adversary;
        if (adversary != Adversary.HONEST) {
            checkers.markByzantine(nodes.get(node).id());
        }
    }

    /**
     * Starts a second machine with node {@code of}'s key and a copy of its ledger as it stands: a liar that can
     * tell each side of a split table a different story, each consistent on its own (DESIGN 5b, "f liars bridging
     * them"). Frames for the key go to every machine holding it that the sender can reach. Both are marked as
     * liars; the twin's own events are not checked (its history is the liar's other story), and a twin never
     * restarts after a crash. Returns the twin's index, for links and crashes.
     */
    public int addTwin(int of) {
        SimNode original = nodes.get(of);
        if (!original.isUp()) {
            throw new IllegalStateException("node " + of + " is down: nothing to copy");
        }
        int index = nodes.size();
        SimNode twin = new SimNode(index, original.identity(), stores.open(index));
        twin.twin = true;
        KvStores.copy(original.store, twin.store);
        nodes.add(twin);
        twinsOf.computeIfAbsent(original.id(), k -> new ArrayList<>()).add(index);
        clockOffsetMs = java.util.Arrays.copyOf(clockOffsetMs, nodes.size());
        clockOffsetMs[index] = clockOffsetMs[of];
        checkers.markByzantine(original.id());
        trace.record(scheduler.nowMs(), index, "twin of " + of);
        twin.engine = NodeEngine.restore(twin.identity(), engineConfig, verifier, twin.store, randomFor(twin));
        twin.executor = new EffectExecutor(new NodeIo(twin));
        handle(twin, new Input.Tick(nodeNowMs(index)));
        return index;
    }

    public long framesRejected() {
        return framesRejected;
    }

    public long lostToDownNodes() {
        return lostToDownNodes;
    }

    // ------------------------------------------------------------------ driving

    /** Runs a client command at node {@code node} now (as its own step); the reply goes to {@code onReply}. */
    public void command(int node, ClientRequest request, Consumer<ClientResult> onReply) {
        scheduler.after(0, () -> {
            SimNode n = nodes.get(node);
            if (!n.isUp()) {
                onReply.accept(new ClientResult.Failed(ClientResult.Code.BUSY, "node " + node + " is down"));
                return;
            }
            long id = n.nextRequestId++;
            waiting.computeIfAbsent(node, k -> new HashMap<>()).put(id, onReply);
            handle(n, new Input.Command(nodeNowMs(node), id, request));
        });
    }

    /** Runs every step due up to {@code endMs}, then sets the clock there. */
    public void runUntil(long endMs) {
        while (scheduler.nextAtMs() >= 0 && scheduler.nextAtMs() <= endMs) {
            scheduler.step();
        }
        if (scheduler.nowMs() < endMs) {
            scheduler.at(endMs, () -> { });
            scheduler.step();
        }
    }

    /** Runs until {@code done} holds (checked after every step) or the clock passes {@code deadlineMs}. */
    public boolean runUntil(BooleanSupplier done, long deadlineMs) {
        while (!done.getAsBoolean()) {
            long next = scheduler.nextAtMs();
            if (next < 0 || next > deadlineMs) {
                runUntil(deadlineMs);
                return done.getAsBoolean();
            }
            scheduler.step();
        }
        return true;
    }

    // ------------------------------------------------------------------ crashes

    /** Kills a node at once: its engine and timers vanish; its store keeps what a crash keeps. */
    public void crash(int index) {
        SimNode node = nodes.get(index);
        if (!node.isUp()) {
            return;
        }
        trace.record(scheduler.nowMs(), index, "crash");
        lastUnreachableMs.put(index, scheduler.nowMs());
        node.engine = null;
        node.executor.clearTimers();
        node.incarnation++;
        node.crashes++;
        stores.crash(index, node.store);
        Map<Long, Consumer<ClientResult>> lost = waiting.remove(index);
        if (lost != null) {
            for (Consumer<ClientResult> c : lost.values()) {
                c.accept(new ClientResult.Failed(ClientResult.Code.BUSY, "node " + index + " crashed"));
            }
        }
        for (SimObserver o : observers) {
            o.onCrash(node);
        }
    }

    /** Restarts a crashed node from its store; it repeats its votes and catches up from its peers. */
    public void restart(int index) {
        SimNode node = nodes.get(index);
        if (node.isUp() || node.failed || node.twin) {
            return;
        }
        trace.record(scheduler.nowMs(), index, "restart");
        lastUnreachableMs.put(index, scheduler.nowMs());
        node.store = stores.open(index);
        node.engine = NodeEngine.restore(node.identity(), engineConfig, verifier, node.store, randomFor(node));
        checkers.onRestart(node);
        for (SimObserver o : observers) {
            o.onRestart(node);
        }
        handle(node, new Input.Tick(nodeNowMs(index)));
        for (SimNode other : nodes) {
            if (other != node) {
                linkUp(node.index(), other.index());
            }
        }
    }

    // ------------------------------------------------------------------ links

    /**
     * Cuts or restores the link between two nodes. A restored link is reported to both engines as a connection
     * coming up, as the daemon's transport does when it reconnects.
     */
    public void setLink(int a, int b, boolean up) {
        boolean wasUp = network.linked(a, b);
        if (wasUp != up) {
            lastUnreachableMs.put(a, scheduler.nowMs());
            lastUnreachableMs.put(b, scheduler.nowMs());
        }
        network.setLink(a, b, up);
        if (up && !wasUp) {
            linkUp(a, b);
        }
    }

    /** Restores every cut link (each one reported as a connection coming up). */
    public void healAll() {
        for (int[] link : network.healAll()) {
            lastUnreachableMs.put(link[0], scheduler.nowMs());
            lastUnreachableMs.put(link[1], scheduler.nowMs());
            linkUp(link[0], link[1]);
        }
    }

    /**
     * The last time node {@code index} was down or had a link to another node cut: now while it is, and
     * Long.MIN_VALUE when it never was. Lost, late or repeated frames do not count.
     */
    public long lastUnreachableMs(int index) {
        boolean cut = false;
        for (int other = 0; other < nodes.size() && !cut; other++) {
            cut = other != index && !network.linked(index, other);
        }
        if (!nodes.get(index).isUp() || cut) {
            return scheduler.nowMs();
        }
        return lastUnreachableMs.getOrDefault(index, Long.MIN_VALUE);
    }

    private void linkUp(int a, int b) {
        SimNode na = nodes.get(a);
        SimNode nb = nodes.get(b);
        if (!na.isUp() || !nb.isUp() || !network.linked(a, b)) {
            return;
        }
        handle(na, new Input.PeerConnected(nodeNowMs(a), nb.id()));
        if (nb.isUp() && na.isUp()) { // handling may crash a node at a crash point
            handle(nb, new Input.PeerConnected(nodeNowMs(b), na.id()));
        }
    }

    // ------------------------------------------------------------------ the node loop

    /**
     * Hands one input to a node's engine and carries out its effects. Nothing may throw out of an engine: an
     * exception is a violation (a remote crash in the daemon), and the node stays down for the rest of the run.
     */
    private void handle(SimNode node, Input input) {
        trace.record(scheduler.nowMs(), node.index(), describe(input));
        List<Effect> effects;
        try {
            effects = node.engine.handle(input);
        } catch (RuntimeException e) {
            checkers.fail("engine-threw", node.index(), describe(input) + ": " + e + " at "
                    + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
            node.failed = true;
            crash(node.index());
            return;
        }
        node.executor.execute(effects);
        if (node.isUp() && ++node.handled % BUDGET_CHECK_EVERY == 0) {
            checkBudget(node);
        }
    }

    /** The bytes an engine holds for messages stay within what the core's limits add up to. */
    private void checkBudget(SimNode node) {
        long held = node.engine.heldBytes();
        heldBytesMax = Math.max(heldBytesMax, held);
        long budget = node.engine.heldBytesBudget();
        if (held > budget) {
            checkers.fail("memory-budget", node.index(), "the engine holds " + held + " bytes for messages, over its"
                    + " budget of " + budget);
        }
    }

    /** Checks every up node's held bytes now (at phase ends). */
    public void checkBudgets() {
        for (SimNode n : nodes) {
            if (n.isUp()) {
                checkBudget(n);
            }
        }
    }

    /** The most bytes any engine held for messages at a check so far. */
    public long heldBytesMax() {
        return heldBytesMax;
    }

    /** From now on the network keeps the last frames it carried, for hostile nodes to replay. */
    public void captureFrames() {
        captureFrames = true;
    }

    /** One of the frames the network carried lately, picked by {@code random}; null if none was kept. */
    public Envelope recentFrame(SplittableRandom random) {
        return recentFrames.isEmpty() ? null : recentFrames.get(random.nextInt(recentFrames.size()));
    }

    /** Sends an envelope from node {@code from} to node {@code to} over the virtual network, as a node would. */
    public void inject(int from, int to, Envelope envelope) {
        send(nodes.get(from), new Effect.Send(nodes.get(to).id(), envelope));
    }

    /** Where one node's effects go: its store, the virtual network (through its adversary), timers, checkers. */
    private final class NodeIo implements EffectExecutor.Io {
        private final SimNode node;

        NodeIo(SimNode node) {
            this.node = node;
        }

        @Override
        public void write(WriteBatch batch, boolean sync) {
            node.store.write(batch, sync);
            trace.record(scheduler.nowMs(), node.index(), "persist " + batch.ops().size() + (sync ? " sync" : ""));
        }

        @Override
        public void send(NodeId to, Envelope envelope) {
            for (Effect.Send out : node.adversary.rewrite(node, new Effect.Send(to, envelope), Simulation.this)) {
                Simulation.this.send(node, out);
            }
        }

        @Override
        public void reply(long requestId, ClientResult result) {
            Map<Long, Consumer<ClientResult>> w = waiting.get(node.index());
            Consumer<ClientResult> c = w == null ? null : w.remove(requestId);
            if (c != null) {
                c.accept(result);
            }
        }

        @Override
        public void event(Event event) {
            if (node.twin) {
                return; // the liar's other story: not held to anything, and not counted by observers
            }
            checkers.onEvent(node, event);
            for (SimObserver o : observers) {
                o.onEvent(node, event);
            }
        }

        @Override
        public void timerSet(String key, long atMs) {
            long incarnation = node.incarnation;
            scheduler.at(atMs - clockOffsetMs[node.index()], () -> {
                if (node.isUp() && node.incarnation == incarnation && node.executor.timerAtMs(key) == atMs) {
                    node.executor.takeDueTimers(atMs);
                    handle(node, new Input.Tick(nodeNowMs(node.index())));
                }
            });
        }

        @Override
        public boolean carryOn(Effect done) {
            if (!node.isUp()) {
                return false;
            }
            if (crashPoint.crashAfter(node, done)) {
                crash(node.index());
                return false;
            }
            return true;
        }
    }

    private void send(SimNode from, Effect.Send s) {
        Integer first = indexOf.get(s.to());
        if (first == null) {
            return;
        }
        List<Integer> twins = twinsOf.get(s.to());
        if (twins == null) {
            send(from, s, first);
            return;
        }
        List<Integer> holders = new ArrayList<>(List.of(first));
        holders.addAll(twins);
        boolean sent = false;
        for (int to : holders) {
            if (network.linked(from.index(), to) && nodes.get(to).isUp()) {
                send(from, s, to);
                sent = true;
            }
        }
        if (!sent) {
            send(from, s, first); // lost on the way, as any frame to a node out of reach
        }
    }

    private void send(SimNode from, Effect.Send s, int to) {
        byte[] frame = s.envelope().toByteArray();
        trace.recordBytes(frame);
        if (captureFrames) {
            if (recentFrames.size() < RECENT_FRAMES_MAX) {
                recentFrames.add(s.envelope());
            } else {
                recentFrames.set(recentFramesNext, s.envelope());
                recentFramesNext = (recentFramesNext + 1) % RECENT_FRAMES_MAX;
            }
        }
        trace.record(scheduler.nowMs(), from.index(), "send n" + to + " " + frame.length + "B");
        network.send(from.index(), to, frame, f -> deliver(nodes.get(to), from, f));
    }

    private void deliver(SimNode to, SimNode from, byte[] frame) {
        if (!to.isUp()) {
            lostToDownNodes++;
            return;
        }
        VerifyResult r = verifier.open(frame);
        if (r instanceof Rejection rejection) {
            framesRejected++;
            trace.record(scheduler.nowMs(), to.index(), "reject " + rejection.reason().label());
            return;
        }
        handle(to, new Input.MessageIn(nodeNowMs(to.index()), from.id(), (Verified) r));
    }

    private static String describe(Input input) {
        if (input instanceof Input.MessageIn m) {
            return "in " + m.message().kind() + " from " + m.from().shortHex();
        } else if (input instanceof Input.Command c) {
            return "cmd " + c.request().getClass().getSimpleName();
        } else if (input instanceof Input.PeerConnected p) {
            return "link up " + p.peer().shortHex();
        }
        return "tick";
    }

    /** Ends the run: closes stores and the trace. */
    public void close() {
        for (SimNode n : nodes) {
            if (n.isUp()) {
                n.engine = null;
            }
        }
        stores.close();
        trace.close();
    }
}
