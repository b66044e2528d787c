package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.GenesisAccept;
import io.dicemesh.protocol.GenesisQuery;
import io.dicemesh.protocol.GenesisRecord;
import io.dicemesh.protocol.Seat;
import io.dicemesh.protocol.TableInvite;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.UnknownFields;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A node's protocol core (DESIGN section 2): takes an {@link Input}, returns the ordered {@link Effect}s. Holds
 * every table the node sits at, creates tables (genesis agreed by every player) and routes messages and commands
 * to the table they concern. No I/O, no clock, no threads: the daemon and the simulator drive this same class.
 */
public final class NodeEngine {
    private static final String RESEND_TIMER = "node/resend";

    private final EngineContext ctx;
    private final RandomSource random;
    private final TreeMap<TableId, TableEngine> tables = new TreeMap<>();
    private final Map<TableId, GenesisRecord> genesisRecords = new TreeMap<>();
    /** Who created each started table (for the auto-accept bound). */
    private final Map<TableId, NodeId> creators = new TreeMap<>();
    private final InviteBook pending;
    /** Genesis records this node sends to a peer that lacks them, per channel peer. */
    private final RateLimiter genesisAnswers = new RateLimiter(NodeEngineLimits.RATE_LIMITED_PEERS_MAX);
    /** Genesis queries this node signs for tables it does not know, per channel peer and in all. */
    private final RateLimiter genesisQueries = new RateLimiter(NodeEngineLimits.RATE_LIMITED_PEERS_MAX);
    private long lastGenesisQueryMs = Long.MIN_VALUE;
    private boolean started;
    private final Timer resend = new Timer(RESEND_TIMER);

    public NodeEngine(Identity identity, EngineConfig config, EnvelopeVerifier verifier, KvReader ledger,
            RandomSource random) {
        this.ctx = new EngineContext(identity, config, verifier, ledger);
        this.random = random;
        this.pending = new InviteBook(ctx.me);
    }

    /** Rebuilds a node from its ledger after a restart; it repeats its votes and asks peers for what it lacks. */
    public static NodeEngine restore(Identity identity, EngineConfig config, EnvelopeVerifier verifier,
            KvReader ledger, RandomSource random) {
        NodeEngine node = new NodeEngine(identity, config, verifier, ledger, random);
        new LedgerLoader(node.ctx, ledger).load(node.tables, node.genesisRecords, node.pending);
        for (Map.Entry<TableId, GenesisRecord> e : node.genesisRecords.entrySet()) {
            VerifyResult invite = node.ctx.verify(e.getValue().getInvite());
            if (invite instanceof Verified v) {
                node.creators.put(e.getKey(), v.sender());
            }
        }
        return node;
    }

    public NodeId id() {
        return ctx.me;
    }

    /** Handles one input; the effects must be carried out in order (Persist before the Sends after it). */
    public List<Effect> handle(Input input) {
        Out out = new Out();
        long now = input.nowMs();
        if (!started) {
            started = true;
            for (TableEngine t : tables.values()) {
                t.start(now, out);
            }
        }
        if (input instanceof Input.MessageIn m) {
            onMessage(m.message(), m.from(), now, out);
        } else if (input instanceof Input.Command c) {
            onCommand(c.requestId(), c.request(), now, out);
        } else if (input instanceof Input.PeerConnected p) {
            for (TableEngine t : tables.values()) {
                t.greet(List.of(p.peer()), now, out);
            }
        } else {
            onTick(now, out);
        }
        scheduleResend(now, out);
        return out.drain();
    }

    // ------------------------------------------------------------------ messages

    private void onMessage(Verified v, NodeId from, long now, Out out) {
        switch (v.kind()) {
            case TABLE_INVITE -> onInvite(v, now, out);
            case GENESIS_ACCEPT -> onAccept(v, from, now, out);
            case GENESIS_QUERY -> onGenesisQuery(v, from, now, out);
            case EVIDENCE_REPORT -> onEvidenceReport(v, out);
            case INTENT_BATCH, DICE_COMMITMENT, DICE_REVEAL, PREPARE, VOTE, NACK, STATUS, CERTIFICATE_QUERY,
                    CERTIFICATE_REPLY -> routeToTable(v, from, now, out);
            default -> out.emit(new Event.Dropped(v.sender(), v.kind().name(), "not a message for the node core"));
        }
    }

