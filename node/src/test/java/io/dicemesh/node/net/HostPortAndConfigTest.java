package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Address parsing and the config checks that refuse settings which cannot work. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostPortAndConfigTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void parsesNamesIpv4AndBracketedIpv6() {
        assertEquals(new HostPort("node-1.example", 7000), HostPort.parse("node-1.example:7000"));
        assertEquals(new HostPort("10.0.0.1", 1), HostPort.parse("10.0.0.1:1"));
        HostPort v6 = HostPort.parse("[::1]:65535");
        assertEquals(new HostPort("::1", 65535), v6);
        assertEquals("[::1]:65535", v6.toString());
        assertEquals("10.0.0.1:1", HostPort.parse("10.0.0.1:1").toString());
    }

    /** What a peer supplies (its listen address, a gossiped record) and what peers dial: IP literals only. */
    @Test
    void peerAddressesAreIpLiteralsOnly() {
        assertEquals(new HostPort("10.1.2.3", 7000), HostPort.parseLiteral("10.1.2.3:7000"));
        assertEquals(new HostPort("2001:db8::1", 7000), HostPort.parseLiteral("[2001:db8::1]:7000"));
        for (String name : new String[] {"node-1.example:7000", "localhost:7000", "1.2.3:7000", "999.1.1.1:7000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostPort.parseLiteral(name), name);
            assertTrue(e.getMessage().contains("not an IP address"), e.getMessage());
        }
    }

    @Test
    void refusesWhatIsNotHostColonPort() {
        for (String bad : new String[] {"", "host", ":7000", "host:", "host:0", "host:65536", "host:7x",
                "::1:7000", "[::1]7000", "ho st:1", "[zz]:1", "a".repeat(300) + ":1"}) {
            assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(null));
    }

    @Test
    void formatsSocketAddresses() {
        assertEquals("127.0.0.1:0", HostPort.text(ANY));
        assertEquals("127.0.0.1:9", HostPort.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))
                .toString());
        assertEquals("x.example:5", HostPort.text(InetSocketAddress.createUnresolved("x.example", 5)));
        assertEquals("x.example:5", HostPort.of(InetSocketAddress.createUnresolved("x.example", 5)).toString());
    }

    private static TransportConfig with(long heartbeatMs, long idleMs, long baseMs, long maxMs, int queueBytes,
            int connections) {
        return new TransportConfig(ANY, null, List.of(), 1_000, heartbeatMs, idleMs, baseMs, maxMs, queueBytes,
                connections, 1_000);
    }

    @Test
    void defaultsAreValid() {
        TransportConfig d = TransportConfig.defaults(ANY, List.of());
        assertTrue(d.idleTimeoutMs() > d.heartbeatIntervalMs());
        assertTrue(d.outboundQueueBytesMax() >= TransportConfig.OUTBOUND_QUEUE_BYTES_MIN);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        int q = TransportConfig.OUTBOUND_QUEUE_BYTES_MIN;
        assertThrows(IllegalArgumentException.class, () -> with(1_000, 1_000, 10, 100, q, 8), "idle <= heartbeat");
        assertThrows(IllegalArgumentException.class, () -> with(100, 1_000, 100, 10, q, 8), "max < base");
        assertThrows(IllegalArgumentException.class, () -> with(100, 1_000, 10, 100, q - 1, 8), "queue too small");
        assertThrows(IllegalArgumentException.class, () -> with(100, 1_000, 10, 100, q, 0), "no connections");
        assertThrows(IllegalArgumentException.class, () -> with(0, 1_000, 10, 100, q, 8), "zero heartbeat");
        assertThrows(IllegalArgumentException.class, () -> new TransportConfig(ANY, "not an address", List.of(),
                1, 1, 2, 1, 1, q, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TransportConfig.defaults(ANY,
                Collections.nCopies(TransportConfig.JOIN_ADDRESSES_MAX + 1, ANY)));
    }
}
