package io.dicemesh.node.daemon;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.SignatureScheme;
import io.dicemesh.node.net.TransportStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonMetricsTest {
    /**
     * Micrometer holds what a gauge or function counter reads only weakly unless told otherwise: the lambdas the
     * daemon passes were collected and the gauges read NaN in production. They must survive collections.
     */
    @Test
    void gaugesOverLambdasStillReadTheirValuesAfterGarbageCollection() throws InterruptedException {
        long[] in = {1234};
        int[] peers = {3};
        int[] inbox = {7};
        // capturing lambdas, as the daemon's are: each is a new object that nothing else holds
        DaemonMetrics metrics = new DaemonMetrics(() -> new TransportStats(in[0], 5678, 1, 2, Map.of(), Map.of(), 0,
                Map.of(), Map.of()), () -> peers[0], () -> inbox[0]);
        metrics.watch(EnvelopeVerifier.remembering(SignatureScheme.ed25519()).memo()); // the verifier is dropped
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        String text = metrics.scrape();
        assertTrue(text.contains("dicemesh_peers_connected 3.0"), text);
        assertTrue(text.contains("dicemesh_engine_inbox 7.0"), text);
        assertTrue(text.contains("dicemesh_bytes_in_bytes_total 1234.0"), text);
        assertTrue(text.contains("dicemesh_bytes_out_bytes_total 5678.0"), text);
        assertTrue(text.contains("dicemesh_signature_checks_total{result=\"remembered\"} 0.0"), text);
        assertTrue(text.contains("dicemesh_signature_checks_total{result=\"checked\"} 0.0"), text);
        assertThrows(IllegalStateException.class, () -> metrics.watch(EnvelopeVerifier.remembering(
                SignatureScheme.ed25519()).memo()), "watched once");
    }

    @Test
    void messagesInAreCountedByKindAndEveryKindShowsFromTheStart() {
        DaemonMetrics metrics = new DaemonMetrics(() -> new TransportStats(0, 0, 0, 0, Map.of(), Map.of(), 0,
                Map.of(), Map.of()), () -> 0, () -> 0);
        metrics.messageIn(io.dicemesh.protocol.Body.KindCase.VOTE);
        metrics.messageIn(io.dicemesh.protocol.Body.KindCase.VOTE);
        metrics.messageIn(io.dicemesh.protocol.Body.KindCase.KIND_NOT_SET); // not a kind: not counted, no error
        String text = metrics.scrape();
        assertTrue(text.contains("dicemesh_messages_in_total{kind=\"vote\"} 2.0"), text);
        assertTrue(text.contains("dicemesh_messages_in_total{kind=\"prepare\"} 0.0"), text);
        assertTrue(!text.contains("kind_not_set"), text);
    }
}