    private void routeToTable(Verified v, NodeId from, long now, Out out) {
        Optional<ByteString> tableBytes = TableRouting.tableIdOf(v.body());
        if (tableBytes.isEmpty() || !TableId.isWellFormed(tableBytes.get())) {
            out.emit(new Event.Dropped(v.sender(), v.kind().name(), "no well-formed table id"));
            return;
        }
        TableId id = new TableId(tableBytes.get());
        TableEngine table = tables.get(id);
        if (table == null) {
            out.emit(new Event.Dropped(v.sender(), v.kind().name(), "unknown table " + id));
            queryGenesis(from, id, now, out);
            return;
        }
        table.onMessage(v, from, now, out);
    }

    private void onInvite(Verified v, long now, Out out) {
        TableInvite invite = v.body().getTableInvite();
        Genesis genesis;
        String problem = null;
        try {
            genesis = Genesis.parseFrom(invite.getGenesis());
        } catch (InvalidProtocolBufferException e) {
            out.emit(new Event.Dropped(v.sender(), "TABLE_INVITE", "genesis does not parse"));
            return;
        }
        if (invite.getGenesis().size() > WireLimits.GENESIS_BYTES_MAX) {
            problem = "genesis of " + invite.getGenesis().size() + " bytes > " + WireLimits.GENESIS_BYTES_MAX;
        } else if (UnknownFields.anyIn(genesis)) {
            problem = "genesis carries fields this version does not know";
        } else {
            problem = GenesisRules.problem(genesis);
        }
        if (problem == null && !v.sender().matches(genesis.getCreator())) {
            problem = "invite not signed by its creator";
        }
        if (problem != null) {
            out.emit(new Event.Dropped(v.sender(), "TABLE_INVITE", problem));
            return;
        }
        TableId id = TableId.of(Sha256.hash(invite.getGenesis().toByteArray()));
        if (tables.containsKey(id)) {
            return;
        }
        PendingTable table = pending.get(id);
        if (table == null) {
            table = new PendingTable(id, v.envelope(), genesis);
            if (!table.players.contains(ctx.me)) {
                out.emit(new Event.Dropped(v.sender(), "TABLE_INVITE", "this node is not a player of " + id));
                return;
            }
            InviteBook.Admission admission = pending.admit(table);
            if (admission.outcome() != InviteBook.Outcome.ADMITTED) {
                out.emit(new Event.Dropped(v.sender(), "TABLE_INVITE", "invite to " + id + " refused: "
                        + (admission.outcome() == InviteBook.Outcome.CREATOR_HAS_TOO_MANY
                                ? "its creator has " + NodeEngineLimits.PENDING_INVITES_PER_CREATOR_MAX
                                        + " invites waiting here already"
                                : "this node holds " + InviteBook.PENDING_TABLES_MAX + " invites it accepted")));
                return;
            }
            if (admission.evicted() != null) {
                out.persist(WriteBatch.builder().delete(Column.TABLES,
                        LedgerLayout.tableKey(LedgerLayout.PENDING_GENESIS, admission.evicted().bytes())).build(),
                        false);
            }
            out.emit(new Event.InviteReceived(id, v.sender()));
        }
        if (!table.accepts.containsKey(ctx.me) && ((ctx.config.autoAcceptInvites() && mayAutoAccept(table))
                || genesis.getCreator().equals(ctx.me.byteString()))) {
            accept(table, now, out);
        } else {
            savePending(table, out, false);
        }
        maybeStart(table, now, out);
    }

    /**
     * Auto-accept takes at most a few tables of one creator, none once this node holds its maximum, and none whose
     * rules raise the felt's bound (a stranger's such table would cost this node up to 41 times a default one's
     * memory and every roll's work): its operator joins those.
     */
    private boolean mayAutoAccept(PendingTable table) {
        if (tablesHeld() >= NodeEngineLimits.TABLES_MAX
                || GameProtos.feltBetsPerSeat(table.genesis.getRules()) > CrapsRules.FELT_BETS_PER_SEAT_DEFAULT) {
            return false;
        }
        int ofCreator = 0;
        int ofOthers = 0;
        for (Map.Entry<TableId, NodeId> e : creators.entrySet()) {
            TableEngine t = tables.get(e.getKey());
            if (t != null && !t.model().closed() && !e.getValue().equals(ctx.me)) {
                ofOthers++;
                ofCreator += e.getValue().equals(table.creator()) ? 1 : 0;
            }
        }
        for (PendingTable p : pending.tables()) {
            if (pending.accepted(p) && !p.creator().equals(ctx.me)) {
                ofOthers++;
                ofCreator += p.creator().equals(table.creator()) ? 1 : 0;
            }
        }
        return ofCreator < NodeEngineLimits.AUTO_ACCEPTS_PER_CREATOR_MAX
                && ofOthers < NodeEngineLimits.AUTO_ACCEPTED_TABLES_MAX;
    }

