package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JunkBudgetTest {
    private static final NodeId PEER = Identity.fromSeed(new byte[32]).nodeId();
    private static final NodeId OTHER = Identity.fromSeed(seed(1)).nodeId();

    private static byte[] seed(int first) {
        byte[] s = new byte[32];
        s[0] = (byte) first;
        return s;
    }

    @Test
    void aBurstIsAllowedThenThePeerIsSuspectOnceAndOnlyItself() {
        JunkBudget b = new JunkBudget();
        long now = 1_000_000_000L;
        for (int i = 0; i < JunkBudget.JUNK_BURST; i++) {
            assertFalse(b.report(PEER, now), "junk " + i + " is within the burst");
        }
        assertFalse(b.isSuspect(PEER, now));
        assertTrue(b.report(PEER, now), "the first junk over the allowance makes it suspect");
        assertFalse(b.report(PEER, now), "and it is said once");
        assertTrue(b.isSuspect(PEER, now));
        assertFalse(b.isSuspect(OTHER, now));
    }

    @Test
    void suspicionEndsAfterQuietAndTheAllowanceRefills() {
        JunkBudget b = new JunkBudget();
        long now = 1_000_000_000L;
        for (int i = 0; i <= JunkBudget.JUNK_BURST; i++) {
            b.report(PEER, now);
        }
        long later = now + JunkBudget.SUSPECT_MS * 1_000_000;
        assertFalse(b.isSuspect(PEER, later), "quiet for the whole window");
        assertFalse(b.report(PEER, later), "the allowance refilled meanwhile");
    }

    @Test
    void aSustainedTrickleUnderTheRateNeverMakesAPeerSuspect() {
        JunkBudget b = new JunkBudget();
        long stepNs = 1_000_000_000L / JunkBudget.JUNK_PER_SECOND + 1;
        long now = 0;
        for (int i = 0; i < 10 * JunkBudget.JUNK_BURST; i++, now += stepNs) {
            assertFalse(b.report(PEER, now), "junk " + i);
        }
    }

    @Test
    void retainForgetsPeersThatAreNoLongerTablePeers() {
        JunkBudget b = new JunkBudget();
        for (int i = 0; i <= JunkBudget.JUNK_BURST; i++) {
            b.report(PEER, 0);
        }
        b.retain(Set.of(OTHER));
        assertFalse(b.isSuspect(PEER, 0));
    }
}
