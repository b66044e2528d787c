package io.dicemesh.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.NodeId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemon's engine inbox: each peer's share, each peer's reserve, and one bound on everything. */
class FairInboxTest {
    private static NodeId peer(int i) {
        byte[] id = new byte[32];
        id[0] = (byte) (i >> 8);
        id[1] = (byte) i;
        return NodeId.of(id);
    }

    private static final long MESSAGE = 64L << 10;

    /** Offers messages of {@link #MESSAGE} bytes from {@code peer} until refused; how many were taken. */
    private static int fill(FairInbox<String> inbox, NodeId peer) {
        int n = 0;
        while (inbox.offerPeer(peer, "m", MESSAGE)) {
            n++;
        }
        return n;
    }

    @Test
    void manyPeersFillingTheirReservesCannotTakeTheInboxPastItsBound() {
        FairInbox<String> inbox = new FairInbox<>();
        for (int i = 0; inbox.bytes() < FairInbox.BYTES_MAX; i++) {
            fill(inbox, peer(i)); // each takes its share of 8 MiB until the inbox is full
        }
        int reserved = 0;
        for (int i = 1_000; i < 1_000 + 4_096; i++) { // connections enough for 1 GiB of reserves
            reserved += fill(inbox, peer(i));
        }
        assertTrue(reserved > 0, "no peer got its reserve once the inbox was full");
        assertTrue(inbox.bytes() <= FairInbox.BYTES_MAX + FairInbox.RESERVES_BYTES_MAX,
                () -> inbox.bytes() + " bytes waiting");
        assertFalse(inbox.offerPeer(peer(9_999), "m", MESSAGE), "past both bounds a message was still taken");
        // The consumer frees room, and a peer's reserve serves it again.
        List<String> taken = new ArrayList<>();
        try {
            inbox.drainTo(taken, 1_000, 0);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(1_000, taken.size());
        assertTrue(inbox.offerPeer(peer(9_999), "m", MESSAGE));
    }
}