    /** Tables this node holds: started ones and pending ones it accepted. */
    private int tablesHeld() {
        int n = tables.size();
        for (PendingTable p : pending.tables()) {
            n += pending.accepted(p) ? 1 : 0;
        }
        return n;
    }

    private void accept(PendingTable table, long now, Out out) {
        Envelope accept = ctx.sign(Body.newBuilder().setGenesisAccept(GenesisAccept.newBuilder()
                .setTableId(table.id.bytes())).build());
        table.accepts.put(ctx.me, accept);
        // Synced before the accept leaves: a table that any player started was then accepted durably by every
        // player, so even a crash of them all before the table's first synced write cannot lose it (each comes back
        // with the pending table and its own accept, and they start it again).
        savePending(table, out, true);
        table.lastResendMs = now;
        out.sendAll(table.players, ctx.me, table.invite);
        out.sendAll(table.players, ctx.me, accept);
    }

    private void onAccept(Verified v, NodeId from, long now, Out out) {
        ByteString idBytes = v.body().getGenesisAccept().getTableId();
        if (!TableId.isWellFormed(idBytes)) {
            out.emit(new Event.Dropped(v.sender(), "GENESIS_ACCEPT", "malformed table id"));
            return;
        }
        TableId id = new TableId(idBytes);
        if (tables.containsKey(id)) {
            sendGenesis(from, genesisRecords.get(id), now, out);
            return;
        }
        PendingTable table = pending.get(id);
        if (table == null) {
            pending.holdOrphan(v, id);
            queryGenesis(from, id, now, out);
            return;
        }
        if (!table.players.contains(v.sender())) {
            out.emit(new Event.Dropped(v.sender(), "GENESIS_ACCEPT", "accept from a non-player of " + id));
            return;
        }
        if (table.accepts.putIfAbsent(v.sender(), v.envelope()) == null) {
            savePending(table, out, false);
        }
        maybeStart(table, now, out);
    }

    private void onGenesisQuery(Verified v, NodeId from, long now, Out out) {
        GenesisQuery q = v.body().getGenesisQuery();
        if (!TableId.isWellFormed(q.getTableId())) {
            return;
        }
        TableId id = new TableId(q.getTableId());
        GenesisRecord record = genesisRecords.get(id);
        if (record == null && pending.contains(id)) {
            record = pending.get(id).record();
        }
        if (record != null) {
            sendGenesis(from, record, now, out);
        }
    }

    /**
     * Forwards the invite and the accepts this node holds, verbatim, to the channel peer that lacks them: only to
     * a player of that table, at most once per interval per peer.
     */
    private void sendGenesis(NodeId peer, GenesisRecord record, long now, Out out) {
        if (!isPlayerOf(peer, record) || !genesisAnswers.allow(peer, now, ctx.config.resendIntervalMs() / 4)) {
            return;
        }
        out.send(peer, record.getInvite());
        for (Envelope a : record.getAcceptsList()) {
            out.send(peer, a);
        }
    }

