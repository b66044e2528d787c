package io.dicemesh.simulator.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.core.TableId;
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
import java.util.List;
import java.util.SplittableRandom;

/**
 * A hostile node: it sends honest nodes anything it can sign with its own key, on a random schedule, as a
 * stranger on the internet or a seated player gone bad would: random bodies of every kind with fields near the
 * real ones or not, messages for wrong tables, views and seqs, floods, frames at and over the size limits, replays
 * of whatever crossed the network (it sees every frame), signed mutations of them, and invites naming honest
 * nodes. If it is seated it also runs the honest engine, so its honest votes still count and a table it stalls
 * must name it in evidence. It stops when the faults heal.
 */
public final class Hostile {
    /** Virtual ms between bursts, at most. */
    static final long BURST_GAP_MAX_MS = 200;
    /** Bytes of frames near or over the size limits one hostile node sends in a run, at most (they cost time). */
    static final long OVERSIZE_BYTES_MAX = 32L << 20;
    /** Messages in one burst, at most (a flood is a burst of this many small ones). */
    static final int BURST_MAX = 24;
    static final int FLOOD_MAX = 200;

    private final Simulation sim;
    private final SimNode self;
    private final Identity me;
    private final List<TableId> tables;
    private final List<Integer> honest;
    private final SplittableRandom random;
    private boolean stopped;
    private long sent;
    private long oversizeBytes;

    /** @param honest the nodes it attacks; @param tables the tables it aims at (as well as made-up ones) */
    public Hostile(Simulation sim, SimNode self, List<TableId> tables, List<Integer> honest, SplittableRandom random) {
        this.sim = sim;
        this.self = self;
        this.me = self.identity();
        this.tables = List.copyOf(tables);
        this.honest = List.copyOf(honest);
        this.random = random;
    }

    public void start() {
        sim.captureFrames();
        schedule();
    }

    public void stop() {
        stopped = true;
    }

    public long sent() {
        return sent;
    }

    private void schedule() {
        sim.scheduler().after(1 + random.nextLong(BURST_GAP_MAX_MS), () -> {
            if (stopped) {
                return;
            }
            burst();
            schedule();
        });
    }

    private void burst() {
        int target = honest.get(random.nextInt(honest.size()));
        if (random.nextInt(30) == 0) {
            Envelope small = vote(table(), near(seq(table())), random.nextInt(4), hash());
            for (int i = 0; i < 1 + random.nextInt(FLOOD_MAX); i++) {
                send(target, small);
            }
            return;
        }
        for (int i = 1 + random.nextInt(BURST_MAX); i > 0; i--) {
            Envelope e = next();
            if (e != null) {
                send(random.nextInt(4) == 0 ? honest.get(random.nextInt(honest.size())) : target, e);
            }
        }
    }

    private void send(int to, Envelope e) {
        sent++;
        sim.inject(self.index(), to, e);
    }

    private Envelope next() {
        return switch (random.nextInt(40)) {
            case 0, 1, 2, 3 -> replay();
            case 4, 5, 6 -> mutatedReplay();
            case 7, 8 -> invite();
            case 9 -> oversizeBytes < OVERSIZE_BYTES_MAX ? oversize() : tableMessage();
            default -> tableMessage();
        };
    }

    // ------------------------------------------------------------------ replays

    private Envelope replay() {
        return sim.recentFrame(random);
    }

