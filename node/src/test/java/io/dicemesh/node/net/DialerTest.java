package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.PeerRecord;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What gets dialed and when, with a recording connector: no sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DialerTest {
    record Dial(Dialer.Target target, InetSocketAddress addr) {
    }

    record Conn(boolean openedBySelf) implements Links.Link {
    }

    private final Identity self = Nets.identity();
    private final Identity bob = Nets.identity();
    private final List<Dial> dials = new ArrayList<>();
    private final Links<Conn> links = new Links<>(self.nodeId(), new Links.Listener() {
        @Override
        public void peerUp(NodeId peer) {
        }

        @Override
        public void peerDown(NodeId peer) {
        }
    });
    private final PeerTable peers = new PeerTable(self.nodeId(), 16, links::isConnected);
    private final TransportConfig config = Nets.fast(); // reconnect 20..200 ms, 64 connections
    private final Dialer dialer = new Dialer(config, links, peers, (t, a) -> dials.add(new Dial(t, a)),
            new Random(1));
    private final InetSocketAddress joinAddr = InetSocketAddress.createUnresolved("10.0.0.1", 7000);

    private void learn(Identity who, String addr, long seenAtMs) {
        peers.offer(who.nodeId(), addr, seenAtMs, Signatures.seal(who, Body.newBuilder().setPeerRecord(
                PeerRecord.newBuilder().setNodeId(who.nodeId().byteString()).setAddr(addr).setSeenAtMs(seenAtMs))
                .build()));
    }

    @Test
    void aJoinAddressIsDialedAtOnceAndRedialedAfterAFailure() {
        dialer.addJoin(joinAddr, 0);
        dialer.tick(0, true);
        assertEquals(List.of(new Dial(new Dialer.JoinTarget(joinAddr), joinAddr)), dials);
        dialer.tick(5, true);
        assertEquals(1, dials.size(), "one dial in flight at a time");
        dialer.dialFailed(new Dialer.JoinTarget(joinAddr), 5);
        dialer.tick(5 + config.reconnectBaseMs(), true);
        assertEquals(2, dials.size());
    }

    @Test
    void aWantedPeerIsDialedOnlyOnceItsAddressIsKnown() {
        dialer.setWanted(Set.of(bob.nodeId()), 0);
        dialer.tick(0, true);
        assertTrue(dials.isEmpty());
        learn(bob, "10.0.0.2:7001", 1);
        dialer.tick(1, true);
        assertEquals(List.of(new Dial(new Dialer.PeerTarget(bob.nodeId()),
                new InetSocketAddress(com.google.common.net.InetAddresses.forString("10.0.0.2"), 7001))), dials);
    }

    @Test
    void nothingIsDialedWhenTheConnectionsAreFull() {
        dialer.addJoin(joinAddr, 0);
        dialer.tick(0, false);
        assertTrue(dials.isEmpty());
        dialer.tick(1, true);
        assertEquals(1, dials.size());
    }

    @Test
    void aConnectedJoinIsNotRedialedUntilItsNodeGoesAway() {
        Dialer.JoinTarget join = new Dialer.JoinTarget(joinAddr);
        dialer.addJoin(joinAddr, 0);
        dialer.tick(0, true);
        Conn c = new Conn(true);
        links.bind(c, bob.nodeId());
        dialer.onBound(join, bob.nodeId(), 1);
        dialer.tick(10_000, true);
        assertEquals(1, dials.size());
        links.unbind(c, bob.nodeId());
        dialer.tick(20_000, true);
        dialer.tick(20_000 + config.reconnectBaseMs(), true);
        assertEquals(2, dials.size());
    }

    @Test
    void aJoinDialClosedAsARaceLoserCountsAsConnected() {
        Dialer.JoinTarget join = new Dialer.JoinTarget(joinAddr);
        dialer.addJoin(joinAddr, 0);
        dialer.tick(0, true);
        links.bind(new Conn(false), bob.nodeId());
        dialer.onClosedUnbound(join, DisconnectCause.PEER_CLOSED, bob.nodeId(), 1);
        dialer.tick(10_000, true);
        assertEquals(1, dials.size(), "no redial while bob is connected");
    }

    @Test
    void aJoinAddressThatIsThisNodeIsDropped() {
        Dialer.JoinTarget join = new Dialer.JoinTarget(joinAddr);
        dialer.addJoin(joinAddr, 0);
        dialer.tick(0, true);
        dialer.onClosedUnbound(join, DisconnectCause.SELF_CONNECTION, self.nodeId(), 1);
        dialer.tick(100_000, true);
        assertEquals(1, dials.size());
    }

    @Test
    void joinAddressesAreBounded() {
        for (int i = 0; i < TransportConfig.JOIN_ADDRESSES_MAX; i++) {
            dialer.addJoin(InetSocketAddress.createUnresolved("10.0.1." + i, 7000), 0);
        }
        dialer.addJoin(InetSocketAddress.createUnresolved("10.0.1.0", 7000), 0);
        assertThrows(IllegalStateException.class,
                () -> dialer.addJoin(InetSocketAddress.createUnresolved("10.0.2.0", 7000), 0));
    }
}
