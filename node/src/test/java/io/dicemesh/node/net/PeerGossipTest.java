package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.PeerList;
import io.dicemesh.protocol.PeerRecord;
import io.dicemesh.protocol.WireLimits;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Peer-record gossip and the bounded peer table: no sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerGossipTest {
    private final EnvelopeVerifier verifier = new EnvelopeVerifier();
    private final Identity self = Nets.identity();
    private final Identity bob = Nets.identity();
    private final Identity carol = Nets.identity();
    private final AtomicLong clockMs = new AtomicLong(1_000_000);
    private final Set<NodeId> connected = new HashSet<>();
    private final PeerTable table = new PeerTable(self.nodeId(), 8, connected::contains);
    private final PeerGossip gossip = new PeerGossip(self, verifier, table, clockMs::get);

    private static Envelope record(Identity signer, NodeId about, String addr, long seenAtMs) {
        return Signatures.seal(signer, Body.newBuilder().setPeerRecord(PeerRecord.newBuilder()
                .setNodeId(about.byteString()).setAddr(addr).setSeenAtMs(seenAtMs)).build());
    }

    private static Envelope record(Identity who, String addr, long seenAtMs) {
        return record(who, who.nodeId(), addr, seenAtMs);
    }

    private static final PeerGossip.VerifyBudget UNLIMITED = () -> true;

    private static PeerList list(Envelope... records) {
        return PeerList.newBuilder().addAllPeers(List.of(records)).build();
    }

    @Test
    void validRecordsAreLearnedAndTheNewestWins() {
        PeerGossip.Outcome o = gossip.accept(list(record(bob, "10.0.0.2:7000", 5),
                record(carol, "[2001:db8::1]:1", 5)), UNLIMITED);
        assertEquals(2, o.learned());
        assertNull(o.rejection());
        assertEquals(Map.of(bob.nodeId(), "10.0.0.2:7000", carol.nodeId(), "[2001:db8::1]:1"), table.addresses());
        gossip.accept(list(record(bob, "10.0.0.9:7000", 9)), UNLIMITED);
        assertEquals("10.0.0.9:7000", table.addressOf(bob.nodeId()));
        PeerGossip.Outcome stale = gossip.accept(list(record(bob, "10.0.0.1:7000", 7)), UNLIMITED);
        assertEquals(0, stale.learned());
        assertEquals(1, stale.ignored());
        assertEquals("10.0.0.9:7000", table.addressOf(bob.nodeId()));
    }

    /** A name would need a lookup, which Netty makes on an event loop: peers advertise IP literals only. */
    @Test
    void aRecordNamingAHostIsNotLearned() {
        PeerGossip.Outcome o = gossip.accept(list(record(carol, "h.example:1", 5)), UNLIMITED);
        assertEquals(0, o.learned());
        assertEquals(Map.of(), table.addresses());
    }

    @Test
    void aRecordKeptAlreadyIsNotVerifiedAgain() {
        Envelope r = record(bob, "10.0.0.2:7000", 5);
        gossip.accept(list(r), UNLIMITED);
        assertTrue(table.holds(r));
        assertEquals(1, gossip.accept(list(r), UNLIMITED).ignored());
    }

    @Test
    void aForgedRecordIsRejectedWithItsReason() {
        Envelope good = record(bob, "10.0.0.2:7000", 5);
        Envelope forged = good.toBuilder().setBody(record(bob, "6.6.6.6:7000", 6).getBody()).build();
        PeerGossip.Outcome o = gossip.accept(list(forged), UNLIMITED);
        assertEquals(RejectReason.BAD_SIGNATURE, o.rejection().reason());
        assertNull(table.addressOf(bob.nodeId()));
    }

    @Test
    void aRecordSignedByAnotherNodeIsRejected() {
        PeerGossip.Outcome o = gossip.accept(list(record(carol, bob.nodeId(), "6.6.6.6:7000", 6)), UNLIMITED);
        assertEquals(RejectReason.BAD_SENDER, o.rejection().reason());
        assertNull(table.addressOf(bob.nodeId()));
    }

    @Test
    void aRecordOfAnotherKindIsRejected() {
        PeerGossip.Outcome o = gossip.accept(list(Nets.app(bob, "not a record")), UNLIMITED);
        assertEquals(RejectReason.UNEXPECTED_KIND, o.rejection().reason());
    }

    @Test
    void ownFutureDatedAndUnusableRecordsAreIgnored() {
        PeerGossip.Outcome o = gossip.accept(list(record(self, "127.0.0.1:1", 5),
                record(bob, "10.0.0.2:7000", clockMs.get() + PeerGossip.FUTURE_SKEW_MS_MAX + 1),
                record(carol, "no-port", 5)), UNLIMITED);
        assertEquals(0, o.learned());
        assertEquals(3, o.ignored());
        assertTrue(table.addresses().isEmpty());
    }

    @Test
    void aListOverTheLimitIsRefusedUnread() {
        PeerList.Builder b = PeerList.newBuilder();
        Envelope r = record(bob, "10.0.0.2:7000", 5);
        for (int i = 0; i <= WireLimits.PEERS_PER_LIST_MAX; i++) {
            b.addPeers(r);
        }
        assertTrue(gossip.accept(b.build(), UNLIMITED).overLimit());
        assertNull(table.addressOf(bob.nodeId()));
    }

    @Test
    void theOwnRecordLeadsTheListAndTheListStaysWithinTheLimit() {
        for (int i = 0; i < 8; i++) {
            Identity other = Nets.identity();
            gossip.accept(list(record(other, "10.0.0." + i + ":7000", i)), UNLIMITED);
        }
        Envelope own = gossip.ownRecord("127.0.0.1:7000");
        PeerList pl = gossip.peerList(own).getPeerList();
        assertEquals(own, pl.getPeers(0));
        assertEquals(9, pl.getPeersCount());
        Verified mine = assertInstanceOf(Verified.class, verifier.verify(own, Body.KindCase.PEER_RECORD));
        assertEquals(clockMs.get(), mine.body().getPeerRecord().getSeenAtMs());
        assertEquals("127.0.0.1:7000", mine.body().getPeerRecord().getAddr());
    }

    @Test
    void aFullTableEvictsTheOldestPeerThatIsNeitherWantedNorConnected() {
        Identity[] ids = new Identity[8];
        for (int i = 0; i < 8; i++) {
            ids[i] = Nets.identity();
            assertEquals(PeerTable.Offer.LEARNED, table.offer(ids[i].nodeId(), "10.0.0.1:" + (i + 1), 100 + i,
                    record(ids[i], "10.0.0.1:" + (i + 1), 100 + i)));
        }
        table.setWanted(Set.of(ids[0].nodeId()));
        connected.add(ids[1].nodeId());
        Identity newcomer = Nets.identity();
        assertEquals(PeerTable.Offer.LEARNED, table.offer(newcomer.nodeId(), "10.0.0.2:1", 1,
                record(newcomer, "10.0.0.2:1", 1)));
        assertEquals(8, table.size());
        assertTrue(table.addresses().containsKey(ids[0].nodeId()), "wanted peers stay");
        assertTrue(table.addresses().containsKey(ids[1].nodeId()), "connected peers stay");
        assertFalse(table.addresses().containsKey(ids[2].nodeId()), "the oldest other peer goes");
    }

    @Test
    void aTableFullOfPeersItMustKeepDropsNewRecords() {
        Set<NodeId> all = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            Identity id = Nets.identity();
            all.add(id.nodeId());
            table.offer(id.nodeId(), "10.0.0.1:1", 1, record(id, "10.0.0.1:1", 1));
        }
        table.setWanted(all);
        Identity newcomer = Nets.identity();
        assertEquals(PeerTable.Offer.FULL, table.offer(newcomer.nodeId(), "10.0.0.2:1", 1,
                record(newcomer, "10.0.0.2:1", 1)));
        assertFalse(table.wanted().contains(self.nodeId()));
    }

    @Test
    void wantingItselfIsIgnored() {
        table.setWanted(Set.of(self.nodeId(), bob.nodeId()));
        assertEquals(Set.of(bob.nodeId()), table.wanted());
        assertEquals(PeerTable.Offer.STALE, table.offer(self.nodeId(), "1.2.3.4:5", 1, record(self, "1.2.3.4:5", 1)));
        assertFalse(table.holds(Envelope.newBuilder().setSender(ByteString.copyFrom(new byte[3])).build()));
    }

    /** Finding 4: a replayed or older record costs no signature check, and a list costs at most its budget. */
    @Test
    void replayedRecordsCostNoSignatureCheckAndABudgetBoundsTheRest() {
        io.dicemesh.node.core.CountingScheme counting = new io.dicemesh.node.core.CountingScheme();
        PeerTable t = new PeerTable(self.nodeId(), 1024, connected::contains);
        PeerGossip g = new PeerGossip(self, new EnvelopeVerifier(counting), t, clockMs::get);
        Envelope newest = record(bob, "10.0.0.2:7000", 9);
        assertEquals(1, g.accept(list(newest), UNLIMITED).learned());
        long before = counting.verifications();
        PeerGossip.Outcome replay = g.accept(list(record(bob, "10.0.0.3:7000", 8), record(bob, "10.0.0.4:7000", 9),
                newest), UNLIMITED);
        assertEquals(3, replay.ignored());
        assertEquals(before, counting.verifications(), "no signature was checked for records not newer than known");

        Envelope[] strangers = new Envelope[50];
        for (int i = 0; i < strangers.length; i++) {
            strangers[i] = record(Nets.identity(), "10.1.0." + i + ":7000", 5);
        }
        int[] budget = {10};
        PeerGossip.Outcome limited = g.accept(list(strangers), () -> budget[0]-- > 0);
        assertEquals(10, limited.learned());
        assertEquals(40, limited.skipped());
        assertEquals(before + 10, counting.verifications());
    }

    @Test
    void aTokenBucketAllowsItsBurstThenItsRate() {
        TokenBucket b = new TokenBucket(10, 5);
        long t = 1_000_000_000L;
        int taken = 0;
        for (int i = 0; i < 100; i++) {
            taken += b.tryTake(t) ? 1 : 0;
        }
        assertEquals(5, taken, "the burst");
        taken = 0;
        for (int i = 0; i < 100; i++) { // one second, in steps of 10 ms
            t += 10_000_000L;
            taken += b.tryTake(t) ? 1 : 0;
        }
        assertEquals(10, taken, 1, "the rate");
    }
}
