package io.dicemesh.node.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.CertificateQuery;
import io.dicemesh.protocol.CertificateReply;
import io.dicemesh.protocol.DiceCommitment;
import io.dicemesh.protocol.DiceReveal;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.EvidenceReport;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.GenesisAccept;
import io.dicemesh.protocol.GenesisQuery;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.Leave;
import io.dicemesh.protocol.Nack;
import io.dicemesh.protocol.NackReason;
import io.dicemesh.protocol.PlaceBet;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Seat;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.TableInvite;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.TakeDown;
import io.dicemesh.protocol.Transfer;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the bodies a hostile peer sends a table, every field drawn by the fuzzer but near the real ones: the real
 * table id or another, the slot and roll around the current ones, views 0 to 20 or far out, tx hashes of txs that
 * were proposed or made up, and envelopes embedded from what the nodes really sent (see {@link Sent}). The bodies
 * are signed by whoever the caller says, so they pass the signature check and reach the protocol.
 */
final class FuzzedTableMessages {
    /** Intents in a batch; a bulk batch (rare) has up to {@link #BULK_INTENTS_MAX}. */
    static final int INTENTS_MAX = 6;
    static final int BULK_INTENTS_MAX = 2_000;
    /** Envelopes of one kind embedded in one message (justifications, votes of a certificate, batches of a tx). */
    static final int EMBEDDED_MAX = 5;
    /** Longest free text (a Nack's detail, an Evidence's detail). */
    static final int TEXT_CHARS_MAX = 900;

    /** The table kinds this class builds, in the order the fuzzer picks them. */
    static final List<Body.KindCase> KINDS = List.of(Body.KindCase.PREPARE, Body.KindCase.VOTE,
            Body.KindCase.STATUS, Body.KindCase.NACK, Body.KindCase.INTENT_BATCH, Body.KindCase.DICE_COMMITMENT,
            Body.KindCase.DICE_REVEAL, Body.KindCase.CERTIFICATE_QUERY, Body.KindCase.CERTIFICATE_REPLY,
            Body.KindCase.TABLE_INVITE, Body.KindCase.GENESIS_ACCEPT, Body.KindCase.GENESIS_QUERY,
            Body.KindCase.EVIDENCE_REPORT);

    private final FuzzedDataProvider data;
    private final TableId table;
    private final List<NodeId> players;
    private final List<Identity> liars;
    private final Sent sent;

    /**
     * @param liars identities whose keys the fuzzer holds and may sign anything with (the puppet, outsiders); the
     *              embedded envelopes it makes up are signed by these
     */
    FuzzedTableMessages(FuzzedDataProvider data, TableId table, List<NodeId> players, List<Identity> liars,
            Sent sent) {
        this.data = data;
        this.table = table;
        this.players = players;
        this.liars = liars;
        this.sent = sent;
    }

    /** A body of {@code kind} as {@code signer} would send it, seen against {@code state} (a node's view). */
    Body body(Body.KindCase kind, Identity signer, TableState state, int view) {
        Body.Builder b = Body.newBuilder();
        switch (kind) {
            case PREPARE -> b.setPrepare(prepare(signer, state, view));
            case VOTE -> b.setVote(Vote.newBuilder().setTableId(tableId()).setSeq(seq(state)).setView(view(view))
                    .setTxHash(txHash()));
            case STATUS -> b.setStatus(status(state, view));
            case NACK -> b.setNack(Nack.newBuilder().setTableId(tableId()).setSeq(seq(state)).setView(view(view))
                    .setReasonValue(data.consumeInt(0, NackReason.values().length))
                    .setDetail(data.consumeString(data.consumeInt(0, TEXT_CHARS_MAX))));
            case INTENT_BATCH -> b.setIntentBatch(batch(signer, state));
            case DICE_COMMITMENT -> b.setDiceCommitment(commitment(signer, state));
            case DICE_REVEAL -> b.setDiceReveal(DiceReveal.newBuilder().setTableId(tableId()).setRollNo(rollNo(state))
                    .setNonce(nonce()));
            case CERTIFICATE_QUERY -> b.setCertificateQuery(CertificateQuery.newBuilder().setTableId(tableId())
                    .setFromSeq(seq(state)).setMaxCount(data.consumeBoolean() ? data.consumeInt(0, 70)
                            : data.consumeInt()));
            case CERTIFICATE_REPLY -> b.setCertificateReply(certificateReply(state));
            case TABLE_INVITE -> b.setTableInvite(TableInvite.newBuilder().setGenesis(genesis(signer)));
            case GENESIS_ACCEPT -> b.setGenesisAccept(GenesisAccept.newBuilder().setTableId(anyTableId()));
            case GENESIS_QUERY -> b.setGenesisQuery(GenesisQuery.newBuilder().setTableId(anyTableId()));
            case EVIDENCE_REPORT -> b.setEvidenceReport(EvidenceReport.newBuilder().setEvidence(evidence(state)));
            default -> throw new IllegalArgumentException("not a table kind: " + kind);
        }
        return b.build();
    }

