package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Locks}: genuine locks, valid justifications, the lock a justification forces (R3), stale votes (R1). */
@Timeout(10)
class LocksTest {
    private final TableFixture f = new TableFixture(3, 1000, 100_000);
    private final TableModel state = f.fresh();
    private final ByteString hashA = ByteString.copyFrom(Sha256.hash(new byte[] {'A'}));
    private final ByteString hashB = ByteString.copyFrom(Sha256.hash(new byte[] {'B'}));

    /** The identity coordinating (seq 1, view). */
    private Identity coordinator(int view) {
        return f.identityOf(state, state.active().indexOf(state.coordinator(1, view)));
    }

    private Envelope genuineLock(int view, ByteString hash) {
        return Wire.proposal(coordinator(view), f.id, 1, view, hash);
    }

    private Status status(Envelope env) {
        return ((Verified) f.verifier.verify(env)).body().getStatus();
    }

    private Locks.ShownLock shown(int statusView, Envelope lock) {
        Envelope s = Wire.status(f.player(0), f.id, 1, statusView, lock);
        return Locks.shownLock(state, 1, statusView, status(s), f.verifier::verify, java.util.Set.of());
    }

    @Test
    void aStatusWithoutALockShowsNone() {
        assertNull(shown(1, null));
    }

    @Test
    void aGenuineLockNamesItsViewTxAndCoordinator() {
        Envelope lock = genuineLock(0, hashA);
        Locks.ShownLock l = shown(2, lock);
        assertEquals(0, l.view());
        assertEquals(hashA, l.txHash());
        assertEquals(coordinator(0).nodeId(), l.coordinator());
        assertEquals(lock, l.proposal());
    }

    @Test
    void locksThatAreNotGenuineProposalsAreInvalid() {
        assertSame(Locks.INVALID, shown(1, Wire.proposal(coordinator(1), f.id, 1, 0, hashA)), "not its coordinator");
        assertSame(Locks.INVALID, shown(1, Wire.proposal(coordinator(0), f.id, 2, 0, hashA)), "another slot");
        TableFixture other = new TableFixture(3, 1000, 100_000, Wire.rules(101, 1000));
        assertSame(Locks.INVALID, shown(1, Wire.proposal(coordinator(0), other.id, 1, 0, hashA)), "another table");
        assertSame(Locks.INVALID, shown(1, genuineLock(1, hashA)), "a lock must be from a view below the status");
        assertSame(Locks.INVALID, shown(1, genuineLock(2, hashA)));
        assertSame(Locks.INVALID, shown(1, Wire.forged(genuineLock(0, hashA))), "forged");
        assertSame(Locks.INVALID, shown(1, Wire.vote(coordinator(0), f.id, 1, 0, hashA)), "a vote is no proposal");
        assertSame(Locks.INVALID, shown(1, genuineLock(0, ByteString.copyFrom(new byte[31]))), "short hash");
    }

