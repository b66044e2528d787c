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
        assertNull(budget.admit(c));
        c.peer = Nets.identity().nodeId();
        c.lastReadNs = lastReadNs;
        assertTrue(budget.bind(c).admitted());
        return c;
    }

    @Test
    void strangersCannotTakeTheOutboundBudget() throws Exception {
        bound(false, "10.0.0.1", 1);
        bound(false, "10.0.0.2", 2);
        Chan third = new Chan(false, "10.0.0.3");
        assertNull(budget.admit(third), "it may handshake");
        third.peer = Nets.identity().nodeId();
        assertFalse(budget.bind(third).admitted(), "but the inbound budget is full");
        assertTrue(budget.outboundRoom());
        bound(true, "10.0.0.9", 3);
        bound(true, "10.0.0.9", 4);
        assertFalse(budget.outboundRoom());
        assertNotNull(budget.admit(new Chan(true, "10.0.0.8")));
    }

    @Test
    void oneAddressGetsItsShareOfHandshakesAndEveryAddressTheBudget() throws Exception {
        assertNull(budget.admit(new Chan(false, "10.0.0.1")));
        assertNull(budget.admit(new Chan(false, "10.0.0.1")));
        assertNotNull(budget.admit(new Chan(false, "10.0.0.1")), "its share is 2");
        Chan third = new Chan(false, "10.0.0.2");
        assertNull(budget.admit(third));
        assertNotNull(budget.admit(new Chan(false, "10.0.0.3")), "the budget is 3");
        budget.release(third);
        budget.release(third); // idempotent
        assertNull(budget.admit(new Chan(false, "10.0.0.3")));
        assertEquals(3, budget.handshaking());
    }

    @Test
    void aWantedPeerEvictsTheLongestSilentStrangerWhenTheInboundBudgetIsFull() throws Exception {
        Chan quiet = bound(false, "10.0.0.1", 5);
        Chan chatty = bound(false, "10.0.0.2", 50);
        Chan stranger = new Chan(false, "10.0.0.3");
        assertNull(budget.admit(stranger));
        stranger.peer = Nets.identity().nodeId();
        ConnectionBudget.Bind<Chan> refused = budget.bind(stranger);
        assertFalse(refused.admitted());
        assertNotNull(refused.refusal());

        Chan friend = new Chan(false, "10.0.0.4");
        assertNull(budget.admit(friend));
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
        Chan second = new Chan(false, "10.0.0.1");
        b.admit(second);
        second.peer = Nets.identity().nodeId();
        assertFalse(b.bind(second).admitted());
        Chan friend = new Chan(false, "10.0.0.1");
        b.admit(friend);
        friend.peer = Nets.identity().nodeId();
        wanted.add(friend.peer);
        assertTrue(b.bind(friend).admitted(), "a wanted peer is never held to its address's share");
    }

    @Test
    void newInboundConnectionsAreRateLimited() throws Exception {
        ConnectionBudget<Chan> b = new ConnectionBudget<>(new ConnectionBudget.Limits(100, 100, 100, 100, 100, 10),
                wanted::contains);
        long t = 5_000_000_000L;
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            Chan c = new Chan(false, "10.0." + i + ".1");
            if (b.admit(c, t) == null) {
                admitted++;
                b.release(c);
            }
        }
        assertEquals(10, admitted, "the burst");
        assertNull(b.admit(new Chan(true, "10.9.9.9"), t), "this node's own dials are not limited by it");
        assertNull(b.admit(new Chan(false, "10.8.8.8"), t + 100_000_000L), "a tenth of a second later, one more");
    }
}
