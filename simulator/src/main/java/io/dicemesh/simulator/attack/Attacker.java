package io.dicemesh.simulator.attack;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.net.MeshSocket;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.GenesisAccept;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.PeerList;
import io.dicemesh.protocol.PeerRecord;
import io.dicemesh.protocol.Ping;
import io.dicemesh.protocol.Seat;
import io.dicemesh.protocol.TableInvite;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.WireLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one {@link Attack} against node 0 until told to stop. Every loop is bounded in count (at most
 * {@link #ACTIONS_MAX} connections or frames) and in time (it ends at {@link #stop}); the attacker shares this
 * machine's two cores with the daemons, so the floods are paced, not unbounded.
 */
final class Attacker {
    static final long ACTIONS_MAX = 2_000_000;
    static final int SILENT_CONNECTIONS = 2_000;
    static final int IDLE_STRANGERS = 300;
    /** Threads opening the idle strangers (each handshake costs the attacker a key, a certificate and TLS). */
    static final int IDLE_THREADS = 4;
    static final int SOCKET_TIMEOUT_MS = 5_000;
    /** Garbage frames the hostile player sends node 0 per second. */
    static final int HOSTILE_FRAMES_PER_SECOND = 1_000;

    /** Where the attack goes. */
    /** @param seated the nodes the hostile player sits with (node 0 first), and their mesh addresses */
    record Target(InetSocketAddress node0, NodeId node0Id, InetSocketAddress node1, List<NodeId> seated,
            List<InetSocketAddress> seatedAddresses) {
    }

    /** What the attack did and saw. */
    static final class Counters {
        final AtomicLong connections = new AtomicLong();
        final AtomicLong frames = new AtomicLong();
        /** Connections the node closed (or refused to open). */
        final AtomicLong closedByNode = new AtomicLong();
        /** Relayed connections the node bound: must stay 0. */
        final AtomicLong boundAsAnother = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicInteger peakOpen = new AtomicInteger();
    }

    private final Attack attack;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Counters counters = new Counters();
    private final Random random = new Random(11);
    private final List<Thread> threads = new ArrayList<>();
    private int nextSource;
    private volatile String hostileTable;
    private volatile PreparedSeat seat;
    private volatile String hostileEnd;

    private final java.util.concurrent.ConcurrentLinkedQueue<MeshSocket.Credentials> prepared =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile Target target;

    Attacker(Attack attack) {
        this.attack = attack;
    }

    /** Makes ahead the strangers' keys and certificates the attack will use. */
    Attacker prepare() {
        int n = switch (attack) {
            case IDLE_STRANGERS -> 2 * IDLE_STRANGERS;
            case JUNK_FRAMES, SLOWLORIS -> 400;
            default -> 0;
        };
        for (int i = 0; i < n; i++) {
            prepared.add(MeshSocket.credentials(Identity.generate(new SecureRandom())));
        }
        return this;
    }

    Counters counters() {
        return counters;
    }

    /** The table the hostile player seated itself at (hex id), or null. */
    String hostileTable() {
        return hostileTable;
    }

    void start(Target at) {
        this.target = at;
        switch (attack) {
            case SILENT_CONNECTIONS -> spawn(this::silentConnections);
            case IDLE_STRANGERS -> {
                for (int i = 0; i < IDLE_THREADS; i++) {
                    spawn(this::idleStrangers);
                }
            }
            case JUNK_FRAMES -> spawn(this::junkFrames);
            case SLOWLORIS -> spawn(this::slowloris);
            case RELAY -> spawn(this::relay);
            case PING_FLOOD -> {
                for (int i = 0; i < 4; i++) {
                    spawn(this::pingFlood);
                }
            }
            case PEER_LIST_FLOOD -> {
                for (int i = 0; i < 2; i++) {
                    spawn(this::peerListFlood);
                }
            }
            case INVITE_FLOOD -> spawn(this::inviteFlood);
            case HOSTILE_PLAYER -> spawn(this::hostilePlayer);
        }
    }

    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    private interface Body_ {
        void run() throws Exception;
    }

    private void spawn(Body_ body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                if (!stop.get()) {
                    counters.failures.incrementAndGet();
                }
            }
        }, "attack-" + attack.label() + "-" + threads.size());
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private boolean going(long actions) {
        return !stop.get() && actions < ACTIONS_MAX;
    }

    /** A source address across 127.0.0.0/8 other than 127.0.0.1: as if from many hosts. */
    private synchronized InetAddress nextSource() throws IOException {
        int i = nextSource++ % 60_000;
        return InetAddress.getByAddress(new byte[] {127, (byte) (10 + i / 60_000), (byte) (i / 250 % 250),
                (byte) (i % 250 + 1)});
    }

    private SocketChannel plainConnection() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.bind(new InetSocketAddress(nextSource(), 0));
            ch.connect(target.node0());
            counters.connections.incrementAndGet();
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * A stranger with a fresh key. The keys and certificates are made before the attack starts (see
     * {@link #prepare}): on this 2-core machine the attacker's own key making would otherwise be measured as the
     * attack's cost to the node.
     */
    private MeshSocket stranger() throws IOException {
        MeshSocket.Credentials c = prepared.poll();
        if (c == null) {
            c = MeshSocket.credentials(Identity.generate(new SecureRandom()));
        }
        MeshSocket s = MeshSocket.connect(nextSource(), target.node0(), c, SOCKET_TIMEOUT_MS);
        counters.connections.incrementAndGet();
        return s;
    }

    /** True when the node closed the channel (a read sees the end); never blocks. */
    private static boolean closed(SocketChannel ch) {
        try {
            ch.configureBlocking(false);
            ByteBuffer sink = ByteBuffer.allocate(4096);
            int n;
            while ((n = ch.read(sink)) > 0) {
                sink.clear();
            }
            return n < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private void silentConnections() throws Exception {
        List<SocketChannel> open = new ArrayList<>();
        long opened = 0;
        try {
            while (going(opened)) {
                while (open.size() < SILENT_CONNECTIONS && going(opened)) {
                    try {
                        open.add(plainConnection());
                        opened++;
                    } catch (IOException refused) {
                        counters.closedByNode.incrementAndGet();
                        break;
                    }
                }
                counters.peakOpen.accumulateAndGet(open.size(), Math::max);
                sleep(200);
                for (Iterator<SocketChannel> it = open.iterator(); it.hasNext(); ) {
                    SocketChannel ch = it.next();
                    if (closed(ch)) {
                        counters.closedByNode.incrementAndGet();
                        ch.close();
                        it.remove();
                    }
                }
            }
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
    }

    private final AtomicInteger idleOpen = new AtomicInteger();

    private void idleStrangers() throws Exception {
        List<NodeLink> open = new ArrayList<>();
        long opened = 0;
        int lastCounted = 0;
        try {
            while (going(opened)) {
                while (open.size() < IDLE_STRANGERS / IDLE_THREADS && going(opened)) {
                    try {
                        open.add(NodeLink.of(stranger()));
                        opened++;
                    } catch (IOException refused) {
                        counters.closedByNode.incrementAndGet();
                        break;
                    }
                }
                idleOpen.addAndGet(open.size() - lastCounted);
                lastCounted = open.size();
                counters.peakOpen.accumulateAndGet(idleOpen.get(), Math::max);
                sleep(500);
                for (Iterator<NodeLink> it = open.iterator(); it.hasNext(); ) {
                    NodeLink l = it.next();
                    if (l.ended() != null) {
                        counters.closedByNode.incrementAndGet();
                        l.close();
                        it.remove();
                    }
                }
            }
        } finally {
            for (NodeLink l : open) {
                l.close();
            }
        }
    }

    private void junkFrames() throws Exception {
        long n = 0;
        while (going(n)) {
            int kind = (int) (n++ % 3);
            try {
                if (kind == 0) {
                    try (SocketChannel ch = plainConnection()) {
                        byte[] junk = new byte[1 + random.nextInt(8192)];
                        random.nextBytes(junk);
                        ch.write(ByteBuffer.wrap(junk));
                        counters.frames.incrementAndGet();
                        awaitClose(ch);
                    }
                } else {
                    try (NodeLink l = NodeLink.of(stranger())) {
                        byte[] frame;
                        if (kind == 1) {
                            frame = new byte[] {0x7f, 0, 0, 0, 1, 2, 3}; // announces 2 GiB
                        } else {
                            frame = new byte[4 + 64];
                            frame[3] = 64;
                            byte[] junk = new byte[64];
                            random.nextBytes(junk);
                            System.arraycopy(junk, 0, frame, 4, 64);
                        }
                        l.socket().sendRaw(frame);
                        counters.frames.incrementAndGet();
                        if (l.awaitEnd(SOCKET_TIMEOUT_MS)) {
                            counters.closedByNode.incrementAndGet();
                        }
                    }
                }
            } catch (IOException e) {
                counters.closedByNode.incrementAndGet();
            }
            sleep(10);
        }
    }

    private void awaitClose(SocketChannel ch) throws IOException {
        long deadline = System.nanoTime() + SOCKET_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline && !stop.get()) {
            if (closed(ch)) {
                counters.closedByNode.incrementAndGet();
                return;
            }
            sleep(5);
        }
    }

    private void slowloris() throws Exception {
        List<SocketChannel> trickling = new ArrayList<>();
        List<NodeLink> framing = new ArrayList<>();
        long opened = 0;
        // A TLS record header and the start of a ClientHello, then noise: never a whole handshake message.
        byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try {
            while (going(opened)) {
                while (trickling.size() < 64 && going(opened)) {
                    try {
                        trickling.add(plainConnection());
                        opened++;
                    } catch (IOException e) {
                        counters.closedByNode.incrementAndGet();
                        break;
                    }
                }
                while (framing.size() < 32 && going(opened)) {
                    try {
                        NodeLink l = NodeLink.of(stranger());
                        framing.add(l);
                        l.socket().sendRaw(new byte[] {0, 0x0f, 0, 0}); // a 1 MiB frame announced, to trickle
                        opened++;
                    } catch (IOException e) {
                        counters.closedByNode.incrementAndGet();
                        break;
                    }
                }
                counters.peakOpen.accumulateAndGet(trickling.size() + framing.size(), Math::max);
                for (Iterator<SocketChannel> it = trickling.iterator(); it.hasNext(); ) {
                    SocketChannel ch = it.next();
                    boolean gone = closed(ch);
                    if (!gone) {
                        try {
                            ch.write(ByteBuffer.wrap(new byte[] {hello[random.nextInt(hello.length)]}));
                            counters.frames.incrementAndGet();
                        } catch (IOException e) {
                            gone = true;
                        }
                    }
                    if (gone) {
                        counters.closedByNode.incrementAndGet();
                        ch.close();
                        it.remove();
                    }
                }
                for (Iterator<NodeLink> it = framing.iterator(); it.hasNext(); ) {
                    NodeLink l = it.next();
                    boolean gone = l.ended() != null;
                    if (!gone) {
                        try {
                            l.socket().sendRaw(new byte[] {(byte) random.nextInt()});
                            counters.frames.incrementAndGet();
                        } catch (IOException e) {
                            gone = true;
                        }
                    }
                    if (gone) {
                        counters.closedByNode.incrementAndGet();
                        l.close();
                        it.remove();
                    }
                }
                sleep(500);
            }
        } finally {
            for (SocketChannel ch : trickling) {
                ch.close();
            }
            for (NodeLink l : framing) {
                l.close();
            }
        }
    }

    private void relay() throws Exception {
        long n = 0;
        while (going(n++)) {
            java.security.cert.X509Certificate node1Cert;
            try (MeshSocket toNode1 = MeshSocket.connect(target.node1(), Identity.generate(new SecureRandom()),
                    SOCKET_TIMEOUT_MS)) {
                node1Cert = toNode1.peerCertificate();
            }
            try (MeshSocket relayed = MeshSocket.connectWithBorrowedHello(target.node0(), node1Cert,
                    SOCKET_TIMEOUT_MS)) {
                counters.connections.incrementAndGet();
                relayed.setSoTimeout(2_000);
                relayed.readFrame();
                counters.boundAsAnother.incrementAndGet(); // the node sent a frame: it bound the relay as node 1
            } catch (IOException refused) {
                counters.closedByNode.incrementAndGet();
            }
            sleep(50);
        }
    }

    /** Floods validly signed Pings, pre-signed (so the attacker's CPU goes to sending), at most 2,500 a second. */
    private void pingFlood() throws Exception {
        Identity self = Identity.generate(new SecureRandom());
        List<byte[]> pings = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            pings.add(frame(Signatures.seal(self, Body.newBuilder().setPing(Ping.newBuilder().setNonce(i + 1)
                    .setSentAtMs(System.currentTimeMillis())).build())));
        }
        flood(self, i -> pings.get((int) (i % pings.size())), 2_500);
    }

    /** Lists of 256 fresh records (new seen_at each time, so none is a cheap replay), 10 lists a second. */
    private void peerListFlood() throws Exception {
        Identity self = Identity.generate(new SecureRandom());
        List<Identity> fakes = new ArrayList<>();
        for (int i = 0; i < WireLimits.PEERS_PER_LIST_MAX; i++) {
            fakes.add(Identity.generate(new SecureRandom()));
        }
        long[] seenAt = {System.currentTimeMillis() - 600_000};
        flood(self, i -> {
            PeerList.Builder list = PeerList.newBuilder();
            seenAt[0]++;
            for (int k = 0; k < fakes.size(); k++) {
                list.addPeers(Signatures.seal(fakes.get(k), Body.newBuilder().setPeerRecord(PeerRecord.newBuilder()
                        .setNodeId(fakes.get(k).nodeId().byteString()).setAddr("198.18." + k / 250 + "." + (k % 250 + 1)
                                + ":7000").setSeenAtMs(seenAt[0])).build()));
            }
            return frame(Signatures.seal(self, Body.newBuilder().setPeerList(list).build()));
        }, 10);
    }

    /** Invites to ever new tables (fresh salt) seating the stranger and node 0, 200 a second. */
    private void inviteFlood() throws Exception {
        Identity self = Identity.generate(new SecureRandom());
        SecureRandom salts = new SecureRandom();
        flood(self, i -> frame(invite(self, List.of(self.nodeId(), target.node0Id()), salts)), 200);
    }

    private interface FrameSource {
        byte[] frame(long i) throws Exception;
    }

    /** One stranger connection sending frames at up to {@code perSecond}; reconnects when the node hangs up. */
    private void flood(Identity self, FrameSource frames, int perSecond) throws Exception {
        long i = 0;
        long intervalNs = 1_000_000_000L / perSecond;
        while (going(i)) {
            try (NodeLink l = NodeLink.of(MeshSocket.connect(nextSource(), target.node0(), self,
                    SOCKET_TIMEOUT_MS))) {
                counters.connections.incrementAndGet();
                long next = System.nanoTime();
                while (going(i)) {
                    l.socket().sendRaw(frames.frame(i++));
                    counters.frames.incrementAndGet();
                    if (l.ended() != null) {
                        throw new IOException("closed by the node: " + l.ended());
                    }
                    next += intervalNs;
                    long waitNs = next - System.nanoTime();
                    if (waitNs > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(waitNs);
                    }
                }
            } catch (IOException e) {
                counters.closedByNode.incrementAndGet();
                sleep(100);
            }
        }
    }

    /**
     * Signs ahead everything the hostile player will send, once the nodes it sits with are known: its invite, its
     * accept and {@code frames} frames of garbage (the player replays them from the start if the attack outlasts
     * them). A real attacker signs on its own machine; here signing 1,000 frames a second on the fly took about a
     * third of one of the two cores the daemons share, and that was measured as the attack's cost to the table.
     */
    Attacker prepareSeat(List<NodeId> seated, int frames) {
        Identity self = Identity.generate(new SecureRandom());
        List<NodeId> players = new ArrayList<>(seated);
        players.add(self.nodeId());
        Envelope invite = invite(self, players, new SecureRandom());
        ByteString genesis = genesisOf(invite);
        ByteString tableId = ByteString.copyFrom(Sha256.hash(genesis.toByteArray()));
        Envelope accept = Signatures.seal(self, Body.newBuilder().setGenesisAccept(GenesisAccept.newBuilder()
                .setTableId(tableId)).build());
        List<byte[]> garbage = new ArrayList<>(frames);
        for (int i = 0; i < frames; i++) {
            garbage.add(frame(Signatures.seal(self, Garbage.tableMessage(random, tableId,
                    self.nodeId().byteString()))));
        }
        seat = new PreparedSeat(self, invite, accept, io.dicemesh.node.core.TableId.of(tableId.toByteArray()).hex(),
                garbage);
        return this;
    }

    /** What {@link #prepareSeat} signed for the hostile player. */
    private record PreparedSeat(Identity self, Envelope invite, Envelope accept, String tableHex, List<byte[]> garbage) {
    }

    private static ByteString genesisOf(Envelope invite) {
        try {
            return Body.parseFrom(invite.getBody()).getTableInvite().getGenesis();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("the hostile player's own invite does not parse", e);
        }
    }

    /**
     * Seats itself at a table with nodes 0-2 (they accept invites on their own here), then sends node 0 validly
     * signed garbage of every table kind for that table, {@link #HOSTILE_FRAMES_PER_SECOND} frames a second, all
     * signed ahead by {@link #prepareSeat}. Each link has a reader of its own (what the nodes send is read whole and
     * dropped, so a node's replies never back up and a close is seen as one); a link a node closes is opened again,
     * at most {@link #HOSTILE_RELINKS_MAX} times, as a real player would, so the attack lasts the whole window.
     */
    private void hostilePlayer() throws Exception {
        PreparedSeat s0 = seat;
        if (s0 == null) {
            throw new IllegalStateException("the hostile player's frames were not prepared (prepareSeat)");
        }
        hostileTable = s0.tableHex();
        List<InetSocketAddress> nodes = target.seatedAddresses();
        NodeLink[] links = new NodeLink[nodes.size()];
        int relinks = 0;
        try {
            for (int n = 0; n < nodes.size(); n++) {
                links[n] = hostileLink(nodes.get(n), s0, true);
            }
            List<byte[]> garbage = s0.garbage();
            long i = 0;
            long next = System.nanoTime();
            long intervalNs = 1_000_000_000L / HOSTILE_FRAMES_PER_SECOND;
            while (going(i)) {
                try {
                    links[0].socket().sendRaw(garbage.get((int) (i % garbage.size())));
                    counters.frames.incrementAndGet();
                } catch (IOException e) {
                    links[0].ended(e);
                }
                if (++i % 64 == 0) {
                    for (int n = 0; n < links.length; n++) {
                        String why = links[n].ended();
                        if (why == null) {
                            continue;
                        }
                        if (!links[n].counted) {
                            links[n].counted = true;
                            counters.closedByNode.incrementAndGet();
                            if (hostileEnd == null) {
                                hostileEnd = "node" + n + " first ended its link after " + counters.frames.get()
                                        + " frames: " + why;
                            }
                            links[n].close();
                        }
                        if (++relinks > HOSTILE_RELINKS_MAX) {
                            throw new IOException("it tried to open its links again " + relinks + " times");
                        }
                        try {
                            links[n] = hostileLink(nodes.get(n), s0, false);
                        } catch (IOException down) {
                            // the node is down (node 2 restarts under attack): try again at the next check
                        }
                    }
                    if (i % 1024 == 0) { // a seated player re-sends its accept now and then, as peers may ask
                        for (NodeLink l : links) {
                            try {
                                l.socket().send(s0.accept());
                            } catch (IOException e) {
                                l.ended(e);
                            }
                        }
                    }
                }
                next += intervalNs;
                long waitNs = next - System.nanoTime();
                if (waitNs > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(waitNs);
                }
            }
        } catch (IOException e) {
            counters.closedByNode.incrementAndGet();
            hostileEnd = (hostileEnd == null ? "" : hostileEnd + "; then ") + "it stopped: " + e.getMessage();
        } finally {
            for (NodeLink l : links) {
                if (l != null) {
                    l.close();
                }
            }
        }
    }

    /** Times the hostile player tries to open a link a node ended again, at most (one try per 64 frames). */
    static final int HOSTILE_RELINKS_MAX = 1_000;

    private NodeLink hostileLink(InetSocketAddress node, PreparedSeat s0, boolean invite) throws IOException {
        NodeLink link = NodeLink.of(MeshSocket.connect(nextSource(), node, s0.self(), SOCKET_TIMEOUT_MS));
        counters.connections.incrementAndGet();
        try {
            if (invite) {
                link.socket().send(s0.invite());
            }
            link.socket().send(s0.accept());
            return link;
        } catch (IOException e) {
            link.close();
            throw e;
        }
    }

    /** How the hostile player's attack ended before it was told to stop, or null. */
    String hostileEnd() {
        return hostileEnd;
    }

    private static Envelope invite(Identity creator, List<NodeId> players, SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        Genesis.Builder g = Genesis.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION).setBank(1_000_000)
                .setRules(TableRules.newBuilder().setMinBet(5).setMaxBet(500).setOdds(OddsMultiples.newBuilder()
                        .setFour(3).setFive(4).setSix(5).setEight(5).setNine(4).setTen(3)).setViewTimeoutMs(500)
                        .setDiceTimeoutMs(10_000).setAbsentTimeoutMs(120_000)
                        .setLiarsTolerated(players.size() >= 4 ? 1 : 0))
                .setCreator(creator.nodeId().byteString()).setCreatedAtMs(System.currentTimeMillis())
                .setSalt(ByteString.copyFrom(salt));
        for (NodeId p : players) {
            g.addSeats(Seat.newBuilder().setPlayer(p.byteString()).setStack(10_000));
        }
        return Signatures.seal(creator, Body.newBuilder().setTableInvite(TableInvite.newBuilder()
                .setGenesis(g.build().toByteString())).build());
    }

    private static byte[] frame(Envelope e) {
        byte[] body = e.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(4 + body.length);
        b.putInt(body.length).put(body);
        return b.array();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
