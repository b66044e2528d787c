package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.LogEntry;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The termination and catch-up side of a table: certificates this node can hand to peers (recent ones from
 * memory, older ones from the ledger), checking certificates it receives, and rate limits on both.
 */
final class CatchUp {
    /**
     * Bytes of recent certificates kept in memory per table (older ones are read from the ledger); the newest
     * one is always kept, so the most held is this plus one frame.
     */
    static final long RECENT_BYTES_MAX = 2L << 20;

    private final TableId table;
    private final KvReader ledger;
    private final int recentMax;
    private final TreeMap<Long, Certificate> recent = new TreeMap<>();
    private long recentBytes;
    private final RateLimiter queries = new RateLimiter(NodeEngineLimits.RATE_LIMITED_PEERS_MAX);
    private final RateLimiter helps = new RateLimiter(NodeEngineLimits.RATE_LIMITED_PEERS_MAX);
    private final RateLimiter answers = new RateLimiter(NodeEngineLimits.RATE_LIMITED_PEERS_MAX);
    /**
     * While a peer has said it is ahead, this node asks again on this timer: a query its peer dropped (it answers
     * at a capped pace) must not end the catch-up of a node nobody sends anything (one evicted or left).
     */
    final Timer retry = new Timer("catch-up-retry");
    long aheadSeq;
    NodeId aheadPeer;

    CatchUp(TableId table, KvReader ledger, int recentMax) {
        this.table = table;
        this.ledger = ledger;
        this.recentMax = recentMax;
    }

    void committed(Certificate certificate) {
        recent.put(certificate.getSeq(), certificate);
        recentBytes += certificate.getSerializedSize();
        while (recent.size() > recentMax || (recentBytes > RECENT_BYTES_MAX && recent.size() > 1)) {
            recentBytes -= recent.pollFirstEntry().getValue().getSerializedSize();
        }
    }

    long heldBytes() {
        return recentBytes;
    }

    /**
     * Consecutive certificates from {@code fromSeq} up to {@code lastSeq}: at most {@code countMax}, and together
     * (each with the few bytes of its field tag) within {@code bytesMax}.
     */
    List<Certificate> certificates(long fromSeq, long lastSeq, int countMax, long bytesMax) {
        List<Certificate> out = new ArrayList<>();
        long bytes = 0;
        for (long seq = Math.max(1, fromSeq); seq <= lastSeq && out.size() < countMax; seq++) {
            Certificate c = certificate(seq);
            if (c == null) {
                break;
            }
            bytes += c.getSerializedSize() + 8L;
            if (bytes > bytesMax) {
                break;
            }
            out.add(c);
        }
        return out;
    }

    /** The certificate of {@code seq} if it is among the recent ones in memory, else null (no ledger read). */
    Certificate recentCertificate(long seq) {
        return recent.get(seq);
    }

    private Certificate certificate(long seq) {
        Certificate c = recent.get(seq);
        if (c != null || ledger == null) {
            return c;
        }
        byte[] stored = ledger.get(Column.TXLOG, LedgerLayout.logKey(table.bytes(), seq));
        if (stored == null) {
            return null;
        }
        try {
            return LogEntry.parseFrom(stored).getCertificate();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("log entry " + seq + " of table " + table + " is corrupt", e);
        }
    }

    /** True (and remembered) when this node may ask {@code peer} again now. */
    boolean mayQuery(NodeId peer, long nowMs, long intervalMs) {
        return queries.allow(peer, nowMs, intervalMs);
    }

    /** True (and remembered) when this node may send {@code peer} unasked certificates now. */
    boolean mayHelp(NodeId peer, long nowMs, long intervalMs) {
        return helps.allow(peer, nowMs, intervalMs);
    }

    /** True (and remembered) when this node may answer a query from {@code peer} now. */
    boolean mayAnswer(NodeId peer, long nowMs, long intervalMs) {
        return answers.allow(peer, nowMs, intervalMs);
    }

    void forgetQuery(NodeId peer) {
        queries.forget(peer);
    }

    /**
     * A certificate's votes in player order if it proves its tx committed at the state's next slot, else null. A
     * table every player has left takes no certificate at all, and none without votes is ever one. A reduced one
     * stands on the quorum rule or on the proofs it carries that every player it goes without lied.
     */
    static List<Envelope> checkCertificate(TableModel state, Certificate c, java.util.function.Function<Envelope,
            VerifyResult> verifier) {
        if (!c.getTableId().equals(state.id().bytes()) || c.getSeq() != state.seq() + 1
                || c.getTx().size() > WireLimits.TX_BYTES_MAX || state.closed() || c.getVotesCount() == 0) {
            return null;
        }
        List<NodeId> active = state.active();
        List<NodeId> excluded = List.of();
        if (c.getVotesCount() != active.size()) {
            // a reduced certificate: every vote names the same X, one that leaves a quorum (DESIGN 5b)
            if (!(verifier.apply(c.getVotes(0)) instanceof Verified first) || first.kind() != Body.KindCase.VOTE) {
                return null;
            }
            // The cheap checks first: it holds a vote of every player but those its votes exclude, and proofs are
            // checked only when the quorum rule does not carry it (then the first proofs, one per seat at most, as
            // TableContext.absorb keeps them). So a crafted certificate costs no proof check unless its counts add up.
            List<ByteString> claimed = first.body().getVote().getExcludedList();
            if (claimed.isEmpty() || c.getVotesCount() != active.size() - claimed.size()) {
                return null;
            }
            excluded = Exclusion.named(state, claimed);
            if (excluded == null || excluded.isEmpty()) {
                return null; // badly named: no proof is worth checking
            }
            if (!Exclusion.leavesQuorum(state, excluded) && !Exclusion.allLiars(active.size(), excluded,
                    LiarProofs.proven(state, c.getLiarProofsList(), verifier))) {
                return null;
            }
        }
        List<NodeId> voters = Exclusion.stayers(active, excluded);
        if (c.getVotesCount() != voters.size()) {
            return null;
        }
        ByteString hash = ByteString.copyFrom(Sha256.hash(c.getTx().toByteArray()));
        for (int i = 0; i < voters.size(); i++) {
            VerifyResult r = verifier.apply(c.getVotes(i));
            if (!(r instanceof Verified v) || v.kind() != Body.KindCase.VOTE || !v.sender().equals(voters.get(i))) {
                return null;
            }
            Vote vote = v.body().getVote();
            if (!vote.getTableId().equals(c.getTableId()) || vote.getSeq() != c.getSeq()
                    || !vote.getTxHash().equals(hash)) {
                return null;
            }
            if (!excluded.isEmpty() && (vote.getView() < 1
                    || !vote.getExcludedList().equals(Exclusion.wire(excluded)))) {
                return null;
            }
        }
        return Evictions.certifiedAsRequired(c.getTx(), excluded) ? c.getVotesList() : null;
    }
}