    private List<Envelope> statuses(int view, Envelope... locks) {
        List<Envelope> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            out.add(Wire.status(f.player(i), f.id, 1, view, locks.length > i ? locks[i] : null));
        }
        return out;
    }

    @Test
    void aJustificationWithoutLocksIsValidAndForcesNothing() {
        Locks.Justified j = Locks.check(state, 1, 1, statuses(1), f.verifier::verify, java.util.Set.of());
        assertTrue(j.valid(), j.problem());
        assertNull(j.highestLock());
        assertEquals(3, j.statuses().size());
        assertEquals(f.player(2).nodeId(), j.verified().get(2).sender());
    }

    @Test
    void theHighestLockInAJustificationIsTheTxToPropose() {
        List<Envelope> just = statuses(3, genuineLock(0, hashA), null, genuineLock(2, hashB));
        Locks.Justified j = Locks.check(state, 1, 3, just, f.verifier::verify, java.util.Set.of());
        assertTrue(j.valid(), j.problem());
        assertEquals(2, j.highestLock().view());
        assertEquals(hashB, j.highestLock().txHash());
        just = statuses(3, genuineLock(1, hashA), genuineLock(0, hashB));
        assertEquals(hashA, Locks.check(state, 1, 3, just, f.verifier::verify, java.util.Set.of()).highestLock().txHash());
    }

    @Test
    void aJustificationNeedsExactlyOneStatusPerPlayerInOrderForItsSlotAndView() {
        List<Envelope> good = statuses(1);
        assertFalse(Locks.check(state, 1, 1, good.subList(0, 2), f.verifier::verify, java.util.Set.of()).valid(), "a status missing");
        List<Envelope> four = new ArrayList<>(good);
        four.add(good.get(0));
        assertFalse(Locks.check(state, 1, 1, four, f.verifier::verify, java.util.Set.of()).valid(), "one too many");
        assertFalse(Locks.check(state, 1, 1, List.of(good.get(1), good.get(0), good.get(2)), f.verifier::verify, java.util.Set.of())
                .valid(), "out of player order");
        assertFalse(Locks.check(state, 1, 1, List.of(good.get(0), good.get(0), good.get(2)), f.verifier::verify, java.util.Set.of())
                .valid(), "one player twice");
        assertFalse(Locks.check(state, 1, 2, good, f.verifier::verify, java.util.Set.of()).valid(), "statuses of another view");
        assertFalse(Locks.check(state, 2, 1, good, f.verifier::verify, java.util.Set.of()).valid(), "statuses of another slot");
        List<Envelope> forged = new ArrayList<>(good);
        forged.set(1, Wire.forged(good.get(1)));
        assertFalse(Locks.check(state, 1, 1, forged, f.verifier::verify, java.util.Set.of()).valid(), "a forged status");
        List<Envelope> outsider = new ArrayList<>(good);
        outsider.set(2, Wire.status(f.outsider, f.id, 1, 1, null));
        assertFalse(Locks.check(state, 1, 1, outsider, f.verifier::verify, java.util.Set.of()).valid(), "a status by a non-player");
        List<Envelope> notStatus = new ArrayList<>(good);
        notStatus.set(0, Wire.vote(f.player(0), f.id, 1, 1, hashA));
        assertFalse(Locks.check(state, 1, 1, notStatus, f.verifier::verify, java.util.Set.of()).valid(), "a vote is no status");
        List<Envelope> badLock = statuses(1, Wire.proposal(coordinator(1), f.id, 1, 0, hashA));
        Locks.Justified j = Locks.check(state, 1, 1, badLock, f.verifier::verify, java.util.Set.of());
        assertFalse(j.valid(), "a status with a lock that is not genuine");
        assertTrue(j.problem().contains("genuine"), j.problem());
    }

    @Test
    void aVoteContradictsOnlyALaterStatusThatHidesOrMovesItsLock() {
        Locks.ShownLock lockA0 = new Locks.ShownLock(0, hashA, null, null);
        Locks.ShownLock lockA2 = new Locks.ShownLock(2, hashA, null, null);
        Locks.ShownLock lockB1 = new Locks.ShownLock(1, hashB, null, null);
        assertFalse(Locks.contradicts(1, hashA, 1, null), "a status of the vote's own view");
        assertFalse(Locks.contradicts(2, hashA, 1, null), "a status of an earlier view");
        assertTrue(Locks.contradicts(0, hashA, 1, null), "a later status showing no lock");
        assertTrue(Locks.contradicts(0, hashA, 3, lockB1), "a later status showing another tx");
        assertFalse(Locks.contradicts(0, hashA, 3, lockA0), "a later status showing this vote");
        assertFalse(Locks.contradicts(0, hashA, 3, lockA2), "a later status showing a later vote on the same tx");
        assertTrue(Locks.contradicts(2, hashA, 3, lockA0), "a later status showing an older lock than the vote");
    }
}