    private boolean isPlayerOf(NodeId peer, GenesisRecord record) {
        VerifyResult r = ctx.verify(record.getInvite());
        if (!(r instanceof Verified invite)) {
            return false;
        }
        try {
            for (Seat seat : Genesis.parseFrom(invite.body().getTableInvite().getGenesis()).getSeatsList()) {
                if (peer.matches(seat.getPlayer())) {
                    return true;
                }
            }
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
        return false;
    }

    /**
     * Asks the channel peer for the genesis of a table this node does not know (it may have lost its ledger). A
     * signed query costs a signature, so there is at most one per interval per peer and one per interval in all.
     */
    private void queryGenesis(NodeId peer, TableId id, long now, Out out) {
        long intervalMs = ctx.config.resendIntervalMs() / 4;
        boolean tablePeer = sharesATableWith(peer); // strangers share one slot and cannot take it from these
        boolean recently = lastGenesisQueryMs != Long.MIN_VALUE && now - lastGenesisQueryMs < intervalMs;
        if (peer.equals(ctx.me) || (!tablePeer && recently) || !genesisQueries.allow(peer, now, intervalMs)) {
            return;
        }
        if (!tablePeer) {
            lastGenesisQueryMs = now;
        }
        out.send(peer, ctx.sign(Body.newBuilder().setGenesisQuery(GenesisQuery.newBuilder()
                .setTableId(id.bytes())).build()));
    }

    private void savePending(PendingTable table, Out out, boolean sync) {
        out.persist(WriteBatch.builder().put(Column.TABLES,
                LedgerLayout.tableKey(LedgerLayout.PENDING_GENESIS, table.id.bytes()), table.record().toByteArray())
                .build(), sync);
    }

    /** Seq 0 commits once every player accepted: the genesis record and the first state in one write. */
    private void maybeStart(PendingTable table, long now, Out out) {
        if (!table.complete() || !table.accepts.containsKey(ctx.me)) {
            return;
        }
        GenesisRecord record = table.record();
        TableModel model = TableModel.fromGenesis(table.id, table.genesis);
        out.persist(WriteBatch.builder()
                .put(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, table.id.bytes()), record.toByteArray())
                .put(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.STATE, table.id.bytes()),
                        model.toProto().toByteArray())
                .delete(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.PENDING_GENESIS, table.id.bytes()))
                .build(), false);
        pending.remove(table.id);
        genesisRecords.put(table.id, record);
        creators.put(table.id, table.creator());
        TableEngine engine = new TableEngine(ctx, model);
        tables.put(table.id, engine);
        out.emit(new Event.TableStarted(table.id, model.seats()));
        engine.start(now, out);
    }

    private void onEvidenceReport(Verified v, Out out) {
        Evidence e = v.body().getEvidenceReport().getEvidence();
        out.emit(new Event.Dropped(v.sender(), "EVIDENCE_REPORT", "reports are logged, not acted on: "
                + e.getKind() + " against " + (NodeId.isWellFormed(e.getCulprit()) ? NodeId.of(e.getCulprit()) : "?")));
    }

    // ------------------------------------------------------------------ time

    private void onTick(long now, Out out) {
        for (TableEngine t : tables.values()) {
            t.onTick(now, out);
        }
        if (resend.fire(now)) {
            for (PendingTable table : pending.tables()) {
                Envelope mine = table.accepts.get(ctx.me);
                if (mine != null && now - table.lastResendMs >= ctx.config.resendIntervalMs()) {
                    table.lastResendMs = now;
                    for (NodeId p : table.players) {
                        if (!table.accepts.containsKey(p)) {
                            out.send(p, table.invite);
                            out.send(p, mine);
                        }
                    }
                }
            }
        }
    }

    private void scheduleResend(long now, Out out) {
        if (!resend.armed() && !pending.isEmpty()) {
            resend.armAt(now + ctx.config.resendIntervalMs());
            out.timer(RESEND_TIMER, resend.atMs());
        }
    }

    // ------------------------------------------------------------------ commands

    private void onCommand(long requestId, ClientRequest request, long now, Out out) {
        if (request instanceof ClientRequest.CreateTable c) {
            createTable(requestId, c, now, out);
        } else if (request instanceof ClientRequest.JoinTable j) {
            joinTable(requestId, j.table(), now, out);
        } else if (request instanceof ClientRequest.ListTables) {
            out.reply(requestId, new ClientResult.Tables(summaries(now)));
        } else {
            toTable(requestId, ClientRequest.tableOf(request), request, now, out);
        }
    }

    private void toTable(long requestId, TableId id, ClientRequest request, long now, Out out) {
        TableEngine table = tables.get(id);
        if (table != null) {
            table.onCommand(requestId, request, now, out);
        } else if (pending.contains(id)) {
            PendingTable p = pending.get(id);
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.NOT_STARTED, "table " + id + " has "
                    + p.accepts.size() + " of " + p.players.size() + " accepts; it starts when every player joined"));
        } else {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.UNKNOWN_TABLE, "unknown table " + id));
        }
    }

    private void createTable(long requestId, ClientRequest.CreateTable c, long now, Out out) {
        if (tablesHeld() >= NodeEngineLimits.TABLES_MAX) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.BUSY, "this node holds "
                    + NodeEngineLimits.TABLES_MAX + " tables, the most it sits at; leave one first"));
            return;
        }
        if (c.players().size() != c.stacks().size()) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST,
                    c.players().size() + " players but " + c.stacks().size() + " stacks"));
            return;
        }
        byte[] salt = new byte[GenesisRules.SALT_BYTES];
        random.nextBytes(salt);
        Genesis.Builder g = Genesis.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION)
                .setBank(c.bank()).setRules(c.rules()).setCreator(ctx.me.byteString()).setCreatedAtMs(now)
                .setSalt(ByteString.copyFrom(salt));
        for (int i = 0; i < c.players().size(); i++) {
            g.addSeats(Seat.newBuilder().setPlayer(c.players().get(i).byteString()).setStack(c.stacks().get(i)));
        }
        Genesis genesis = g.build();
        String problem = GenesisRules.problem(genesis);
        if (problem != null) {
            out.reply(requestId, new ClientResult.Failed(ClientResult.Code.INVALID_REQUEST, problem));
            return;
        }
        ByteString genesisBytes = genesis.toByteString();
        Envelope invite = ctx.sign(Body.newBuilder().setTableInvite(TableInvite.newBuilder().setGenesis(genesisBytes))
                .build());
        TableId id = TableId.of(Sha256.hash(genesisBytes.toByteArray()));
        PendingTable table = new PendingTable(id, invite, genesis);
        pending.addOwn(table);
        accept(table, now, out);
        out.reply(requestId, new ClientResult.TableCreated(id, table.players.size()));
        maybeStart(table, now, out);
    }

    private void joinTable(long requestId, TableId id, long now, Out out) {
        PendingTable table = pending.get(id);
        if (table == null) {
            if (tables.containsKey(id)) {
                out.reply(requestId, new ClientResult.Joined(id));
            } else {
                out.reply(requestId, new ClientResult.Failed(ClientResult.Code.UNKNOWN_TABLE,
                        "no invite to table " + id + " has reached this node"));
            }
            return;
        }
        if (!table.accepts.containsKey(ctx.me)) {
            if (tablesHeld() >= NodeEngineLimits.TABLES_MAX) {
                out.reply(requestId, new ClientResult.Failed(ClientResult.Code.BUSY, "this node holds "
                        + NodeEngineLimits.TABLES_MAX + " tables, the most it sits at; leave one first"));
                return;
            }
            accept(table, now, out);
        }
        out.reply(requestId, new ClientResult.Joined(id));
        maybeStart(table, now, out);
    }

    private List<ClientResult.TableSummary> summaries(long now) {
        List<ClientResult.TableSummary> out = new ArrayList<>();
        for (TableEngine t : tables.values()) {
            out.add(t.summary(now));
        }
        for (PendingTable p : pending.tables()) {
            String status = p.accepts.containsKey(ctx.me) ? "waiting" : "invited";
            int seat = p.players.indexOf(ctx.me);
            out.add(new ClientResult.TableSummary(p.id, status, p.players, 0, 0, 0,
                    seat >= 0 ? p.genesis.getSeats(seat).getStack() : 0, p.accepts.size()));
        }
        return out;
    }

    // ------------------------------------------------------------------ reads (tests, simulator, admin API)

    public List<TableId> tableIds() {
        return List.copyOf(tables.keySet());
    }

    public Optional<TableState> tableState(TableId id) {
        TableEngine t = tables.get(id);
        return t == null ? Optional.empty() : Optional.of(t.snapshot());
    }

    public List<Evidence> evidence(TableId id) {
        TableEngine t = tables.get(id);
        return t == null ? List.of() : t.evidence();
    }

    /** The tx this node is locked on at the table's open slot, if any. */
    public Optional<ByteString> lockedTxHash(TableId id) {
        TableEngine t = tables.get(id);
        return t == null ? Optional.empty() : Optional.ofNullable(t.lockedTxHash());
    }

    /** The tx of this node's lock at the table's open slot, if any (for checks and diagnosis). */
    public Optional<ByteString> lockedTx(TableId id) {
        TableEngine t = tables.get(id);
        return t == null ? Optional.empty() : Optional.ofNullable(t.lockedTx());
    }

    public int currentView(TableId id) {
        TableEngine t = tables.get(id);
        return t == null ? 0 : t.currentView();
    }

    /** Every node this one shares a table with (or an invite): the peers the transport keeps connected. */
    public java.util.Set<NodeId> tablePeers() {
        java.util.Set<NodeId> playing = new java.util.TreeSet<>();
        for (TableEngine t : tables.values()) {
            if (t.model().isActive(ctx.me)) {
                playing.addAll(t.model().active());
            }
        }
        // Players of started tables first, each part in id order: a node that must keep fewer connections than it
        // has table peers keeps these, so accepted invites naming made-up players cannot crowd them out.
        java.util.Set<NodeId> peers = new java.util.LinkedHashSet<>(playing);
        peers.addAll(pending.acceptedPlayers()); // in id order; never players of invites not accepted
        peers.remove(ctx.me);
        return peers;
    }

    /** Whether {@code peer} is one of {@link #tablePeers}, without building that set (asked on every unknown table). */
    private boolean sharesATableWith(NodeId peer) {
        if (peer.equals(ctx.me)) {
            return false;
        }
        for (TableEngine t : tables.values()) {
            if (t.model().isActive(ctx.me) && t.model().active().contains(peer)) {
                return true;
            }
        }
        for (PendingTable p : pending.tables()) {
            if (pending.accepted(p) && p.players.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** Tables where this node has uncommitted work (a graceful shutdown waits for these). */
    public int tablesInFlight() {
        int n = 0;
        for (TableEngine t : tables.values()) {
            n += t.inFlight() ? 1 : 0;
        }
        return n;
    }

    /** Views an open slot may go through before its table counts as stalled. */
    public static final int STALLED_AFTER_VIEWS = 3;

    /** Tables whose open slot has gone through several views without committing. */
    public List<TableId> stalledTables() {
        return new ArrayList<>(stalls().keySet());
    }

    /** Each stalled table's stall (see {@link Stall}). */
    public Map<TableId, Stall> stalls() {
        Map<TableId, Stall> out = new java.util.LinkedHashMap<>();
        for (TableEngine t : tables.values()) {
            Stall s = t.stall();
            if (s != null) {
                out.put(t.id(), s);
            }
        }
        return out;
    }

    /** Tables this node halted: a certificate fixed a tx it refuses (its players lied together). */
    public List<TableId> haltedTables() {
        List<TableId> out = new ArrayList<>();
        for (TableEngine t : tables.values()) {
            if (t.haltedBecause() != null) {
                out.add(t.id());
            }
        }
        return out;
    }

    /** Tables whose open slot this node voted on but has no certificate for yet. */
    public int slotsInDoubt() {
        int n = 0;
        for (TableEngine t : tables.values()) {
            n += t.inDoubt() ? 1 : 0;
        }
        return n;
    }

    /** The table's protocol state in one line (for diagnosis), or null for an unknown table. */
    public String debugState(TableId id) {
        TableEngine t = tables.get(id);
        return t == null ? null : t.debugState();
    }

    public boolean hasPendingInvite(TableId id) {
        return pending.contains(id);
    }

    /**
     * Bytes this node holds for messages: every table's open slot, intent pool, dice, kept messages, recent
     * certificates and evidence, the invites and the verify cache. {@link #heldBytesBudget} bounds it.
     */
    public long heldBytes() {
        long bytes = ctx.verifyCacheBytes() + pending.heldBytes();
        for (TableEngine t : tables.values()) {
            bytes += t.heldBytes();
        }
        return bytes;
    }

    /** The most {@link #heldBytes} may be for this node's tables: what the limits of the core add up to. */
    public long heldBytesBudget() {
        long bytes = EngineContext.VERIFY_CACHE_BYTES_MAX + InviteBook.heldBytesMax();
        for (TableEngine t : tables.values()) {
            bytes += TableEngine.heldBytesMax(t.model().seats().size());
        }
        return bytes;
    }

    /** Verifies an envelope with this node's verifier and cache (for drivers that embed envelopes). */
    public VerifyResult verify(Envelope envelope) {
        return ctx.verify(envelope);
    }

    int verifyCacheEntriesForTest() {
        return ctx.verifyCacheEntries();
    }

    int rateLimitEntriesForTest() {
        return genesisQueries.size() + genesisAnswers.size();
    }

    Map<TableId, TableEngine> tablesForTest() {
        return new LinkedHashMap<>(tables);
    }
}
