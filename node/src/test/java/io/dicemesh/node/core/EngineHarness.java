package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.invariants.Invariants;
import io.dicemesh.node.ledger.KvStore;
import io.dicemesh.node.ledger.StoreProvider;
import io.dicemesh.node.ledger.MemoryKvStore;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A few {@link NodeEngine}s wired together in one thread, for protocol tests (not the simulator): FIFO delivery of
 * every Send through {@link EnvelopeVerifier#open} on the serialized bytes, a virtual clock whose {@link #advance}
 * fires due timers, hooks to drop, hold or replace sends, crash and restart, and injection of envelopes signed by
 * anyone. Effects are carried out by the same {@link EffectExecutor} the daemon and the simulator use. Every event
 * every node emits goes through the shared {@link Invariants} (agreement, locks that never move, conservation, hash
 * chains, owner consent, atomicity across restarts): a violation fails the test at once, with the seed.
 */
final class EngineHarness implements AutoCloseable {
    /** Deliveries and timer firings in one pump before the harness declares a livelock. */
    static final int STEPS_MAX = 200_000;

    /** One send between nodes (from and to are node indexes; -1 for an identity that is not a harness node). */
    record Msg(int from, int to, Envelope envelope, Body body) {
        Body.KindCase kind() {
            return body.getKindCase();
        }
    }

    /** One handled input and the effects it produced, in order. */
    record Output(Input input, List<Effect> effects) {
    }

    static final class Node {
        final int index;
        final Identity identity;
        KvStore store;
        NodeEngine engine;
        /** A puppet has no engine: the test speaks for it, and what is sent to it lands in its inbox. */
        boolean puppet;
        /** Carries out this node's effects exactly as the daemon and the simulator do; holds its timers. */
        EffectExecutor executor;
        final List<Output> outputs = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        final Map<Long, ClientResult> replies = new TreeMap<>();
        final List<Msg> inbox = new ArrayList<>();
        /** Crashes, restarts, votes and commits of this node with their times, for failure messages. */
        final List<String> history = new ArrayList<>();
        long nextRequestId = 1;
        int restarts;

        Node(int index, Identity identity) {
            this.index = index;
            this.identity = identity;
        }

        NodeId id() {
            return identity.nodeId();
        }

        boolean isUp() {
            return engine != null;
        }
    }

    private final long seed;
    private final EngineConfig config;
    private final StoreProvider stores;
    /** Ed25519 for every engine here, counting its signature checks. */
    private final CountingScheme scheme = new CountingScheme();
    private final EnvelopeVerifier verifier = new EnvelopeVerifier(scheme);
    private final List<Node> nodes = new ArrayList<>();
    private final Map<NodeId, Integer> indexOf = new HashMap<>();
    private final ArrayDeque<Msg> queue = new ArrayDeque<>();
    private final List<Msg> sent = new ArrayList<>();
    private final List<Msg> held = new ArrayList<>();
    private final List<Predicate<Msg>> drops = new ArrayList<>();
    private final List<Predicate<Msg>> holds = new ArrayList<>();
    private final List<Predicate<Msg>> duplicates = new ArrayList<>();
    private final List<Map.Entry<Predicate<Msg>, UnaryOperator<Envelope>>> replacements = new ArrayList<>();
    private final Map<Integer, Map<TableId, Map<Long, ByteString>>> voted = new HashMap<>();
    private final Invariants invariants;
    private long nowMs;
    private int rejectedFrames;

    /** Signature checks the engines (and this harness, opening frames) made so far. */
    long verifications() {
        return scheme.verifications();
    }

    EngineHarness(int nodeCount, long seed) {
        this(nodeCount, seed, EngineConfig.defaults(), StoreProvider.memory());
    }

    EngineHarness(int nodeCount, long seed, EngineConfig config, StoreProvider stores) {
        this.invariants = new Invariants(new EnvelopeVerifier(), (invariant, node, message) -> {
            throw new AssertionError(invariant + " broken at node " + nodeIndex(node) + ": " + message + " (seed "
                    + seed + ")");
        });
        this.seed = seed;
        this.config = config;
        this.stores = stores;
        for (int i = 0; i < nodeCount; i++) {
            Node n = new Node(i, Wire.identity("node" + i));
            n.store = stores.open(i);
            n.engine = new NodeEngine(n.identity, config, verifier, n.store, randomSource(i, 0));
            n.executor = new EffectExecutor(new NodeIo(n));
            nodes.add(n);
            indexOf.put(n.id(), i);
        }
    }

    private SplittableRandom randomFor(int node, int incarnation) {
        return new SplittableRandom(seed * 1_000_003L + node * 7919L + incarnation);
    }

    private RandomSource randomSource(int node, int incarnation) {
        SplittableRandom r = randomFor(node, incarnation);
        return r::nextBytes;
    }

    // ------------------------------------------------------------------ reads

    int size() {
        return nodes.size();
    }

    Node node(int i) {
        return nodes.get(i);
    }

    NodeEngine engine(int i) {
        Node n = nodes.get(i);
        if (n.engine == null) {
            throw new IllegalStateException("node " + i + " is down or a puppet");
        }
        return n.engine;
    }

    Identity identity(int i) {
        return nodes.get(i).identity;
    }

    /** The harness's virtual time. */
    long nowMs() {
        return nowMs;
    }

    NodeId id(int i) {
        return nodes.get(i).id();
    }

    /** The harness index of a node id (-1 for an identity that is not a harness node). */
    int nodeIndex(NodeId id) {
        return indexOf.getOrDefault(id, -1);
    }

    List<NodeId> ids(int... indexes) {
        List<NodeId> out = new ArrayList<>();
        for (int i : indexes) {
            out.add(id(i));
        }
        return out;
    }

    KvStore store(int i) {
        return nodes.get(i).store;
    }

    TableState state(int i, TableId table) {
        return engine(i).tableState(table).orElseThrow(() -> new AssertionError("node " + i + " has no table "
                + table));
    }

    /** Every send so far (before drop, hold or replace hooks), in order. */
    List<Msg> sent() {
        return Collections.unmodifiableList(sent);
    }

    List<Msg> sent(Predicate<Msg> which) {
        return sent.stream().filter(which).toList();
    }

    List<Output> outputs(int i) {
        return Collections.unmodifiableList(nodes.get(i).outputs);
    }

    List<Event> events(int i) {
        return Collections.unmodifiableList(nodes.get(i).events);
    }

    <E extends Event> List<E> events(int i, Class<E> type) {
        return nodes.get(i).events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    ClientResult reply(int i, long requestId) {
        return nodes.get(i).replies.get(requestId);
    }

    List<String> history(int i) {
        return Collections.unmodifiableList(nodes.get(i).history);
    }

    List<Msg> inbox(int i) {
        return Collections.unmodifiableList(nodes.get(i).inbox);
    }

    int rejectedFrames() {
        return rejectedFrames;
    }

    // ------------------------------------------------------------------ hooks on sends

    void dropIf(Predicate<Msg> which) {
        drops.add(which);
    }

    void holdIf(Predicate<Msg> which) {
        holds.add(which);
    }

    /** Delivers each matching send twice, back to back. */
    void duplicateIf(Predicate<Msg> which) {
        duplicates.add(which);
    }

    void replaceIf(Predicate<Msg> which, UnaryOperator<Envelope> with) {
        replacements.add(Map.entry(which, with));
    }

    void clearHooks() {
        drops.clear();
        holds.clear();
        duplicates.clear();
        replacements.clear();
    }

    /** Puts every held send back in the queue (in the order held); the hooks stay as they are. */
    void releaseHeld() {
        queue.addAll(held);
        held.clear();
    }

    static Predicate<Msg> kind(Body.KindCase kind) {
        return m -> m.kind() == kind;
    }

    // ------------------------------------------------------------------ driving

    /** Runs a client command at node {@code i}; returns its request id (see {@link #reply}). */
    long command(int i, ClientRequest request) {
        Node n = nodes.get(i);
        long id = n.nextRequestId++;
        handle(n, new Input.Command(nowMs, id, request));
        return id;
    }

    /** Runs a command and delivers everything that follows until the network is quiet; returns the reply. */
    ClientResult commandAndPump(int i, ClientRequest request) {
        long id = command(i, request);
        pump();
        return reply(i, id);
    }

    /** Signs {@code body} as {@code signer} and hands it to node {@code to} as if it arrived from the signer. */
    List<Effect> inject(int to, Identity signer, Body body) {
        return inject(to, Signatures.seal(signer, body));
    }

    /**
     * Hands an envelope to node {@code to} after checking its bytes as a driver would (a forged envelope is
     * rejected here and never reaches the engine: the result is then empty). Returns the engine's effects, which
     * are carried out (sends are queued, not delivered: call {@link #pump}).
     */
    List<Effect> inject(int to, Envelope envelope) {
        return injectVia(to, null, envelope);
    }

    /**
     * As {@link #inject(int, Envelope)}, but delivered on the channel of {@code channelPeer} (a relay, or a replay
     * by someone who is not the signer); null: the signer's own channel.
     */
    List<Effect> injectVia(int to, NodeId channelPeer, Envelope envelope) {
        VerifyResult r = verifier.open(envelope.toByteArray());
        if (!(r instanceof Verified v)) {
            rejectedFrames++;
            return List.of();
        }
        Node n = nodes.get(to);
        return handle(n, new Input.MessageIn(nowMs, channelPeer == null ? v.sender() : channelPeer, v));
    }

    /** Delivers queued sends, FIFO, until none is left (timers do not fire: see {@link #advance}). */
    void pump() {
        for (int steps = 0; !queue.isEmpty(); steps++) {
            if (steps >= STEPS_MAX) {
                throw new AssertionError("no quiet network after " + STEPS_MAX + " deliveries (seed " + seed + ")");
            }
            deliver(queue.poll());
        }
    }

    /** Moves the clock forward by {@code ms}, firing every timer that falls due on the way (and pumping). */
    void advance(long ms) {
        long target = nowMs + ms;
        pump();
        for (int steps = 0; ; steps++) {
            if (steps >= STEPS_MAX) {
                throw new AssertionError("timers keep firing at " + nowMs + " ms (seed " + seed + ")");
            }
            Node due = null;
            long dueAt = Long.MAX_VALUE;
            for (Node n : nodes) {
                if (!n.isUp()) {
                    continue;
                }
                long at = n.executor.nextTimerMs();
                if (at >= 0 && at <= target && at < dueAt) {
                    due = n;
                    dueAt = at;
                }
            }
            if (due == null) {
                break;
            }
            nowMs = Math.max(nowMs, dueAt);
            due.executor.takeDueTimers(dueAt);
            handle(due, new Input.Tick(nowMs));
            pump();
        }
        nowMs = Math.max(nowMs, target);
    }

    /** Pumps and advances the clock 10 ms at a time until {@code done} holds; false if {@code maxMs} passed first. */
    boolean runUntil(BooleanSupplier done, long maxMs) {
        long deadline = nowMs + maxMs;
        pump();
        while (!done.getAsBoolean()) {
            if (nowMs >= deadline) {
                return false;
            }
            advance(Math.min(10, deadline - nowMs));
        }
        return true;
    }

    // ------------------------------------------------------------------ crashes and puppets

    /** The node dies: its engine and timers vanish, its store keeps what a crash keeps (synced writes). */
    void crash(int i) {
        Node n = nodes.get(i);
        if (!n.isUp()) {
            throw new IllegalStateException("node " + i + " is already down");
        }
        n.engine = null;
        n.executor.clearTimers();
        stores.crash(i, n.store);
        n.history.add("crash@" + nowMs);
    }

    /**
     * Like {@link #crash} on an in-memory store, but the first {@code keep} unsynced writes reached the disk (a
     * write-ahead log recovers a prefix of the writes); at most as many as there are.
     */
    void crashKeeping(int i, int keep) {
        Node n = nodes.get(i);
        MemoryKvStore m = (MemoryKvStore) n.store;
        n.engine = null;
        n.executor.clearTimers();
        m.crashKeeping(Math.min(keep, m.unsyncedWrites()));
        n.history.add("crash keeping " + keep + "@" + nowMs);
    }

    /** Rebuilds the node from its store with {@link NodeEngine#restore} and gives it a first tick. */
    void restart(int i) {
        Node n = nodes.get(i);
        if (n.isUp() || n.puppet) {
            throw new IllegalStateException("node " + i + " is up or a puppet");
        }
        n.restarts++;
        n.history.add("restart@" + nowMs);
        n.store = stores.open(i);
        n.engine = NodeEngine.restore(n.identity, config, verifier, n.store, randomSource(i, n.restarts));
        invariants.onRestart(n.id(), n.engine, n.store);
        handle(n, new Input.Tick(nowMs));
    }

    /** Tells node {@code i} that its link to node {@code peer} came up, as the daemon's transport does. */
    void linkUp(int i, int peer) {
        handle(nodes.get(i), new Input.PeerConnected(nowMs, id(peer)));
    }

    /** From now on node {@code i} has no engine: the test speaks for it and reads what it is sent in its inbox. */
    void makePuppet(int i) {
        Node n = nodes.get(i);
        n.engine = null;
        n.executor.clearTimers();
        n.puppet = true;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.engine = null;
        }
        stores.close();
    }

    // ------------------------------------------------------------------ tables

    /** Creates a table of the given nodes at the first of them, equal stacks, and delivers until all started it. */
    TableId createTable(List<Integer> players, long stack, long bank, TableRules rules) {
        List<NodeId> ids = new ArrayList<>();
        for (int p : players) {
            ids.add(id(p));
        }
        ClientResult r = commandAndPump(players.get(0), new ClientRequest.CreateTable(ids,
                Collections.nCopies(players.size(), stack), bank, rules));
        if (!(r instanceof ClientResult.TableCreated created)) {
            throw new AssertionError("table not created: " + r);
        }
        for (int p : players) {
            Node n = nodes.get(p);
            if (n.isUp() && !n.engine.tableIds().contains(created.table())) {
                throw new AssertionError("node " + p + " did not start table " + created.table());
            }
        }
        return created.table();
    }

    // ------------------------------------------------------------------ the loop

    private List<Effect> handle(Node n, Input input) {
        if (!n.isUp()) {
            throw new IllegalStateException("node " + n.index + " is down or a puppet");
        }
        List<Effect> effects = n.engine.handle(input);
        n.outputs.add(new Output(input, effects));
        n.executor.execute(effects);
        return effects;
    }

    /** Where one node's effects go: its store, the harness's queue (through the hooks), replies, the checks. */
    private final class NodeIo implements EffectExecutor.Io {
        private final Node n;

        NodeIo(Node n) {
            this.n = n;
        }

        @Override
        public void write(io.dicemesh.node.ledger.WriteBatch batch, boolean sync) {
            n.store.write(batch, sync);
        }

        @Override
        public void send(NodeId to, Envelope envelope) {
            EngineHarness.this.send(n, new Effect.Send(to, envelope));
        }

        @Override
        public void reply(long requestId, ClientResult result) {
            ClientResult earlier = n.replies.put(requestId, result);
            if (earlier != null) { // a client gets one answer: a second one is a bug (a batch answered per bet)
                throw new AssertionError("request " + requestId + " answered twice: " + earlier + ", then " + result);
            }
        }

        @Override
        public void event(Event event) {
            n.events.add(event);
            check(n, event);
        }

        @Override
        public boolean carryOn(Effect done) {
            return n.isUp();
        }
    }

    private void send(Node from, Effect.Send s) {
        Integer to = indexOf.get(s.to());
        Envelope env = s.envelope();
        Msg m = new Msg(from.index, to == null ? -1 : to, env, bodyOf(env));
        sent.add(m);
        for (Map.Entry<Predicate<Msg>, UnaryOperator<Envelope>> r : replacements) {
            if (r.getKey().test(m)) {
                env = r.getValue().apply(env);
                m = new Msg(m.from(), m.to(), env, bodyOf(env));
            }
        }
        if (m.to() < 0) {
            return;
        }
        for (Predicate<Msg> d : drops) {
            if (d.test(m)) {
                return;
            }
        }
        for (Predicate<Msg> h : holds) {
            if (h.test(m)) {
                held.add(m);
                return;
            }
        }
        queue.add(m);
        for (Predicate<Msg> d : duplicates) {
            if (d.test(m)) {
                queue.add(m);
                return;
            }
        }
    }

    private static Body bodyOf(Envelope env) {
        try {
            return Body.parseFrom(env.getBody());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Body.getDefaultInstance();
        }
    }

    private void deliver(Msg m) {
        Node to = nodes.get(m.to());
        if (to.puppet) {
            to.inbox.add(m);
            return;
        }
        if (!to.isUp()) {
            return; // lost, as a message to a dead process is
        }
        VerifyResult r = verifier.open(m.envelope().toByteArray());
        if (!(r instanceof Verified v)) {
            rejectedFrames++;
            return;
        }
        handle(to, new Input.MessageIn(nowMs, nodes.get(m.from()).id(), v));
    }

    /**
     * The shared invariants (agreement, locks that never move, conservation, hash chains, owner consent,
     * atomicity) on every event every node emits, failing the test at the first violation; plus the record of
     * votes and commits the tests query.
     */
    private void check(Node n, Event e) {
        invariants.onEvent(n.id(), e);
        if (e instanceof Event.SlotCommitted c) {
            n.history.add("commit " + c.seq() + "@" + nowMs);
        } else if (e instanceof Event.Voted v) {
            n.history.add("vote " + v.seq() + "/" + v.view() + "@" + nowMs);
            voted.computeIfAbsent(n.index, i -> new HashMap<>()).computeIfAbsent(v.table(), t -> new HashMap<>())
                    .putIfAbsent(v.seq(), v.txHash());
        }
    }

    static void checkConservation(TableState s) {
        String problem = io.dicemesh.node.invariants.Conservation.problem(s);
        if (problem != null) {
            throw new AssertionError(problem);
        }
    }

    /** The tx hash node {@code i} voted for at (table, seq), if it voted (as its Voted events say). */
    ByteString votedFor(int i, TableId table, long seq) {
        return voted.getOrDefault(i, Map.of()).getOrDefault(table, Map.of()).get(seq);
    }

    /** The tx hash committed at (table, seq) by any node, if any. */
    ByteString committedAt(TableId table, long seq) {
        return invariants.agreement().committedAt(table, seq);
    }
}
