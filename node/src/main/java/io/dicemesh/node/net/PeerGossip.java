package io.dicemesh.node.net;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.crypto.Rejection;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.PeerList;
import io.dicemesh.protocol.PeerRecord;
import io.dicemesh.protocol.WireLimits;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Peer-record gossip without sockets: signs this node's own {@code PeerRecord}, builds the {@code PeerList} bodies
 * it sends, and checks received lists record by record (each one's signature, that it is signed by the node it
 * describes, its address) before the {@link PeerTable} keeps the newest. Thread-safe (state lives in the table).
 */
final class PeerGossip {
    /** A record dated further ahead of this node's clock than this is ignored (a skewed clock, not an attack). */
    static final long FUTURE_SKEW_MS_MAX = 10 * 60_000L;

    /**
     * The outcome of one received list.
     *
     * @param learned   records newer than what was known
     * @param ignored   records already known or not newer than known, describing this node, future-dated, with
     *                  an unusable address, or dropped because the table is full of peers it must keep
     * @param skipped   records left unread because the sender's verification budget was spent (gossip repeats
     *                  itself, so a genuine record comes again)
     * @param rejection the first record that failed verification, or null; the sender relayed a forgery
     * @param overLimit the list holds more than {@link WireLimits#PEERS_PER_LIST_MAX} records (nothing was read)
     */
    record Outcome(int learned, int ignored, int skipped, Rejection rejection, boolean overLimit) {
    }

    private final Identity self;
    private final EnvelopeVerifier verifier;
    private final PeerTable table;
    private final LongSupplier wallClockMs;

    PeerGossip(Identity self, EnvelopeVerifier verifier, PeerTable table, LongSupplier wallClockMs) {
        this.self = self;
        this.verifier = verifier;
        this.table = table;
        this.wallClockMs = wallClockMs;
    }

    /** This node's record for {@code advertisedAddr}, signed now. */
    Envelope ownRecord(String advertisedAddr) {
        return Signatures.seal(self, Body.newBuilder().setPeerRecord(PeerRecord.newBuilder()
                .setNodeId(self.nodeId().byteString())
                .setAddr(advertisedAddr)
                .setSeenAtMs(wallClockMs.getAsLong())).build());
    }

    /** A PeerList body: this node's record first, then the newest known records, at most the wire limit. */
    Body peerList(Envelope ownRecord) {
        List<Envelope> others = table.newestRecords(WireLimits.PEERS_PER_LIST_MAX - 1);
        return Body.newBuilder().setPeerList(PeerList.newBuilder().addPeers(ownRecord).addAllPeers(others)).build();
    }

    /** Decides whether one more record of a list may be verified: the sender's budget of signature checks. */
    interface VerifyBudget {
        boolean tryTake();
    }

    /**
     * Checks the records of a received list and keeps the valid newer ones; stops at the first forgery. A record
     * not newer than the one kept is ignored without a signature check; the others each take one unit of
     * {@code budget} first, and once it is spent the rest are skipped.
     */
    Outcome accept(PeerList list, VerifyBudget budget) {
        if (list.getPeersCount() > WireLimits.PEERS_PER_LIST_MAX) {
            return new Outcome(0, 0, 0, null, true);
        }
        long nowMs = wallClockMs.getAsLong();
        int learned = 0;
        int ignored = 0;
        int skipped = 0;
        for (Envelope record : list.getPeersList()) {
            if (table.holds(record) || table.hasAtLeastAsNew(record)) {
                ignored++;
                continue;
            }
            if (!budget.tryTake()) {
                skipped++;
                continue;
            }
            VerifyResult r = verifier.verify(record, Body.KindCase.PEER_RECORD);
            if (r instanceof Rejection rejection) {
                return new Outcome(learned, ignored, skipped, rejection, false);
            }
            Verified v = (Verified) r;
            PeerRecord pr = v.body().getPeerRecord();
            if (!v.sender().matches(pr.getNodeId())) {
                return new Outcome(learned, ignored, skipped, new Rejection(RejectReason.BAD_SENDER,
                        "peer record of another node signed by " + v.sender().shortHex()), false);
            }
            if (!usable(pr, nowMs)) {
                ignored++;
                continue;
            }
            // Kept as seen no later than now: a record dated ahead (a skewed clock, or a stranger's trick to stay at
            // the top of every list this node sends and to outlive honest records) ranks as if it were signed now.
            PeerTable.Offer offer = table.offer(v.sender(), pr.getAddr(), Math.min(pr.getSeenAtMs(), nowMs), record);
            if (offer == PeerTable.Offer.LEARNED) {
                learned++;
            } else {
                ignored++;
            }
        }
        return new Outcome(learned, ignored, skipped, null, false);
    }

    private boolean usable(PeerRecord pr, long nowMs) {
        if (self.nodeId().matches(pr.getNodeId()) || pr.getSeenAtMs() > nowMs + FUTURE_SKEW_MS_MAX) {
            return false;
        }
        try {
            HostPort.parseLiteral(pr.getAddr());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