    // ------------------------------------------------------------------ the commit protocol

    private Prepare prepare(Identity signer, TableState state, int view) {
        ByteString tx = tx(state);
        long seq = seq(state);
        int v = view(view);
        Envelope proposal;
        switch (data.consumeInt(0, 7)) {
            case 0 -> proposal = sent.pick(Body.KindCase.PROPOSAL, data);
            case 1 -> proposal = Wire.proposal(liar(), table, seq, v, Wire.hash(tx)); // signed by someone else
            case 2 -> proposal = Wire.proposal(signer, table, seq, v, txHash()); // a hash of another tx
            default -> proposal = Signatures.seal(signer, Body.newBuilder().setProposal(Proposal.newBuilder()
                    .setTableId(tableId()).setSeq(seq).setView(v).setTxHash(Wire.hash(tx))).build());
        }
        Prepare.Builder p = Prepare.newBuilder().setTx(tx);
        if (proposal != null) {
            p.setProposal(proposal);
        }
        int statuses = data.consumeInt(0, players.size() + 1);
        for (int i = 0; i < statuses; i++) {
            Envelope s = data.consumeBoolean() ? sent.pick(Body.KindCase.STATUS, data) : null;
            p.addJustification(s != null ? s : Signatures.seal(liar(), Body.newBuilder().setStatus(status(state,
                    view)).build()));
        }
        return p.build();
    }

    private Status status(TableState state, int view) {
        Status.Builder s = Status.newBuilder().setTableId(tableId()).setSeq(seq(state)).setView(view(view));
        switch (data.consumeInt(0, 3)) {
            case 0 -> {
                // no lock
            }
            case 1 -> {
                Envelope p = sent.pick(Body.KindCase.PROPOSAL, data);
                if (p != null) {
                    s.setLockedProposal(p);
                }
            }
            case 2 -> s.setLockedProposal(Wire.proposal(liar(), table, seq(state), view(view), txHash()));
            default -> s.setLockedProposal(sent.pickAny(data));
        }
        return s.build();
    }

