package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Certificate;
import io.dicemesh.protocol.CertificateReply;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Evidence;
import io.dicemesh.protocol.EvidenceKind;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.GenesisQuery;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.Seat;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.TableInvite;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Transfer;
import io.dicemesh.protocol.WireLimits;
import io.dicemesh.node.ledger.StoreProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression tests for what a review of the core, read as an attacker would, found: input from the network that
 * stopped a node, exhausted its memory, framed an honest player or blocked a table. Each test is named for what
 * must hold and failed before the fix it guards.
 */
@Timeout(60)
class HostileInputTest {
    private static final long SEED = NodeEngineTest.SEED;

    /** Unsigned bytes a relay could add to an envelope or a body: an unknown field of {@code bytes} bytes. */
    static UnknownFieldSet padding(int bytes) {
        return UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFrom(new byte[bytes])).build()).build();
    }

    private static void leave(EngineHarness h, int node, TableId t) {
        long id = h.command(node, new ClientRequest.Leave(t));
        h.advance(50);
        ClientResult.IntentDone done = assertInstanceOf(ClientResult.IntentDone.class, h.reply(node, id));
        assertTrue(done.outcome().accepted(), "node " + node + " could not leave: " + done);
    }

    private static Body certificateReply(TableId t, long seq, ByteString tx, List<Envelope> votes) {
        Certificate cert = Certificate.newBuilder().setTableId(t.bytes()).setSeq(seq).setTx(tx).addAllVotes(votes)
                .build();
        return Body.newBuilder().setCertificateReply(CertificateReply.newBuilder().setTableId(t.bytes())
                .addCertificates(cert).setLastSeq(seq)).build();
    }

    private static boolean evidenceNames(EngineHarness h, int node, TableId t, int culprit) {
        return h.engine(node).evidence(t).stream().anyMatch(e -> e.getCulprit().equals(h.id(culprit).byteString()));
    }

    /** Every engine up holds no more bytes for messages than the core's limits add up to. */
    private static void withinBudget(EngineHarness h) {
        for (int i = 0; i < h.size(); i++) {
            if (h.node(i).isUp()) {
                long held = h.engine(i).heldBytes();
                long budget = h.engine(i).heldBytesBudget();
                assertTrue(held <= budget, "node " + i + " holds " + held + " bytes for messages, over " + budget);
            }
        }
    }

    private static long evidenceOf(EngineHarness h, int node, TableId t, EvidenceKind kind, int culprit) {
        return h.engine(node).evidence(t).stream()
                .filter(e -> e.getKind() == kind && e.getCulprit().equals(h.id(culprit).byteString())).count();
    }

    // ------------------------------------------------------------------ finding 1: remote crash

    @Test
    void aZeroVoteCertificateForATableEveryPlayerLeftIsRefusedAndTheNodeGoesOn() {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = NodeEngineTest.table(h, 2);
            leave(h, 0, t);
            leave(h, 1, t);
            TableState closed = h.state(1, t);
            assertTrue(closed.getPlayersList().stream().allMatch(p -> p.getLeft()), "every player left");
            ByteString tx = Wire.tx(t, closed.getSeq() + 1, closed.getLastHash()).build().toByteString();
            Identity stranger = Wire.identity("stranger");
            assertDoesNotThrow(() -> h.inject(1, stranger, certificateReply(t, closed.getSeq() + 1, tx, List.of())));
            assertArrayEquals(closed.toByteArray(), h.state(1, t).toByteArray(), "a closed table stays as it was");
            // The node still works.
            TableId next = h.createTable(List.of(0, 1), 100, 1000, NodeEngineTest.RULES);
            assertEquals(0, h.state(1, next).getSeq());
        }
    }

    /** A 2-player table where player 0 left: player 1 alone is the active set, so its vote alone certifies. */
    private static TableId tableThatPlayer0Left(EngineHarness h) {
        TableId t = NodeEngineTest.table(h, 2);
        leave(h, 0, t);
        h.makePuppet(1);
        return t;
    }

    /** A tx the rules refuse: its only batch carries no intent. */
    private static ByteString invalidTx(EngineHarness h, TableId t, TableState s) {
        return Wire.tx(t, s.getSeq() + 1, s.getLastHash()).addIntentBatches(Wire.batch(h.identity(1), t,
                s.getPlayers(1).getLastBatchNo() + 1)).build().toByteString();
    }

    @Test
    void aCertificateOfTheLastPlayerForAnInvalidTxIsEvidenceNotACrash() {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = tableThatPlayer0Left(h);
            TableState before = h.state(0, t);
            ByteString tx = invalidTx(h, t, before);
            Envelope vote = Wire.vote(h.identity(1), t, before.getSeq() + 1, 0, Wire.hash(tx));
            assertDoesNotThrow(() -> h.inject(0, h.identity(1),
                    certificateReply(t, before.getSeq() + 1, tx, List.of(vote))));
            assertArrayEquals(before.toByteArray(), h.state(0, t).toByteArray());
            assertTrue(evidenceNames(h, 0, t, 1), "the player who certified an invalid tx is named");
            assertEquals(List.of(t), h.engine(0).haltedTables());
            h.crash(0); // keeps only what was synced: the halt must come back from the ledger
            h.restart(0);
            assertEquals(List.of(t), h.engine(0).haltedTables(), "the halt did not survive a restart");
        }
    }

    @Test
    void aPrepareAndAVoteForAnInvalidTxCannotStopANodeThatLeft() {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            TableId t = tableThatPlayer0Left(h);
            TableState before = h.state(0, t);
            ByteString tx = invalidTx(h, t, before);
            long seq = before.getSeq() + 1;
            assertDoesNotThrow(() -> {
                h.inject(0, Wire.prepare(h.identity(1), t, seq, 0, tx, List.of()));
                h.inject(0, Wire.vote(h.identity(1), t, seq, 0, Wire.hash(tx)));
            });
            assertArrayEquals(before.toByteArray(), h.state(0, t).toByteArray());
            assertTrue(evidenceNames(h, 0, t, 1), "the player who voted for an invalid tx is named");
        }
    }

    // ------------------------------------------------------------------ finding 2: views without end

    @Test
    void aLiarCannotDriveAnHonestNodeThroughEndlessViews() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            h.makePuppet(2);
            for (int view = 1; view <= 100; view++) {
                h.inject(0, Wire.status(h.identity(2), t, 1, view, null));
            }
            int followed = h.events(0, Event.ViewChanged.class).size();
            assertTrue(followed <= 2, "node 0 followed the liar through " + followed + " views (each one a synced"
                    + " write)");
            Envelope padded = io.dicemesh.crypto.Signatures.seal(h.identity(2), Body.newBuilder().setStatus(
                    Status.newBuilder().setTableId(t.bytes()).setSeq(1).setView(h.engine(0).currentView(t) + 1)
                            .setUnknownFields(padding(900 * 1024))).build());
            List<Effect> effects = h.inject(0, padded);
            assertTrue(effects.stream().noneMatch(e -> e instanceof Effect.Persist), "a padded Status is refused");
            withinBudget(h);
        }
    }

    // ------------------------------------------------------------------ finding 3: invite flood

    private static Envelope invite(Identity creator, NodeId victim, int salt, UnknownFieldSet extra) {
        byte[] s = new byte[GenesisRules.SALT_BYTES];
        s[0] = (byte) salt;
        s[1] = (byte) (salt >> 8);
        Genesis.Builder g = Genesis.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION)
                .addSeats(Seat.newBuilder().setPlayer(creator.nodeId().byteString()).setStack(100))
                .addSeats(Seat.newBuilder().setPlayer(victim.byteString()).setStack(100)).setBank(1000)
                .setRules(NodeEngineTest.RULES).setCreator(creator.nodeId().byteString()).setCreatedAtMs(1)
                .setSalt(ByteString.copyFrom(s));
        if (extra != null) {
            g.setUnknownFields(extra);
        }
        return io.dicemesh.crypto.Signatures.seal(creator, Body.newBuilder().setTableInvite(TableInvite.newBuilder()
                .setGenesis(g.build().toByteString())).build());
    }

    private static TableId idOf(Envelope invite) {
        try {
            return TableId.of(Sha256.hash(Body.parseFrom(invite.getBody()).getTableInvite().getGenesis()
                    .toByteArray()));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anInviteFloodNeitherEvictsTheNodesOwnTableNorMakesItDialStrangers() {
        EngineConfig manual = EngineConfig.defaults().withAutoAcceptInvites(false);
        try (EngineHarness h = new EngineHarness(3, SEED, manual, StoreProvider.memory())) {
            h.makePuppet(2);
            ClientResult.TableCreated own = assertInstanceOf(ClientResult.TableCreated.class, h.commandAndPump(0,
                    new ClientRequest.CreateTable(h.ids(0, 2), List.of(100L, 100L), 1000, NodeEngineTest.RULES)));
            for (int i = 0; i < 1100; i++) {
                h.inject(0, invite(Wire.identity("stranger" + i), h.id(0), i, null));
            }
            assertTrue(h.engine(0).hasPendingInvite(own.table()), "the node's own table was evicted");
            assertEquals(Set.of(h.id(2)), h.engine(0).tablePeers(), "players of invites not accepted are dialed");
            withinBudget(h);
        }
    }

    @Test
    void oneCreatorCannotFillTheInvitesAndAGenesisWithUnknownFieldsIsRefused() {
        EngineConfig manual = EngineConfig.defaults().withAutoAcceptInvites(false);
        try (EngineHarness h = new EngineHarness(2, SEED, manual, StoreProvider.memory())) {
            Identity greedy = Wire.identity("greedy");
            List<TableId> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Envelope inv = invite(greedy, h.id(0), i, null);
                sent.add(idOf(inv));
                h.inject(0, inv);
            }
            long held = sent.stream().filter(id -> h.engine(0).hasPendingInvite(id)).count();
            assertTrue(held <= NodeEngineLimits.PENDING_INVITES_PER_CREATOR_MAX, held + " invites of one creator held");
            Envelope padded = invite(Wire.identity("padder"), h.id(0), 1, padding(64));
            h.inject(0, padded);
            assertFalse(h.engine(0).hasPendingInvite(idOf(padded)), "a genesis with unknown fields was held");
        }
    }

    // ------------------------------------------------------------------ finding 4: remembered before checked

    @Test
    void messagesFromStrangersAreNeitherRememberedNorKeptForLater() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            Identity stranger = Wire.identity("stranger");
            int cached = h.engine(0).verifyCacheEntriesForTest();
            for (int i = 0; i < 100; i++) {
                h.inject(0, Wire.commitment(stranger, t, 2, Wire.nonce(i), 0)); // the next roll: kept for later
                h.inject(0, Wire.reveal(stranger, t, 1, Wire.nonce(i))); // the current roll's reveal: kept
                h.inject(0, Wire.vote(stranger, t, 1, 0, Wire.hash(ByteString.copyFrom(new byte[] {(byte) i}))));
            }
            assertEquals(0, h.engine(0).tablesForTest().get(t).deferredForTest(), "a stranger's messages were kept");
            assertEquals(cached, h.engine(0).verifyCacheEntriesForTest(), "a stranger's messages were cached");
            withinBudget(h);
        }
    }

    // ------------------------------------------------------------------ finding 5: maps keyed by signer

    @Test
    void rateLimitStateAndSignedRepliesStayBoundedWhateverTheNumberOfSigners() {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            NodeEngineTest.table(h, 2);
            for (int i = 0; i < 3000; i++) {
                Identity signer = Wire.identity("signer" + i);
                TableId unknown = TableId.of(Sha256.hash(("table" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                h.inject(0, Wire.vote(signer, unknown, 1, 0, unknown.bytes()));
                h.inject(0, signer, Body.newBuilder().setGenesisQuery(GenesisQuery.newBuilder()
                        .setTableId(unknown.bytes())).build());
            }
            assertTrue(h.engine(0).rateLimitEntriesForTest() <= NodeEngineLimits.RATE_LIMITED_PEERS_MAX,
                    h.engine(0).rateLimitEntriesForTest() + " rate-limit entries");
            long signed = h.sent(m -> m.from() == 0 && m.kind() == Body.KindCase.GENESIS_QUERY).size();
            assertTrue(signed <= 16, "node 0 signed " + signed + " genesis queries for strangers");
        }
    }

    // ------------------------------------------------------------------ finding 6: framing honest players

    @Test
    void aRelayedStatusWithUnsignedExtraBytesDoesNotFrameItsSigner() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            h.dropIf(m -> m.kind() == Body.KindCase.PREPARE || m.kind() == Body.KindCase.CERTIFICATE_REPLY);
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(150);
            Envelope status = h.sent(m -> m.from() == 1 && m.kind() == Body.KindCase.STATUS).get(0).envelope();
            h.inject(0, status.toBuilder().setUnknownFields(padding(8)).build());
            assertEquals(0, evidenceOf(h, 0, t, EvidenceKind.EVIDENCE_CONFLICTING_STATUSES, 1),
                    "an honest player was framed by a relay: " + h.engine(0).evidence(t));
        }
    }

    @Test
    void aLiarWhoRewrapsTheCoordinatorsProposalDoesNotFrameIt() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            h.makePuppet(2);
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(20);
            Envelope prepare = h.sent(m -> m.from() == 1 && m.kind() == Body.KindCase.PREPARE).get(0).envelope();
            Envelope proposal;
            try {
                proposal = Body.parseFrom(prepare.getBody()).getPrepare().getProposal();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            Envelope rewrapped = proposal.toBuilder().setUnknownFields(padding(8)).build();
            h.inject(0, Wire.status(h.identity(2), t, 1, 1, rewrapped));
            assertEquals(0, evidenceOf(h, 0, t, EvidenceKind.EVIDENCE_CONFLICTING_PROPOSALS, 1),
                    "the coordinator was framed: " + h.engine(0).evidence(t));
        }
    }

    // ------------------------------------------------------------------ finding 7: one big batch

    /** A batch of 4096 transfers to {@code to}, signed by {@code player}. */
    static Envelope bigBatch(Identity player, TableId t, long batchNo, ByteString to) {
        IntentBatch.Builder b = IntentBatch.newBuilder().setTableId(t.bytes())
                .setPlayer(player.nodeId().byteString()).setBatchNo(batchNo);
        for (int i = 0; i < WireLimits.INTENTS_PER_BATCH_MAX; i++) {
            b.addIntents(Intent.newBuilder().setIntentId(batchNo * WireLimits.INTENTS_PER_BATCH_MAX + i)
                    .setTransfer(Transfer.newBuilder().setTo(to).setAmount(1)));
        }
        return io.dicemesh.crypto.Signatures.seal(player, Body.newBuilder().setIntentBatch(b).build());
    }

    @Test
    void oneHugeBatchAtTheHeadOfTheArrivalOrderDoesNotBlockLaterIntents() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            Envelope huge = bigBatch(h.identity(2), t, 1, ByteString.copyFrom(new byte[215]));
            assertTrue(huge.getSerializedSize() > 900 * 1024 && huge.getSerializedSize() < WireLimits.FRAME_BYTES_MAX,
                    "batch of " + huge.getSerializedSize() + " bytes");
            for (int i = 0; i < 3; i++) {
                h.inject(i, huge);
            }
            long bet = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            assertTrue(h.runUntil(() -> h.reply(0, bet) != null, 3_000), "a later bet never committed");
            assertTrue(assertInstanceOf(ClientResult.IntentDone.class, h.reply(0, bet)).outcome().accepted());
            withinBudget(h);
        }
    }

    // ------------------------------------------------------------------ finding 8: replies over the frame limit

    @Test
    void aLaggingNodeCatchesUpWhenTheCertificateAndTheLockedPrepareTogetherExceedAFrame() {
        try (EngineHarness h = NodeEngineTest.harness(4)) {
            TableId t = NodeEngineTest.table(h, 4);
            for (int i = 0; i < 2; i++) {
                long bet = h.command(0, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
                h.advance(50);
                assertInstanceOf(ClientResult.IntentDone.class, h.reply(0, bet));
            }
            assertEquals(2, h.state(0, t).getSeq());
            // Node 0 coordinates seq 3 in view 1 and seq 4 in view 0; node 1 votes on seq 3 and then hears nothing.
            boolean[] cut = {true};
            h.dropIf(m -> m.to() == 1 && cut[0] && h.votedFor(1, t, 3) != null);
            ByteString to = h.id(1).byteString();
            for (long b = 1; b <= 5; b++) { // about 900 KB: seq 3's tx
                h.inject(0, bigBatch(h.identity(2), t, b, to));
            }
            assertTrue(h.runUntil(() -> h.state(0, t).getSeq() == 3, 5_000), "seq 3 did not commit at node 0: "
                    + h.engine(0).debugState(t));
            h.inject(0, bigBatch(h.identity(2), t, 6, to)); // about 180 KB: seq 4's tx, proposed at once
            h.pump();
            assertTrue(h.engine(0).lockedTxHash(t).isPresent(), "seq 4 was not proposed");
            assertEquals(2, h.state(1, t).getSeq());
            cut[0] = false;
            assertTrue(h.runUntil(() -> h.state(1, t).getSeq() >= 4, 20_000),
                    "the lagging node never caught up: " + h.engine(1).debugState(t));
        }
    }

    // ------------------------------------------------------------------ found by the review of these fixes

    @Test
    void aReplayedCertificateQueryEarnsNoReplyAndLeavesThePlayersOwnQueryAnswered() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            for (int i = 0; i < 5; i++) {
                h.command(0, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
                h.advance(50);
            }
            Envelope query = io.dicemesh.crypto.Signatures.seal(h.identity(2), Body.newBuilder()
                    .setCertificateQuery(io.dicemesh.protocol.CertificateQuery.newBuilder().setTableId(t.bytes())
                            .setFromSeq(1).setMaxCount(64)).build());
            NodeId replayer = Wire.identity("former-player").nodeId();
            int before = h.sent(m -> m.from() == 0 && m.kind() == Body.KindCase.CERTIFICATE_REPLY).size();
            for (int i = 0; i < 100; i++) {
                h.injectVia(0, replayer, query);
            }
            assertEquals(before, h.sent(m -> m.from() == 0 && m.kind() == Body.KindCase.CERTIFICATE_REPLY).size(),
                    "a replayed query made node 0 send certificates");
            h.inject(0, query); // the player's own channel
            assertEquals(before + 1, h.sent(m -> m.from() == 0 && m.kind() == Body.KindCase.CERTIFICATE_REPLY)
                    .size(), "the player's own query was not answered");
        }
    }

    @Test
    void aReplayedCertificateReplyCarryingItsSignersOldPrepareEarnsThatSignerNoCertificates() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            for (int i = 0; i < 6; i++) {
                h.command(i % 3, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
                h.advance(50);
            }
            // A Prepare node 1 sent as coordinator of a slot that has long committed, inside a reply node 1 signed
            // (what a former player gets by asking node 1 on its own channel), replayed to node 0 by someone else.
            Envelope oldPrepare = h.sent(m -> m.from() == 1 && m.kind() == Body.KindCase.PREPARE).get(0).envelope();
            Envelope reply = io.dicemesh.crypto.Signatures.seal(h.identity(1), Body.newBuilder()
                    .setCertificateReply(CertificateReply.newBuilder().setTableId(t.bytes()).setPrepare(oldPrepare)
                            .setLastSeq(h.state(1, t).getSeq())).build());
            NodeId replayer = Wire.identity("former-player").nodeId();
            int before = h.sent(m -> m.from() == 0 && m.to() == 1 && m.kind() == Body.KindCase.CERTIFICATE_REPLY)
                    .size();
            for (int i = 0; i < 20; i++) {
                h.injectVia(0, replayer, reply);
                h.advance(300); // past the catch-up interval each time
            }
            assertEquals(before, h.sent(m -> m.from() == 0 && m.to() == 1
                    && m.kind() == Body.KindCase.CERTIFICATE_REPLY).size(),
                    "a replayed reply pointed node 0's certificates at node 1");
        }
    }

    @Test
    void aRelayedPrepareEarnsNoRepeatedVoteAndLeavesTheOneItsCoordinatorIsOwed() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            h.dropIf(m -> m.kind() == Body.KindCase.VOTE); // every player votes, no certificate forms
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            h.advance(50); // less than the view timeout
            EngineHarness.Msg prepare = h.sent(m -> m.kind() == Body.KindCase.PREPARE).get(
                    h.sent(m -> m.kind() == Body.KindCase.PREPARE).size() - 1);
            int c = prepare.from();
            int voter = (c + 1) % 3;
            h.clearHooks();
            java.util.function.Predicate<EngineHarness.Msg> repeated = m -> m.from() == voter && m.to() == c
                    && m.kind() == Body.KindCase.VOTE;
            int before = h.sent(repeated).size();
            NodeId relay = Wire.identity("stranger").nodeId();
            for (int i = 0; i < 5; i++) {
                h.injectVia(voter, relay, prepare.envelope());
            }
            assertEquals(before, h.sent(repeated).size(), "a relayed Prepare earned its coordinator a repeated vote");
            h.inject(voter, prepare.envelope()); // the coordinator sends it again itself: it missed the vote
            assertEquals(before + 1, h.sent(repeated).size(), "the coordinator's own Prepare got no repeated vote");
        }
    }

    @Test
    void aStatusForAHugeViewMovesAnHonestNodeOnlyAFewViewsAndTheTableStillCommits() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            TableId t = NodeEngineTest.table(h, 3);
            h.inject(0, Wire.status(h.identity(2), t, 1, TableGate.VIEW_LIMIT - 1, null));
            int view = h.engine(0).currentView(t);
            assertTrue(view <= WireLimits.VIEWS_AHEAD_MAX, "followed a liar to view " + view);
            long bet = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            assertTrue(h.runUntil(() -> h.reply(0, bet) != null, 60_000), "the table never committed again: "
                    + h.engine(0).debugState(t));
        }
    }

    @Test
    void manyCreatorKeysCannotSeatAnAutoAcceptingNodeAtMoreThanAFewTables() {
        try (EngineHarness h = NodeEngineTest.harness(2)) {
            int started = 0;
            for (int k = 0; k < 32; k++) {
                Identity creator = Wire.identity("creator" + k);
                for (int i = 0; i < 4; i++) {
                    Envelope inv = invite(creator, h.id(0), i, null);
                    h.inject(0, inv);
                    h.inject(0, creator, Body.newBuilder().setGenesisAccept(io.dicemesh.protocol.GenesisAccept
                            .newBuilder().setTableId(idOf(inv).bytes())).build());
                }
            }
            started = h.engine(0).tableIds().size();
            assertTrue(started <= NodeEngineLimits.AUTO_ACCEPTED_TABLES_MAX, started + " tables of strangers");
            assertInstanceOf(ClientResult.TableCreated.class, h.commandAndPump(0, new ClientRequest.CreateTable(
                    h.ids(0, 1), List.of(100L, 100L), 1000, NodeEngineTest.RULES)), "the node can still create");
            withinBudget(h);
        }
    }

    @Test
    void playersOfStartedTablesComeFirstAmongThePeersToKeepConnected() {
        try (EngineHarness h = NodeEngineTest.harness(3)) {
            NodeEngineTest.table(h, 3);
            Identity creator = Wire.identity("creator");
            Genesis.Builder g = Genesis.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION)
                    .addSeats(Seat.newBuilder().setPlayer(creator.nodeId().byteString()).setStack(100))
                    .addSeats(Seat.newBuilder().setPlayer(h.id(0).byteString()).setStack(100)).setBank(1000)
                    .setRules(NodeEngineTest.RULES).setCreator(creator.nodeId().byteString()).setCreatedAtMs(1)
                    .setSalt(ByteString.copyFrom(new byte[GenesisRules.SALT_BYTES]));
            for (int i = 1; i <= 14; i++) { // made-up players whose ids sort before every real one
                byte[] id = new byte[32];
                id[31] = (byte) i;
                g.addSeats(Seat.newBuilder().setPlayer(ByteString.copyFrom(id)).setStack(100));
            }
            Envelope inv = io.dicemesh.crypto.Signatures.seal(creator, Body.newBuilder().setTableInvite(
                    TableInvite.newBuilder().setGenesis(g.build().toByteString())).build());
            h.inject(0, inv);
            assertTrue(h.engine(0).hasPendingInvite(idOf(inv)), "the invite was not taken");
            h.command(0, new ClientRequest.JoinTable(idOf(inv))); // accepted (by its operator, or automatically)
            List<NodeId> peers = new ArrayList<>(h.engine(0).tablePeers());
            assertEquals(2 + 15, peers.size(), "the accepted invite's players are table peers too: " + peers);
            assertEquals(h.ids(1, 2), peers.subList(0, 2), "the started table's players do not come first: " + peers);
        }
    }

    static List<Evidence> evidence(EngineHarness h, int node, TableId t) {
        return h.engine(node).evidence(t);
    }
}
