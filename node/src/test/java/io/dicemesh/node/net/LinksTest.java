package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one-connection-per-pair rule and peer up/down events: no sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinksTest {
    /** One TCP connection as each end sees it. */
    record Conn(String name, boolean openedBySelf) implements Links.Link {
    }

    private final NodeId low;
    private final NodeId high;
    private final List<String> events = new ArrayList<>();

    LinksTest() {
        NodeId a = Nets.identity().nodeId();
        NodeId b = Nets.identity().nodeId();
        low = a.compareTo(b) < 0 ? a : b;
        high = a.compareTo(b) < 0 ? b : a;
    }

    private Links<Conn> links(NodeId self) {
        return new Links<>(self, new Links.Listener() {
            @Override
            public void peerUp(NodeId peer) {
                events.add("up " + peer.shortHex());
            }

            @Override
            public void peerDown(NodeId peer) {
                events.add("down " + peer.shortHex());
            }
        });
    }

    /** Binds the two ends' views of the connections in the given order and returns the name each side kept. */
    private String survivor(NodeId self, NodeId peer, List<Conn> order) {
        Links<Conn> l = links(self);
        for (Conn c : order) {
            l.bind(c, peer);
        }
        return l.get(peer).name();
    }

    /** An established channel that carries traffic, as each end sees it. */
    record LiveConn(String name, boolean openedBySelf) implements Links.Link {
        @Override
        public boolean establishedAndLive() {
            return true;
        }
    }

    /** Finding 1: a newer channel of the same peer, of either opener, never replaces an established live one. */
    @Test
    void anEstablishedLiveChannelIsKeptOverAnyNewerOne() {
        for (NodeId self : List.of(low, high)) {
            NodeId peer = self.equals(low) ? high : low;
            for (boolean oldMine : new boolean[] {true, false}) {
                for (boolean newMine : new boolean[] {true, false}) {
                    Links<Links.Link> l = new Links<>(self, new Links.Listener() {
                        @Override
                        public void peerUp(NodeId p) {
                        }

                        @Override
                        public void peerDown(NodeId p) {
                        }
                    });
                    LiveConn old = new LiveConn("old", oldMine);
                    l.bind(old, peer);
                    Conn newer = new Conn("new", newMine);
                    Links.Bind<Links.Link> b = l.bind(newer, peer);
                    assertEquals(Links.Outcome.KEPT_LIVE, b.outcome());
                    assertSame(newer, b.loser());
                    assertSame(old, l.get(peer));
                }
            }
        }
    }

    @Test
    void inARaceBothSidesKeepTheConnectionOpenedByTheLowerId() {
        // c1 is opened by low, c2 by high. On low's side c1 is its own dial; on high's side c2 is.
        Conn c1AtLow = new Conn("c1", true);
        Conn c2AtLow = new Conn("c2", false);
        Conn c1AtHigh = new Conn("c1", false);
        Conn c2AtHigh = new Conn("c2", true);
        for (boolean c1First : new boolean[] {true, false}) {
            String atLow = survivor(low, high, c1First ? List.of(c1AtLow, c2AtLow) : List.of(c2AtLow, c1AtLow));
            for (boolean c1FirstAtHigh : new boolean[] {true, false}) {
                String atHigh = survivor(high, low,
                        c1FirstAtHigh ? List.of(c1AtHigh, c2AtHigh) : List.of(c2AtHigh, c1AtHigh));
                assertEquals("c1", atLow);
                assertEquals("c1", atHigh);
            }
        }
    }

    @Test
    void betweenTwoConnectionsOfTheSameOpenerTheNewerWins() {
        assertTrue(Links.newWins(low, high, true, true));
        assertTrue(Links.newWins(low, high, false, false));
        assertTrue(Links.newWins(high, low, true, true));
    }

    @Test
    void bindReportsWhatTheCallerMustClose() {
        Links<Conn> l = links(low);
        Conn theirs = new Conn("theirs", false);
        Conn mine = new Conn("mine", true);
        assertEquals(Links.Outcome.BOUND, l.bind(theirs, high).outcome());
        Links.Bind<Conn> second = l.bind(mine, high);
        assertEquals(Links.Outcome.REPLACED, second.outcome());
        assertSame(theirs, second.loser());
        Links.Bind<Conn> third = l.bind(new Conn("theirs again", false), high);
        assertEquals(Links.Outcome.LOST, third.outcome());
        assertEquals("theirs again", third.loser().name());
        assertSame(mine, l.get(high));
        assertThrows(IllegalStateException.class, () -> l.bind(mine, high));
    }

    @Test
    void upAndDownFollowTheBoundChannelOnly() {
        Links<Conn> l = links(low);
        Conn first = new Conn("first", false);
        Conn second = new Conn("second", false);
        l.bind(first, high);
        l.bind(second, high);
        l.unbind(first, high);
        assertTrue(l.isConnected(high));
        l.unbind(second, high);
        assertFalse(l.isConnected(high));
        assertNull(l.get(high));
        assertEquals(List.of("up " + high.shortHex(), "down " + high.shortHex()), events);
        assertTrue(l.peers().isEmpty());
    }
}
