package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.NodeId;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The connection budgets, without sockets. */
class ConnectionBudgetTest {
    /** A channel as the budget sees it. */
    static final class Chan implements ConnectionBudget.Member {
        final boolean out;
        final InetAddress from;
        NodeId peer;
        long lastReadNs;

        Chan(boolean out, String from) throws Exception {
            this.out = out;
            this.from = InetAddress.getByName(from);
        }

        @Override
        public boolean openedBySelf() {
            return out;
        }

        @Override
        public InetAddress remoteAddress() {
            return from;
        }

        @Override
        public NodeId peer() {
            return peer;
        }

        @Override
        public long lastReadNs() {
            return lastReadNs;
        }
    }

    private final Set<NodeId> wanted = new HashSet<>();
    private final ConnectionBudget<Chan> budget = new ConnectionBudget<>(
            new ConnectionBudget.Limits(3, 2, 2, 2, 2, 1_000), wanted::contains);

    private Chan bound(boolean out, String from, long lastReadNs) throws Exception {
        Chan c = new Chan(out, from);
        assertTrue(budget.admit(c).ok());
        c.peer = Nets.identity().nodeId();
        c.lastReadNs = lastReadNs;
        assertTrue(budget.bind(c).admitted());
        return c;
    }

    @Test
    void aConnectionFromAWantedPeersHostSkipsTheRatesAStrangerFloodDrained() throws Exception {
        ConnectionBudget<Chan> b = new ConnectionBudget<>(new ConnectionBudget.Limits(4, 1, 2, 2, 2, 1), w -> false);
        long now = 1_000_000_000L;
        assertTrue(b.admit(new Chan(false, "127.10.0.1"), now).ok());
        assertFalse(b.admit(new Chan(false, "127.10.0.2"), now).ok(), "the rate of all (1 a second) is spent");
        Chan fromShare = new Chan(false, "127.10.0.1");
        assertFalse(b.admit(fromShare, now).ok(), "and the first source's share of handshakes is used");
        assertTrue(b.admit(new Chan(false, "127.0.0.1"), now, true).ok(),
                "from the IP a table peer advertises: in, whatever the rates and shares");
        assertTrue(b.admit(new Chan(false, "127.0.0.1"), now, true).ok(), "again, while handshaking has room");
    }

    @Test
    void strangersCannotTakeTheOutboundBudget() throws Exception {
        bound(false, "10.0.1.1", 1);
        bound(false, "10.0.2.1", 2);
        Chan third = new Chan(false, "10.0.3.1");
        assertTrue(budget.admit(third).ok(), "it may handshake");
        third.peer = Nets.identity().nodeId();
        assertFalse(budget.bind(third).admitted(), "but the inbound budget is full");
        assertTrue(budget.outboundRoom());
        bound(true, "10.0.9.9", 3);
        bound(true, "10.0.9.9", 4);
        assertFalse(budget.outboundRoom());
        assertFalse(budget.admit(new Chan(true, "10.0.8.8")).ok());
    }

    /**
     * A prefix gets its share of handshakes; when all handshakes are taken, a newcomer still gets in, in the place
     * of the oldest handshake of the busiest prefix (so silent connections cannot keep a real handshake out).
     */
    @Test
    void aPrefixGetsItsShareAndANewcomerDisplacesTheBusiestPrefixsOldest() throws Exception {
        Chan a1 = new Chan(false, "10.0.1.1");
        Chan a2 = new Chan(false, "10.0.1.2"); // the same /24
        assertTrue(budget.admit(a1).ok());
        assertTrue(budget.admit(a2).ok());
        assertFalse(budget.admit(new Chan(false, "10.0.1.3")).ok(), "the /24's share is 2");
        Chan b1 = new Chan(false, "10.0.2.1");
        assertTrue(budget.admit(b1).ok());
        assertEquals(3, budget.handshaking());
        Chan c1 = new Chan(false, "10.0.3.1");
        ConnectionBudget.Admission<Chan> in = budget.admit(c1);
        assertTrue(in.ok(), "the budget of 3 is full, yet a newcomer gets in");
        assertSame(a1, in.evicted(), "the oldest handshake of the busiest prefix makes room");
        assertEquals(3, budget.handshaking());
        budget.release(a1); // its close comes later and changes nothing
        assertEquals(3, budget.handshaking());
    }

    /** Review H1(b): connections refused for their prefix's share spend none of the rate everyone else needs. */
    @Test
    void refusalsForAPrefixsShareDoNotDrainTheRateOfAll() throws Exception {
        ConnectionBudget<Chan> b = new ConnectionBudget<>(new ConnectionBudget.Limits(100, 2, 100, 100, 100, 10),
                wanted::contains);
        long t = 5_000_000_000L;
        assertTrue(b.admit(new Chan(false, "10.0.1.1"), t).ok());
        assertTrue(b.admit(new Chan(false, "10.0.1.2"), t).ok());
        for (int i = 0; i < 500; i++) {
            assertFalse(b.admit(new Chan(false, "10.0.1.9"), t).ok());
        }
        for (int i = 0; i < 8; i++) {
            assertTrue(b.admit(new Chan(false, "10.1." + i + ".1"), t).ok(), "another prefix, #" + i);
        }
    }