    /** A tx: one the nodes proposed, one made of what they sent and made-up parts, or bytes. */
    ByteString tx(TableState state) {
        int how = data.consumeInt(0, 5);
        if (how == 0) {
            ByteString real = sent.pickTx(data);
            if (real != null) {
                return real;
            }
        }
        if (how == 1) {
            return ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 64)));
        }
        Tx.Builder tx = Tx.newBuilder().setTableId(tableId()).setSeq(seq(state))
                .setPrevHash(data.consumeInt(0, 3) > 0 ? state.getLastHash() : txHash());
        int batches = data.consumeInt(0, EMBEDDED_MAX);
        for (int i = 0; i < batches; i++) {
            Envelope real = data.consumeBoolean() ? sent.pick(Body.KindCase.INTENT_BATCH, data) : null;
            Identity liar = liar();
            tx.addIntentBatches(real != null ? real : Signatures.seal(liar, Body.newBuilder()
                    .setIntentBatch(batch(liar, state)).build()));
        }
        if (data.consumeBoolean()) {
            boolean reveals = data.consumeBoolean();
            Body.KindCase kind = reveals ? Body.KindCase.DICE_REVEAL : Body.KindCase.DICE_COMMITMENT;
            int n = data.consumeInt(0, players.size() + 1);
            for (int i = 0; i < n; i++) {
                Envelope real = data.consumeInt(0, 3) > 0 ? sent.pick(kind, data) : null;
                Identity liar = liar();
                if (real == null) {
                    real = Signatures.seal(liar, reveals ? Body.newBuilder().setDiceReveal(DiceReveal.newBuilder()
                            .setTableId(tableId()).setRollNo(rollNo(state)).setNonce(nonce())).build()
                            : Body.newBuilder().setDiceCommitment(commitment(liar, state)).build());
                }
                if (reveals) {
                    tx.addDiceReveals(real);
                } else {
                    tx.addDiceCommitments(real);
                }
            }
        }
        return tx.build().toByteString();
    }

    private CertificateReply certificateReply(TableState state) {
        CertificateReply.Builder r = CertificateReply.newBuilder().setTableId(tableId());
        int certificates = data.consumeInt(0, 2);
        long seq = seq(state);
        for (int c = 0; c < certificates; c++) {
            ByteString tx = tx(state);
            Certificate.Builder cert = Certificate.newBuilder().setTableId(tableId())
                    .setSeq(data.consumeBoolean() ? seq + c : seq(state)).setTx(tx);
            int votes = data.consumeInt(0, players.size() + 1);
            for (int i = 0; i < votes; i++) {
                Envelope real = data.consumeBoolean() ? sent.pick(Body.KindCase.VOTE, data) : null;
                cert.addVotes(real != null ? real : Wire.vote(liar(), table, cert.getSeq(), view(0),
                        data.consumeBoolean() ? Wire.hash(tx) : txHash()));
            }
            r.addCertificates(cert);
        }
        r.setLastSeq(data.consumeBoolean() ? seq + certificates - 1 : seq(state));
        if (data.consumeBoolean()) {
            Envelope p = sent.pick(Body.KindCase.PREPARE, data);
            if (p != null) {
                r.setPrepare(p);
            }
        }
        return r.build();
    }

    // ------------------------------------------------------------------ intents and dice

    private IntentBatch batch(Identity signer, TableState state) {
        int seat = seatOf(signer.nodeId(), state);
        long last = seat >= 0 ? state.getPlayers(seat).getLastBatchNo() : 0;
        IntentBatch.Builder b = IntentBatch.newBuilder().setTableId(tableId())
                .setPlayer(data.consumeInt(0, 7) > 0 ? signer.nodeId().byteString() : playerId())
                .setBatchNo(data.consumeBoolean() ? last + 1 : data.consumeBoolean() ? last + data.consumeInt(-1, 4)
                        : data.consumeLong());
        int n = data.consumeInt(0, 15) == 0 ? data.consumeInt(0, BULK_INTENTS_MAX) : data.consumeInt(0, INTENTS_MAX);
        for (int i = 0; i < n; i++) {
            b.addIntents(intent(state, i));
        }
        return b.build();
    }

    private Intent intent(TableState state, int i) {
        Intent.Builder in = Intent.newBuilder().setIntentId(data.consumeBoolean() ? i : data.consumeLong());
        switch (data.consumeInt(0, 4)) {
            case 0, 1 -> in.setPlaceBet(PlaceBet.newBuilder().setTypeValue(data.consumeInt(0, BetType.values().length))
                    .setAmount(data.consumeBoolean() ? data.consumeLong(-10, 600) : data.consumeLong())
                    .setNumber(data.consumeInt(0, 12)).setOnBet(betId(state)));
            case 2 -> in.setTakeDown(TakeDown.newBuilder().setBetId(betId(state)));
            case 3 -> in.setTransfer(Transfer.newBuilder().setTo(playerId())
                    .setAmount(data.consumeBoolean() ? data.consumeLong(-10, 2_000) : data.consumeLong()));
            default -> in.setLeave(Leave.getDefaultInstance());
        }
        return in.build();
    }

    private DiceCommitment commitment(Identity signer, TableState state) {
        long roll = rollNo(state);
        ByteString c = switch (data.consumeInt(0, 3)) {
            case 0 -> ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 40)));
            default -> ByteString.copyFrom(Dice.commitment(table.toByteArray(), roll, signer.nodeId().bytes(),
                    Wire.nonce(data.consumeInt(0, 3))));
        };
        int seat = seatOf(signer.nodeId(), state);
        long after = seat >= 0 ? state.getPlayers(seat).getLastBatchNo() : 0;
        return DiceCommitment.newBuilder().setTableId(tableId()).setRollNo(roll).setCommitment(c)
                .setAfterBatchNo(data.consumeBoolean() ? after : data.consumeLong()).build();
    }

    /** One of a few nonces (so that reveals can match commitments), or junk of any length. */
    private ByteString nonce() {
        return data.consumeInt(0, 3) > 0 ? ByteString.copyFrom(Wire.nonce(data.consumeInt(0, 3)))
                : ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 40)));
    }

    // ------------------------------------------------------------------ genesis and evidence

    private ByteString genesis(Identity signer) {
        if (data.consumeInt(0, 7) == 0) {
            return ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 64)));
        }
        Genesis.Builder g = Genesis.newBuilder().setProtocolVersion(data.consumeInt(0, 7) > 0
                ? WireLimits.PROTOCOL_VERSION : data.consumeInt()).setBank(data.consumeLong(-1, 1_000_000))
                .setRules(Wire.rules(data.consumeInt(1, 300), data.consumeInt(0, 2_000)))
                .setCreator(data.consumeInt(0, 7) > 0 ? signer.nodeId().byteString() : playerId())
                .setCreatedAtMs(data.consumeLong()).setSalt(ByteString.copyFrom(data.consumeBytes(
                        data.consumeBoolean() ? GenesisRules.SALT_BYTES : data.consumeInt(0, 20))));
        g.addSeats(Seat.newBuilder().setPlayer(signer.nodeId().byteString()).setStack(data.consumeLong(0, 5_000)));
        int seats = data.consumeInt(0, players.size() + 1);
        for (int i = 0; i < seats; i++) {
            g.addSeats(Seat.newBuilder().setPlayer(playerId()).setStack(data.consumeLong(-1, 5_000)));
        }
        return g.build().toByteString();
    }

    private Evidence evidence(TableState state) {
        Evidence.Builder e = Evidence.newBuilder().setKindValue(data.consumeInt(0, EvidenceKind.values().length))
                .setTableId(tableId()).setCulprit(playerId()).setSeq(seq(state)).setView(view(0))
                .setDetail(data.consumeString(data.consumeInt(0, TEXT_CHARS_MAX))).setRollNo(rollNo(state));
        int proofs = data.consumeInt(0, 3);
        for (int i = 0; i < proofs; i++) {
            Envelope p = sent.pickAny(data);
            if (p != null) {
                e.addProof(p);
            }
        }
        if (data.consumeBoolean()) {
            e.setTx(tx(state));
        }
        return e.build();
    }

    // ------------------------------------------------------------------ fields

    /** Mostly the table's id; sometimes another well-formed id, or bytes of the wrong length. */
    ByteString tableId() {
        return switch (data.consumeInt(0, 9)) {
            case 0 -> ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 40)));
            case 1 -> ByteString.copyFrom(Sha256.hash(data.consumeBytes(8)));
            default -> table.bytes();
        };
    }

    /** The table's id, a table someone invited to, or junk. */
    private ByteString anyTableId() {
        ByteString invited = data.consumeBoolean() ? sent.pickInvitedTable(data) : null;
        return invited != null ? invited : tableId();
    }

    /** The open slot, a few around it, or anything. */
    long seq(TableState state) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeLong();
            case 1 -> data.pickValue(new long[] {0, Long.MAX_VALUE, -1, Long.MIN_VALUE});
            default -> state.getSeq() + 1 + data.consumeInt(-2, 3);
        };
    }

    /** A view from 0 to 20 (around {@code current}), or one far out (up to where views are junk). */
    int view(int current) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeInt();
            case 1 -> data.pickValue(new int[] {Integer.MAX_VALUE, TableGate.VIEW_LIMIT - 1, TableGate.VIEW_LIMIT,
                    -1, current + WireLimits.VIEWS_AHEAD_MAX, current + WireLimits.VIEWS_AHEAD_MAX + 1});
            case 2 -> current + data.consumeInt(-1, 2);
            default -> data.consumeInt(0, 20);
        };
    }

    private long rollNo(TableState state) {
        return data.consumeInt(0, 7) > 0 ? state.getRollNo() + data.consumeInt(-1, 1) : data.consumeLong();
    }

    /** The hash of a tx the nodes proposed, or of nothing they know, or bytes of the wrong length. */
    private ByteString txHash() {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 40)));
            case 1 -> ByteString.copyFrom(Sha256.hash(data.consumeBytes(8)));
            default -> {
                ByteString tx = sent.pickTx(data);
                yield Wire.hash(tx != null ? tx : ByteString.EMPTY);
            }
        };
    }

    /** A bet on the felt, or any id. */
    private long betId(TableState state) {
        if (state.getFeltCount() > 0 && data.consumeBoolean()) {
            return state.getFelt(data.consumeInt(0, state.getFeltCount() - 1)).getId();
        }
        return data.consumeBoolean() ? data.consumeLong(0, state.getNextBetId() + 1) : data.consumeLong();
    }

    /** A player of the table, a liar, or bytes of any length. */
    private ByteString playerId() {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 40)));
            case 1 -> liar().nodeId().byteString();
            default -> players.get(data.consumeInt(0, players.size() - 1)).byteString();
        };
    }

    private Identity liar() {
        return liars.get(data.consumeInt(0, liars.size() - 1));
    }

    private static int seatOf(NodeId id, TableState state) {
        for (int i = 0; i < state.getPlayersCount(); i++) {
            if (id.matches(state.getPlayers(i).getPlayer())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What the nodes really sent, by kind (the last {@link #KEPT_PER_KIND} of each), with the proposals and txs of
     * their Prepares: the material for embedded envelopes and replays.
     */
    static final class Sent {
        static final int KEPT_PER_KIND = 16;

        private final Map<Body.KindCase, ArrayDeque<Envelope>> byKind = new EnumMap<>(Body.KindCase.class);
        private final ArrayDeque<ByteString> txs = new ArrayDeque<>();
        private final ArrayDeque<ByteString> invitedTables = new ArrayDeque<>();
        private int seen;

        /** Takes in every send the harness saw since the last call. */
        void update(List<EngineHarness.Msg> all) {
            for (; seen < all.size(); seen++) {
                EngineHarness.Msg m = all.get(seen);
                add(m.envelope(), m.body());
            }
        }

        private void add(Envelope e, Body body) {
            keep(byKind.computeIfAbsent(body.getKindCase(), k -> new ArrayDeque<>()), e);
            if (body.hasPrepare()) {
                Prepare p = body.getPrepare();
                keep(byKind.computeIfAbsent(Body.KindCase.PROPOSAL, k -> new ArrayDeque<>()), p.getProposal());
                keep(txs, p.getTx());
            } else if (body.hasTableInvite()) {
                keep(invitedTables, ByteString.copyFrom(Sha256.hash(body.getTableInvite().getGenesis()
                        .toByteArray())));
            } else if (body.hasCertificateReply()) {
                for (Certificate c : body.getCertificateReply().getCertificatesList()) {
                    keep(txs, c.getTx());
                }
            }
        }

        private static <T> void keep(ArrayDeque<T> q, T item) {
            if (!q.contains(item)) {
                if (q.size() >= KEPT_PER_KIND) {
                    q.removeFirst();
                }
                q.addLast(item);
            }
        }

        /** A sent envelope of this kind, or null if none was sent. */
        Envelope pick(Body.KindCase kind, FuzzedDataProvider data) {
            ArrayDeque<Envelope> q = byKind.get(kind);
            return q == null || q.isEmpty() ? null : get(q, data);
        }

        /** Any sent envelope, or null if none was sent. */
        Envelope pickAny(FuzzedDataProvider data) {
            List<Body.KindCase> kinds = new ArrayList<>(byKind.keySet());
            return kinds.isEmpty() ? null : pick(kinds.get(data.consumeInt(0, kinds.size() - 1)), data);
        }

        ByteString pickTx(FuzzedDataProvider data) {
            return txs.isEmpty() ? null : get(txs, data);
        }

        ByteString pickInvitedTable(FuzzedDataProvider data) {
            return invitedTables.isEmpty() ? null : get(invitedTables, data);
        }

        private static <T> T get(ArrayDeque<T> q, FuzzedDataProvider data) {
            int i = data.consumeInt(0, q.size() - 1);
            for (T item : q) {
                if (i-- == 0) {
                    return item;
                }
            }
            throw new AssertionError("unreachable");
        }

        /** The body of an envelope a node sent (they always parse). */
        static Body bodyOf(Envelope e) {
            try {
                return Body.parseFrom(e.getBody());
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError("a node sent an envelope whose body does not parse", ex);
            }
        }
    }
}