    /** A frame someone else signed, one byte of its body changed, signed again with this node's key. */
    private Envelope mutatedReplay() {
        Envelope seen = replay();
        if (seen == null) {
            return null;
        }
        byte[] body = seen.getBody().toByteArray();
        if (body.length > 0) {
            body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return Signatures.sealBytes(me, body);
    }

    // ------------------------------------------------------------------ made-up messages

    private Envelope tableMessage() {
        TableId t = table();
        long seq = near(seq(t));
        int view = view();
        return switch (random.nextInt(12)) {
            case 0 -> vote(t, seq, view, hash());
            case 1 -> sign(Body.newBuilder().setStatus(status(t, seq, view)).build());
            case 2 -> sign(Body.newBuilder().setNack(Nack.newBuilder().setTableId(tableBytes(t)).setSeq(seq)
                    .setView(view).setReason(NackReason.forNumber(random.nextInt(11))).setDetail("no")).build());
            case 3 -> prepare(t, seq, view);
            case 4 -> sign(Body.newBuilder().setIntentBatch(batch(t)).build());
            case 5 -> sign(Body.newBuilder().setDiceCommitment(DiceCommitment.newBuilder().setTableId(tableBytes(t))
                    .setRollNo(near(roll(t))).setCommitment(hash()).setAfterBatchNo(random.nextInt(4))).build());
            case 6 -> sign(Body.newBuilder().setDiceReveal(DiceReveal.newBuilder().setTableId(tableBytes(t))
                    .setRollNo(near(roll(t))).setNonce(hash())).build());
            case 7 -> sign(Body.newBuilder().setCertificateQuery(CertificateQuery.newBuilder().setTableId(tableBytes(t))
                    .setFromSeq(random.nextInt(4) == 0 ? random.nextLong() : near(seq))
                    .setMaxCount(random.nextInt(200))).build());
            case 8 -> certificateReply(t, seq);
            case 9 -> sign(Body.newBuilder().setEvidenceReport(EvidenceReport.newBuilder().setEvidence(Evidence
                    .newBuilder().setKind(EvidenceKind.EVIDENCE_CONFLICTING_VOTES).setTableId(tableBytes(t))
                    .setCulprit(sim.node(honest.get(0)).id().byteString()).setSeq(seq))).build());
            case 10 -> sign(Body.newBuilder().setGenesisQuery(GenesisQuery.newBuilder().setTableId(tableBytes(t)))
                    .build());
            default -> sign(Body.newBuilder().setGenesisAccept(GenesisAccept.newBuilder().setTableId(tableBytes(t)))
                    .build());
        };
    }

    private Status status(TableId t, long seq, int view) {
        Status.Builder s = Status.newBuilder().setTableId(tableBytes(t)).setSeq(seq).setView(view);
        if (random.nextBoolean()) {
            Envelope seen = anySeen(Body.KindCase.PROPOSAL);
            s.setLockedProposal(seen != null && random.nextBoolean() ? seen
                    : proposal(t, seq, Math.max(0, view - 1), hash()));
        }
        return s.build();
    }

    private Envelope prepare(TableId t, long seq, int view) {
        ByteString tx = random.nextBoolean() ? ByteString.copyFrom(bytes(random.nextInt(512)))
                : Tx.newBuilder().setTableId(tableBytes(t)).setSeq(seq).setPrevHash(hash())
                        .addIntentBatches(sign(Body.newBuilder().setIntentBatch(batch(t)).build())).build()
                        .toByteString();
        Prepare.Builder p = Prepare.newBuilder().setProposal(proposal(t, seq, view,
                ByteString.copyFrom(io.dicemesh.crypto.Sha256.hash(tx.toByteArray())))).setTx(tx);
        for (int i = random.nextInt(4); i > 0; i--) {
            Envelope st = anySeen(Body.KindCase.STATUS);
            p.addJustification(st != null ? st : sign(Body.newBuilder().setStatus(status(t, seq, view)).build()));
        }
        return sign(Body.newBuilder().setPrepare(p).build());
    }

    private Envelope proposal(TableId t, long seq, int view, ByteString txHash) {
        return sign(Body.newBuilder().setProposal(Proposal.newBuilder().setTableId(tableBytes(t)).setSeq(seq)
                .setView(view).setTxHash(txHash)).build());
    }

    private IntentBatch batch(TableId t) {
        IntentBatch.Builder b = IntentBatch.newBuilder().setTableId(tableBytes(t))
                .setPlayer(random.nextInt(5) == 0 ? sim.node(honest.get(0)).id().byteString() : me.nodeId().byteString())
                .setBatchNo(random.nextInt(5) == 0 ? random.nextLong() : 1 + random.nextInt(70));
        for (int i = random.nextInt(6); i >= 0; i--) {
            Intent.Builder in = Intent.newBuilder().setIntentId(random.nextLong());
            switch (random.nextInt(4)) {
                case 0 -> in.setPlaceBet(PlaceBet.newBuilder().setType(BetType.forNumber(random.nextInt(20)))
                        .setAmount(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(600))
                        .setNumber(random.nextInt(12)).setOnBet(random.nextInt(10)));
                case 1 -> in.setTakeDown(TakeDown.newBuilder().setBetId(random.nextInt(10)));
                case 2 -> in.setTransfer(Transfer.newBuilder().setTo(sim.node(honest.get(random.nextInt(
                        honest.size()))).id().byteString()).setAmount(random.nextLong()));
                default -> in.setLeave(Leave.getDefaultInstance());
            }
            b.addIntents(in);
        }
        return b.build();
    }

    private Envelope certificateReply(TableId t, long seq) {
        Certificate.Builder c = Certificate.newBuilder().setTableId(tableBytes(t)).setSeq(seq)
                .setTx(Tx.newBuilder().setTableId(tableBytes(t)).setSeq(seq).setPrevHash(hash()).build()
                        .toByteString());
        for (int i = random.nextInt(4); i > 0; i--) {
            Envelope v = anySeen(Body.KindCase.VOTE);
            c.addVotes(v != null ? v : vote(t, seq, 0, hash()));
        }
        CertificateReply.Builder r = CertificateReply.newBuilder().setTableId(tableBytes(t)).addCertificates(c)
                .setLastSeq(near(seq));
        if (random.nextBoolean()) {
            Envelope p = anySeen(Body.KindCase.PREPARE);
            if (p != null) {
                r.setPrepare(p);
            }
        }
        return sign(Body.newBuilder().setCertificateReply(r).build());
    }

    /** An invite naming honest nodes: valid, or with rules or seats a node must refuse. */
    private Envelope invite() {
        Genesis.Builder g = Genesis.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION)
                .addSeats(Seat.newBuilder().setPlayer(me.nodeId().byteString()).setStack(100))
                .setBank(random.nextInt(10) == 0 ? -1 : 1000).setRules(TableSetup.rules(1 + random.nextInt(500),
                        1 + random.nextInt(5000)))
                .setCreator(me.nodeId().byteString()).setCreatedAtMs(random.nextLong())
                .setSalt(ByteString.copyFrom(bytes(random.nextInt(8) == 0 ? 3 : 16)));
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            g.addSeats(Seat.newBuilder().setPlayer(sim.node(honest.get(random.nextInt(honest.size()))).id()
                    .byteString()).setStack(random.nextInt(1000)));
        }
        return sign(Body.newBuilder().setTableInvite(TableInvite.newBuilder().setGenesis(g.build().toByteString()))
                .build());
    }

    /** A frame at or over a size limit: a Prepare near or over the frame limit, or a batch over its kind's. */
    private Envelope oversize() {
        TableId t = table();
        if (random.nextBoolean()) {
            int size = WireLimits.FRAME_BYTES_MAX - 2048 + random.nextInt(4096);
            oversizeBytes += size;
            return sign(Body.newBuilder().setPrepare(Prepare.newBuilder().setProposal(proposal(t, near(seq(t)), 0,
                    hash())).setTx(ByteString.copyFrom(new byte[size]))).build());
        }
        IntentBatch.Builder b = IntentBatch.newBuilder().setTableId(tableBytes(t)).setPlayer(me.nodeId().byteString())
                .setBatchNo(1);
        b.addIntents(Intent.newBuilder().setTransfer(Transfer.newBuilder().setTo(ByteString.copyFrom(
                new byte[WireLimits.INTENT_BATCH_BYTES_MAX + random.nextInt(1024)])).setAmount(1)));
        oversizeBytes += WireLimits.INTENT_BATCH_BYTES_MAX;
        return sign(Body.newBuilder().setIntentBatch(b).build());
    }

    // ------------------------------------------------------------------ fields near the real ones

    private TableId table() {
        return random.nextInt(8) == 0 || tables.isEmpty() ? TableId.of(bytes(32)) : tables.get(random.nextInt(
                tables.size()));
    }

    private ByteString tableBytes(TableId t) {
        return random.nextInt(30) == 0 ? ByteString.copyFrom(bytes(random.nextInt(40))) : t.bytes();
    }

    private TableState state(TableId t) {
        for (int h : honest) {
            SimNode n = sim.node(h);
            if (n.isUp()) {
                TableState s = n.engine().tableState(t).orElse(null);
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    private long seq(TableId t) {
        TableState s = state(t);
        return s == null ? 1 : s.getSeq() + 1;
    }

    private long roll(TableId t) {
        TableState s = state(t);
        return s == null ? 1 : s.getRollNo();
    }

    private long near(long value) {
        return random.nextInt(10) == 0 ? random.nextLong() : Math.max(0, value - 2 + random.nextInt(6));
    }

    private int view() {
        return switch (random.nextInt(10)) {
            case 0 -> random.nextInt();
            case 1 -> Integer.MAX_VALUE / 2 + random.nextInt(10);
            default -> random.nextInt(12);
        };
    }

    private ByteString hash() {
        if (random.nextInt(10) == 0) {
            return ByteString.copyFrom(bytes(random.nextInt(64)));
        }
        Envelope seen = anySeen(Body.KindCase.VOTE);
        if (seen != null && random.nextBoolean()) {
            try {
                return Body.parseFrom(seen.getBody()).getVote().getTxHash();
            } catch (InvalidProtocolBufferException e) {
                return ByteString.copyFrom(bytes(32));
            }
        }
        return ByteString.copyFrom(bytes(32));
    }

    /** A recently seen frame of this kind (from anyone; a Proposal from inside a Prepare), or null. */
    private Envelope anySeen(Body.KindCase kind) {
        for (int tries = 0; tries < 16; tries++) {
            Envelope e = sim.recentFrame(random);
            if (e == null) {
                return null;
            }
            try {
                Body b = Body.parseFrom(e.getBody());
                if (b.getKindCase() == kind) {
                    return e;
                }
                if (kind == Body.KindCase.PROPOSAL && b.getKindCase() == Body.KindCase.PREPARE) {
                    return b.getPrepare().getProposal();
                }
            } catch (InvalidProtocolBufferException ex) {
                // not a body: try another
            }
        }
        return null;
    }

    private Envelope vote(TableId t, long seq, int view, ByteString hash) {
        return sign(Body.newBuilder().setVote(Vote.newBuilder().setTableId(tableBytes(t)).setSeq(seq).setView(view)
                .setTxHash(hash)).build());
    }

    private Envelope sign(Body body) {
        return Signatures.seal(me, body);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