    @Test
    void aPrefixIsAnIpv4Slash24OrAnIpv6Slash64AndEachLoopbackAddressItsOwn() throws Exception {
        assertEquals(InetAddress.getByName("192.0.2.0"), ConnectionBudget.prefixOf(InetAddress.getByName("192.0.2.77")));
        assertEquals(InetAddress.getByName("2001:db8:1:2::"),
                ConnectionBudget.prefixOf(InetAddress.getByName("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        assertEquals(InetAddress.getByName("127.0.0.7"), ConnectionBudget.prefixOf(InetAddress.getByName("127.0.0.7")));
        assertEquals(InetAddress.getByName("::1"), ConnectionBudget.prefixOf(InetAddress.getByName("::1")));
    }

    @Test
    void aWantedPeerEvictsTheLongestSilentStrangerWhenTheInboundBudgetIsFull() throws Exception {
        Chan quiet = bound(false, "10.0.1.1", 5);
        Chan chatty = bound(false, "10.0.2.1", 50);
        Chan stranger = new Chan(false, "10.0.3.1");
        assertTrue(budget.admit(stranger).ok());
        stranger.peer = Nets.identity().nodeId();
        ConnectionBudget.Bind<Chan> refused = budget.bind(stranger);
        assertFalse(refused.admitted());
        assertNotNull(refused.refusal());

        Chan duplicate = new Chan(false, "10.0.5.1");
        assertTrue(budget.admit(duplicate).ok());
        duplicate.peer = Nets.identity().nodeId();
        wanted.add(duplicate.peer);
        assertFalse(budget.bind(duplicate, false).admitted(), "a wanted peer with a live channel evicts nobody");

        Chan friend = new Chan(false, "10.0.4.1");
        assertTrue(budget.admit(friend).ok());
        friend.peer = Nets.identity().nodeId();
        wanted.add(friend.peer);
        ConnectionBudget.Bind<Chan> in = budget.bind(friend);
        assertTrue(in.admitted());
        assertSame(quiet, in.evicted());
        assertEquals(2, budget.inbound());
        budget.release(quiet); // its close comes later and changes nothing
        assertEquals(2, budget.inbound());
        budget.release(chatty);
        assertEquals(1, budget.inbound());
    }

    @Test
    void oneAddressGetsItsShareOfInboundUnlessWanted() throws Exception {
        ConnectionBudget<Chan> b = new ConnectionBudget<>(new ConnectionBudget.Limits(8, 8, 8, 1, 2, 1_000),
                wanted::contains);
        Chan first = new Chan(false, "10.0.0.1");
        b.admit(first);
        first.peer = Nets.identity().nodeId();
        assertTrue(b.bind(first).admitted());
        Chan second = new Chan(false, "10.0.0.2");
        b.admit(second);
        second.peer = Nets.identity().nodeId();
        assertFalse(b.bind(second).admitted(), "the same /24");
        Chan friend = new Chan(false, "10.0.0.3");
        b.admit(friend);
        friend.peer = Nets.identity().nodeId();
        wanted.add(friend.peer);
        assertTrue(b.bind(friend).admitted(), "a wanted peer is never held to its prefix's share");
    }

    @Test
    void newInboundConnectionsAreRateLimited() throws Exception {
        ConnectionBudget<Chan> b = new ConnectionBudget<>(new ConnectionBudget.Limits(100, 100, 100, 100, 100, 10),
                wanted::contains);
        long t = 5_000_000_000L;
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            Chan c = new Chan(false, "10.0." + i + ".1");
            if (b.admit(c, t).ok()) {
                admitted++;
                b.release(c);
            }
        }
        assertEquals(10, admitted, "the burst");
        assertTrue(b.admit(new Chan(true, "10.9.9.9"), t).ok(), "this node's own dials are not limited by it");
        assertTrue(b.admit(new Chan(false, "10.8.8.8"), t + 100_000_000L).ok(), "a tenth of a second later, one more");
        ConnectionBudget<Chan> generous = new ConnectionBudget<>(new ConnectionBudget.Limits(100, 100, 100, 100, 100,
                1_000), wanted::contains);
        int fromOne = 0;
        for (int i = 0; i < 100; i++) {
            Chan c = new Chan(false, "10.7.7.7");
            if (generous.admit(c, t + i).ok()) {
                fromOne++;
                generous.release(c);
            }
        }
        assertEquals(ConnectionBudget.PREFIX_HANDSHAKES_BURST, fromOne, "one prefix gets its own burst");
    }

    /** While the inbound budget is full, few handshakes are begun: each could only end refused. */
    @Test
    void whileTheInboundBudgetIsFullFewHandshakesBegin() throws Exception {
        ConnectionBudget<Chan> b = new ConnectionBudget<>(new ConnectionBudget.Limits(1_000, 1_000, 1, 100, 100,
                1_000), wanted::contains);
        long t = 5_000_000_000L;
        Chan first = new Chan(false, "10.0.1.1");
        assertTrue(b.admit(first, t).ok());
        first.peer = Nets.identity().nodeId();
        assertTrue(b.bind(first).admitted());
        int begun = 0;
        for (int i = 0; i < 100; i++) {
            if (b.admit(new Chan(false, "10.2." + i + ".1"), t).ok()) {
                begun++;
            }
        }
        assertEquals(ConnectionBudget.WHEN_FULL_HANDSHAKES_PER_SECOND, begun);
    }
}
