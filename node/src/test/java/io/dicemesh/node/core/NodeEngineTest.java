package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Dice;
import io.dicemesh.crypto.DiceNonces;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.LockRecord;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import io.dicemesh.node.ledger.StoreProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link NodeEngine} through {@link EngineHarness}: tables, client commands, the commit, durability, restarts. */
@Timeout(20)
class NodeEngineTest {
    static final long SEED = Long.getLong("dicemesh.test.seed", 7L);
    static final TableRules RULES = Wire.rules(100, 1000);

    static EngineHarness harness(int n) {
        return new EngineHarness(n, SEED);
    }

    static TableId table(EngineHarness h, int n) {
        List<Integer> players = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            players.add(i);
        }
        return h.createTable(players, 1000, 100_000, RULES);
    }

    static Proposal proposalOf(Body prepare) {
        try {
            return Body.parseFrom(prepare.getPrepare().getProposal().getBody()).getProposal();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts every honest node holds the byte-identical state of the table. */
    static TableState sameStateEverywhere(EngineHarness h, TableId t, int... nodes) {
        TableState first = h.state(nodes[0], t);
        for (int i : nodes) {
            assertArrayEquals(first.toByteArray(), h.state(i, t).toByteArray(), "node " + i + " differs");
        }
        return first;
    }

    private static boolean noPersistNoSend(List<Effect> effects) {
        return effects.stream().noneMatch(e -> e instanceof Effect.Persist || e instanceof Effect.Send);
    }

    private static List<Effect> lastOutput(EngineHarness h, int node) {
        List<EngineHarness.Output> outs = h.outputs(node);
        return outs.get(outs.size() - 1).effects();
    }

    // ------------------------------------------------------------------ tables

    @Test
    void aTableStartsOnlyOnceEveryPlayerAcceptedIt() {
        EngineConfig manual = EngineConfig.defaults().withAutoAcceptInvites(false);
        try (EngineHarness h = new EngineHarness(3, SEED, manual, StoreProvider.memory())) {
            ClientResult r = h.commandAndPump(0, new ClientRequest.CreateTable(h.ids(0, 1, 2),
                    List.of(100L, 200L, 300L), 10_000, RULES));
            ClientResult.TableCreated created = assertInstanceOf(ClientResult.TableCreated.class, r);
            TableId t = created.table();
            assertEquals(3, created.players());
            h.advance(3_000); // invites and accepts are resent meanwhile; nothing starts
            for (int i = 0; i < 3; i++) {
                assertTrue(h.engine(i).tableIds().isEmpty(), "node " + i + " started without every accept");
                assertTrue(h.engine(i).hasPendingInvite(t));
                ClientResult.Failed f = assertInstanceOf(ClientResult.Failed.class,
                        h.commandAndPump(i, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0)));
                assertEquals(ClientResult.Code.NOT_STARTED, f.code());
            }
            assertEquals(1, h.events(1, Event.InviteReceived.class).size());
            ClientResult.Tables listed = assertInstanceOf(ClientResult.Tables.class,
                    h.commandAndPump(1, new ClientRequest.ListTables()));
            assertEquals("invited", listed.tables().get(0).status());
            assertEquals(200, listed.tables().get(0).myStack());

            assertEquals(new ClientResult.Joined(t), h.commandAndPump(1, new ClientRequest.JoinTable(t)));
            h.advance(2_000);
            for (int i = 0; i < 3; i++) {
                assertTrue(h.engine(i).tableIds().isEmpty(), "started with two of three accepts at node " + i);
            }
            assertEquals(new ClientResult.Joined(t), h.commandAndPump(2, new ClientRequest.JoinTable(t)));
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(t), h.engine(i).tableIds(), "node " + i);
                assertFalse(h.engine(i).hasPendingInvite(t));
                assertEquals(1, h.events(i, Event.TableStarted.class).size());
                assertEquals(h.ids(0, 1, 2), h.events(i, Event.TableStarted.class).get(0).players());
                assertNotNull(h.store(i).get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, t.bytes())));
                assertNull(h.store(i).get(Column.TABLES,
                        LedgerLayout.tableKey(LedgerLayout.PENDING_GENESIS, t.bytes())));
            }
            TableState s = sameStateEverywhere(h, t, 0, 1, 2);
            assertEquals(0, s.getSeq());
            assertEquals(300, s.getPlayers(2).getStack());
            assertEquals(10_600, s.getTotal());
            assertEquals(t, TableId.of(Sha256.hash(genesisBytes(h, 0, t))), "table id = SHA-256 of its genesis");
        }
    }

    @Test
    void autoAcceptLeavesATableWithARaisedFeltBoundToTheOperatorAndItsFullFeltPlays() {
        TableRules raised = RULES.toBuilder().setFeltBetsPerSeat(4096).build();
        try (EngineHarness h = new EngineHarness(2, SEED, EngineConfig.defaults(), StoreProvider.memory())) {
            ClientResult.TableCreated created = assertInstanceOf(ClientResult.TableCreated.class,
                    h.commandAndPump(0, new ClientRequest.CreateTable(h.ids(0, 1), List.of(1_000_000L, 1_000_000L),
                            10_000_000, raised)));
            TableId t = created.table();
            h.advance(2_000);
            assertTrue(h.engine(1).hasPendingInvite(t), "node 1 has the invite but does not take it by itself");
            assertTrue(h.engine(1).tableIds().isEmpty());
            assertEquals(new ClientResult.Joined(t), h.commandAndPump(1, new ClientRequest.JoinTable(t)));
            h.advance(1_000);
            assertEquals(List.of(t), h.engine(1).tableIds());
            List<ClientRequest.PlaceBet> bets = new ArrayList<>();
            for (int i = 0; i < 4096; i++) {
                bets.add(new ClientRequest.PlaceBet(t, BetKind.PLACE, 100, 6, 0));
            }
            ClientResult placed = h.commandAndPump(1, new ClientRequest.PlaceBets(t, List.of(), bets));
            h.advance(1_000);
            assertEquals(4096, sameStateEverywhere(h, t, 0, 1).getFeltCount(), placed.toString());
        }
    }

    private static byte[] genesisBytes(EngineHarness h, int node, TableId t) {
        try {
            byte[] record = h.store(node).get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, t.bytes()));
            Envelope invite = io.dicemesh.protocol.GenesisRecord.parseFrom(record).getInvite();
            return Body.parseFrom(invite.getBody()).getTableInvite().getGenesis().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void commandsForAnUnknownTableFailAndChangeNothing() {
        try (EngineHarness h = harness(2)) {
            TableId t = table(h, 2);
            TableId unknown = TableId.of(Sha256.hash(new byte[] {42}));
            List<ClientRequest> requests = List.of(new ClientRequest.PlaceBet(unknown, BetKind.PASS, 10, 0, 0),
                    new ClientRequest.TakeDown(unknown, 1), new ClientRequest.Transfer(unknown, h.id(1), 5),
                    new ClientRequest.Leave(unknown), new ClientRequest.Roll(unknown),
                    new ClientRequest.ShowTable(unknown), new ClientRequest.JoinTable(unknown));
            byte[] before = h.state(0, t).toByteArray();
            for (ClientRequest r : requests) {
                long id = h.command(0, r);
                ClientResult.Failed f = assertInstanceOf(ClientResult.Failed.class, h.reply(0, id), r.toString());
                assertEquals(ClientResult.Code.UNKNOWN_TABLE, f.code(), r.toString());
                assertTrue(noPersistNoSend(lastOutput(h, 0)), r + " wrote or sent something");
            }
            h.pump();
            assertArrayEquals(before, h.state(0, t).toByteArray());
        }
    }

    @Test
    void aBadCreateRequestFailsAndSendsNothing() {
        try (EngineHarness h = harness(2)) {
            h.command(0, new ClientRequest.CreateTable(h.ids(0, 1), List.of(10L), 100, RULES));
            assertEquals(ClientResult.Code.INVALID_REQUEST, ((ClientResult.Failed) h.reply(0, 1)).code());
            assertTrue(noPersistNoSend(lastOutput(h, 0)));
            h.command(0, new ClientRequest.CreateTable(h.ids(1), List.of(10L), 100, RULES));
            assertEquals(ClientResult.Code.INVALID_REQUEST, ((ClientResult.Failed) h.reply(0, 2)).code(),
                    "the creator must sit at its table");
            assertTrue(noPersistNoSend(lastOutput(h, 0)));
            h.command(0, new ClientRequest.CreateTable(h.ids(0, 1), List.of(10L, 10L), 100,
                    RULES.toBuilder().setMinBet(0).build()));
            assertEquals(ClientResult.Code.INVALID_REQUEST, ((ClientResult.Failed) h.reply(0, 3)).code());
            assertTrue(noPersistNoSend(lastOutput(h, 0)));
            h.pump();
            assertTrue(h.engine(1).tableIds().isEmpty());
        }
    }

    @Test
    void aPlayerWhoLeftIsNotSeatedAndTheOthersPlayOnWithoutIt() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            long leave = h.command(2, new ClientRequest.Leave(t));
            h.advance(50);
            ClientResult.IntentDone left = assertInstanceOf(ClientResult.IntentDone.class, h.reply(2, leave));
            assertTrue(left.outcome().accepted());
            for (ClientRequest r : List.of(new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0),
                    new ClientRequest.Roll(t), new ClientRequest.Leave(t))) {
                long id = h.command(2, r);
                ClientResult.Failed f = assertInstanceOf(ClientResult.Failed.class, h.reply(2, id), r.toString());
                assertEquals(ClientResult.Code.NOT_SEATED, f.code());
                assertTrue(noPersistNoSend(lastOutput(h, 2)), r + " wrote or sent something");
            }
            int votesOf2 = h.events(2, Event.Voted.class).size();
            long bet = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(50);
            assertTrue(((ClientResult.IntentDone) h.reply(0, bet)).outcome().accepted());
            assertEquals(votesOf2, h.events(2, Event.Voted.class).size(), "a player who left votes no more");
            TableState s = sameStateEverywhere(h, t, 0, 1);
            assertEquals(2, s.getSeq());
            assertTrue(s.getPlayers(2).getLeft());
            List<EngineHarness.Msg> seq2 = h.sent(m -> m.kind() == Body.KindCase.PREPARE
                    && proposalOf(m.body()).getSeq() == 2);
            assertEquals(0, seq2.get(0).from(), "seq 2 is coordinated by active[(2 + 0) mod 2], node 2 skipped");
            assertTrue(seq2.stream().noneMatch(m -> m.to() == 2), "nobody sends a Prepare to a player who left");
            assertEquals(1000, s.getPlayers(2).getWithdrawn());
        }
    }

    // ------------------------------------------------------------------ bets, rolls, rotation

    @Test
    void aBetIsRepliedWithItsBetIdOnceItsSlotCommittedOnEveryNode() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            long id = h.command(2, new ClientRequest.PlaceBet(t, BetKind.PASS, 25, 0, 0));
            long refused = h.command(2, new ClientRequest.PlaceBet(t, BetKind.PASS, 1, 0, 0));
            h.pump();
            assertNull(h.reply(2, id), "no answer before the slot committed");
            h.advance(50);
            ClientResult.IntentDone done = assertInstanceOf(ClientResult.IntentDone.class, h.reply(2, id));
            assertTrue(done.outcome().accepted());
            assertEquals(1, done.outcome().betId());
            assertEquals(1, done.seq());
            ClientResult.IntentDone no = assertInstanceOf(ClientResult.IntentDone.class, h.reply(2, refused));
            assertEquals(IntentRejection.UNDER_MIN, no.outcome().rejection());
            assertEquals(0, no.outcome().betId());
            TableState s = sameStateEverywhere(h, t, 0, 1, 2);
            assertEquals(1, s.getSeq());
            assertEquals(1, s.getFeltCount());
            assertEquals(1, s.getFelt(0).getId());
            assertEquals(2, s.getFelt(0).getSeat());
            assertEquals(25, s.getFelt(0).getStake());
            assertEquals(975, s.getPlayers(2).getStack());
            // The reply comes in the same output as the commit, after it.
            for (EngineHarness.Output o : h.outputs(2)) {
                int reply = indexOfReply(o.effects(), id);
                if (reply >= 0) {
                    int commit = indexOf(o.effects(), e -> e instanceof Effect.Emit em
                            && em.event() instanceof Event.SlotCommitted c && c.seq() == 1);
                    assertTrue(commit >= 0 && commit < reply, "replied before the commit");
                }
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(1, h.events(i, Event.SlotCommitted.class).size(), "node " + i);
            }
        }
    }

    private static int indexOfReply(List<Effect> effects, long requestId) {
        return indexOf(effects, e -> e instanceof Effect.Reply r && r.requestId() == requestId);
    }

    private static int indexOf(List<Effect> effects, java.util.function.Predicate<Effect> p) {
        for (int i = 0; i < effects.size(); i++) {
            if (p.test(effects.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aRollReturnsTheDiceEveryPlayersNonceGivesOnceCommittedOnAll() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            long bet = h.command(1, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            long roll = h.command(1, new ClientRequest.Roll(t));
            assertNull(h.reply(1, roll), "no dice before the roll committed");
            h.advance(200);
            assertTrue(((ClientResult.IntentDone) h.reply(1, bet)).outcome().accepted());
            ClientResult.Rolled rolled = assertInstanceOf(ClientResult.Rolled.class, h.reply(1, roll));
            List<byte[]> nonces = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                nonces.add(DiceNonces.derive(h.identity(i), t.toByteArray(), 1));
            }
            int[] dice = Dice.roll(Dice.seed(t.toByteArray(), 1, nonces));
            assertEquals(1, rolled.roll().rollNo());
            assertEquals(dice[0], rolled.roll().result().die1());
            assertEquals(dice[1], rolled.roll().result().die2());
            TableState s = sameStateEverywhere(h, t, 0, 1, 2);
            assertEquals(List.of(dice[0], dice[1]), s.getLastDiceList());
            assertEquals(2, s.getRollNo());
            assertEquals(0, s.getRollCommitmentsCount());
            assertEquals(rolled.seq(), s.getSeq());
            for (int i = 0; i < 3; i++) {
                assertTrue(h.events(i, Event.SlotCommitted.class).stream()
                        .anyMatch(c -> c.seq() == rolled.seq() && c.result().hasRoll()), "node " + i);
            }
            // The bet signed before the roll was asked for is on the felt for that roll.
            int total = dice[0] + dice[1];
            if (total == 7 || total == 11) {
                assertEquals(1010, s.getPlayers(1).getStack());
            } else if (total == 2 || total == 3 || total == 12) {
                assertEquals(990, s.getPlayers(1).getStack());
            } else {
                assertEquals(1, s.getFeltCount());
                assertEquals(total, s.getPoint());
            }
        }
    }

    @Test
    void everyPlayerCoordinatesInTurn() {
        try (EngineHarness h = harness(4)) {
            TableId t = table(h, 4);
            for (int k = 0; k < 8; k++) {
                long id = h.command(k % 4, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
                h.advance(20);
                assertInstanceOf(ClientResult.IntentDone.class, h.reply(k % 4, id));
            }
            List<EngineHarness.Msg> prepares = h.sent(EngineHarness.kind(Body.KindCase.PREPARE));
            Set<Long> seen = new HashSet<>();
            for (EngineHarness.Msg m : prepares) {
                Proposal p = proposalOf(m.body());
                assertEquals(0, p.getView(), "no view change was needed");
                assertEquals((int) (p.getSeq() % 4), m.from(), "coordinator of seq " + p.getSeq());
                seen.add(p.getSeq());
            }
            assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), seen);
            assertEquals(8, sameStateEverywhere(h, t, 0, 1, 2, 3).getSeq());
            for (int i = 0; i < 4; i++) {
                assertTrue(h.events(i, Event.ViewChanged.class).isEmpty());
            }
        }
    }

    // ------------------------------------------------------------------ durability before sending

    /**
     * Every Vote (Status) a node sends was made durable by an earlier Persist with sync=true of its LockRecord
     * (Status record), and the first send of each follows that Persist in the same output.
     */
    static int assertDurableBeforeSent(EngineHarness h, int node, Body.KindCase kind) {
        Set<Envelope> durable = new HashSet<>();
        Set<Envelope> sentBefore = new HashSet<>();
        int sends = 0;
        for (EngineHarness.Output o : h.outputs(node)) {
            Set<Envelope> durableHere = new HashSet<>();
            for (Effect e : o.effects()) {
                if (e instanceof Effect.Persist p && p.sync()) {
                    for (WriteBatch.Op op : p.batch().ops()) {
                        Envelope rec = preparedRecord(op, kind);
                        if (rec != null) {
                            durable.add(rec);
                            durableHere.add(rec);
                        }
                    }
                } else if (e instanceof Effect.Send s && kindOf(s.envelope()) == kind
                        && s.envelope().getSender().equals(h.id(node).byteString())) {
                    assertTrue(durable.contains(s.envelope()), "node " + node + " sent a " + kind
                            + " that no synced write made durable");
                    if (sentBefore.add(s.envelope())) {
                        assertTrue(durableHere.contains(s.envelope()), "node " + node + " first sent a " + kind
                                + " in another output than the Persist that made it durable");
                    }
                    sends++;
                }
            }
        }
        return sends;
    }

    private static Envelope preparedRecord(WriteBatch.Op op, Body.KindCase kind) {
        if (op.column() != Column.PREPARED || op.kind() != WriteBatch.Kind.PUT) {
            return null;
        }
        try {
            byte k = LedgerLayout.preparedKind(op.key());
            if (kind == Body.KindCase.VOTE && k == LedgerLayout.LOCK) {
                return LockRecord.parseFrom(op.value()).getVote();
            } else if (kind == Body.KindCase.STATUS && k == LedgerLayout.STATUS) {
                return Envelope.parseFrom(op.value());
            }
            return null;
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static Body.KindCase kindOf(Envelope e) {
        try {
            return Body.parseFrom(e.getBody()).getKindCase();
        } catch (InvalidProtocolBufferException ex) {
            return Body.KindCase.KIND_NOT_SET;
        }
    }

    @Test
    void votesArePersistedWithSyncBeforeTheyAreSent() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.command(2, new ClientRequest.Roll(t));
            h.advance(300);
            assertTrue(h.state(0, t).getSeq() >= 3);
            for (int i = 0; i < 3; i++) {
                assertTrue(assertDurableBeforeSent(h, i, Body.KindCase.VOTE) >= 6, "node " + i + " sent its votes");
            }
        }
    }

    @Test
    void aLostPrepareLeadsToAViewChangeWhoseStatusesArePersistedWithSyncBeforeTheyAreSent() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            // Every view-0 Prepare is lost, and so is every certificate reply (which could carry it) until the
            // view change has begun.
            h.dropIf(m -> (m.kind() == Body.KindCase.PREPARE && proposalOf(m.body()).getView() == 0)
                    || (m.kind() == Body.KindCase.CERTIFICATE_REPLY
                            && h.sent(s -> s.kind() == Body.KindCase.STATUS).isEmpty()));
            long id = h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(50);
            assertNull(h.reply(0, id));
            h.advance(500);
            ClientResult.IntentDone done = assertInstanceOf(ClientResult.IntentDone.class, h.reply(0, id));
            assertTrue(done.outcome().accepted());
            for (int i = 0; i < 3; i++) {
                assertFalse(h.events(i, Event.ViewChanged.class).isEmpty(), "node " + i + " changed view");
                assertTrue(assertDurableBeforeSent(h, i, Body.KindCase.STATUS) >= 2, "node " + i);
                assertDurableBeforeSent(h, i, Body.KindCase.VOTE);
            }
            // The slot committed in view 1, proposed by its coordinator active[(1 + 1) mod 3], with every Status.
            EngineHarness.Msg prepare = h.sent(m -> m.kind() == Body.KindCase.PREPARE
                    && proposalOf(m.body()).getView() == 1).get(0);
            assertEquals(2, prepare.from());
            assertEquals(3, prepare.body().getPrepare().getJustificationCount());
            assertEquals(1, sameStateEverywhere(h, t, 0, 1, 2).getSeq());
        }
    }

    // ------------------------------------------------------------------ restarts

    @Test
    void aRestartedNodeReloadsItsLockAndResendsTheSameVote() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.dropIf(m -> m.kind() == Body.KindCase.VOTE && (m.from() == 2 || m.to() == 2));
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(50);
            ByteString locked = h.engine(2).lockedTxHash(t).orElseThrow();
            assertEquals(locked, h.votedFor(2, t, 1));
            assertNull(h.committedAt(t, 1), "without node 2's vote nothing commits");
            List<Envelope> votes = h.sent(m -> m.from() == 2 && m.kind() == Body.KindCase.VOTE).stream()
                    .map(EngineHarness.Msg::envelope).distinct().toList();
            assertEquals(1, votes.size());

            h.crash(2);
            h.clearHooks();
            h.restart(2);
            assertEquals(locked, h.engine(2).lockedTxHash(t).orElseThrow(), "the lock survives the crash");
            assertEquals(0, h.state(2, t).getSeq());
            List<Effect> first = h.outputs(2).get(h.outputs(2).size() - 1).effects();
            Set<Integer> resentTo = new HashSet<>();
            for (Effect e : first) {
                if (e instanceof Effect.Send s && kindOf(s.envelope()) == Body.KindCase.VOTE) {
                    assertEquals(votes.get(0), s.envelope(), "the very same vote, not a new one");
                    resentTo.add(h.nodeIndex(s.to()));
                }
            }
            assertEquals(Set.of(0, 1), resentTo);
            h.pump();
            assertEquals(1, h.events(2, Event.Voted.class).size(), "it re-sends, it does not vote again");
            assertEquals(locked, h.committedAt(t, 1));
            assertEquals(1, sameStateEverywhere(h, t, 0, 1, 2).getSeq());
            assertDurableBeforeSent(h, 2, Body.KindCase.VOTE);
        }
    }

    @Test
    void aLinkComingBackUpGetsWhatWasSentWhileItWasDownWithoutWaitingForATimer() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.dropIf(m -> m.from() == 2 || m.to() == 2); // node 2's links are down
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(50); // less than half a view timeout: no timer repeats anything yet
            h.clearHooks();
            h.pump();
            assertNull(h.committedAt(t, 1), "what was sent while the links were down is lost");
            assertEquals(0, h.state(2, t).getSeq());

            for (int other : new int[] {0, 1}) {
                h.linkUp(2, other);
                h.linkUp(other, 2);
            }
            h.pump();
            assertNotNull(h.committedAt(t, 1), "the link-up greeting alone completes the slot");
            assertEquals(1, sameStateEverywhere(h, t, 0, 1, 2).getSeq());
            assertTrue(h.events(0, Event.ViewChanged.class).isEmpty(), "no view change was needed");
        }
    }

    @Test
    void aLinkUpForAPeerThatSitsAtNoCommonTableSendsNothing() {
        try (EngineHarness h = harness(4)) {
            table(h, 3); // nodes 0, 1, 2
            int before = h.sent().size();
            h.linkUp(0, 3);
            assertEquals(before, h.sent().size());
        }
    }

    /** True when node's latest SlotCommitted for seq came from handling a CertificateReply. */
    static boolean committedFromACertificate(EngineHarness h, int node, long seq) {
        Boolean last = null;
        for (EngineHarness.Output o : h.outputs(node)) {
            boolean commits = o.effects().stream().anyMatch(e -> e instanceof Effect.Emit em
                    && em.event() instanceof Event.SlotCommitted c && c.seq() == seq);
            if (commits) {
                last = o.input() instanceof Input.MessageIn m
                        && m.message().kind() == Body.KindCase.CERTIFICATE_REPLY;
            }
        }
        return last != null && last;
    }

    @Test
    void aRestartedNodeCatchesUpBySlotCertificates() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.command(1, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(50);
            h.dropIf(m -> m.kind() == Body.KindCase.VOTE && m.to() == 2);
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.DONT_PASS, 10, 0, 0));
            h.advance(50);
            assertEquals(2, h.state(0, t).getSeq());
            assertEquals(2, h.state(1, t).getSeq());
            assertEquals(1, h.state(2, t).getSeq(), "node 2 voted but never heard the others' votes");
            h.crash(2);
            h.clearHooks();
            h.restart(2);
            h.pump();
            assertTrue(committedFromACertificate(h, 2, 2));
            long more = h.command(2, new ClientRequest.PlaceBet(t, BetKind.FIELD, 5, 0, 0));
            h.advance(50);
            assertTrue(((ClientResult.IntentDone) h.reply(2, more)).outcome().accepted());
            assertEquals(3, sameStateEverywhere(h, t, 0, 1, 2).getSeq());
        }
    }

    @Test
    void aCommitLostInACrashIsRecoveredFromThePeersCertificates() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.command(1, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(50);
            ByteString seq1 = h.committedAt(t, 1);
            assertEquals(1, h.state(2, t).getSeq());
            h.crash(2); // the commit's write was not synced, and no synced write followed it
            h.restart(2);
            assertEquals(0, h.state(2, t).getSeq(), "the unsynced commit was lost");
            assertEquals(seq1, h.engine(2).lockedTxHash(t).orElseThrow(), "its synced lock was not");
            h.pump();
            assertTrue(committedFromACertificate(h, 2, 1), "recovered from a peer's certificate");
            assertEquals(1, sameStateEverywhere(h, t, 0, 1, 2).getSeq());
            assertEquals(2, h.events(2, Event.SlotCommitted.class).size(), "seq 1 committed again after the crash");
        }
    }

    @Test
    void aBatchSignedBeforeACrashIsStillIncludedAfterTheRestart() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            h.dropIf(m -> m.from() == 2 && m.kind() == Body.KindCase.INTENT_BATCH);
            h.command(2, new ClientRequest.PlaceBet(t, BetKind.PASS, 30, 0, 0));
            h.advance(50);
            assertEquals(0, h.state(0, t).getSeq(), "nobody else has the batch");
            h.crash(2);
            h.clearHooks();
            h.restart(2);
            h.advance(50);
            TableState s = sameStateEverywhere(h, t, 0, 1, 2);
            assertEquals(1, s.getSeq());
            assertEquals(970, s.getPlayers(2).getStack(), "the synced batch was gossiped again and committed");
            assertEquals(1, s.getPlayers(2).getLastBatchNo());
        }
    }

    @Test
    void aRestartedNodeNeverVotesInAViewBelowItsLastStatus() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            // No Prepare reaches anyone (node 2 alone may fetch node 1's, to propose it in view 1): views 0 and 1
            // of seq 1 fail.
            h.dropIf(m -> m.kind() == Body.KindCase.PREPARE
                    || m.kind() == Body.KindCase.CERTIFICATE_REPLY && m.to() != 2);
            h.command(0, new ClientRequest.PlaceBet(t, BetKind.PASS, 10, 0, 0));
            h.advance(350); // view 0 times out after 100 ms, view 1 after 200 more
            assertEquals(2, h.engine(0).currentView(t));
            Envelope view1 = h.sent(m -> m.kind() == Body.KindCase.PREPARE && proposalOf(m.body()).getView() == 1)
                    .get(0).envelope();
            assertTrue(h.engine(0).lockedTxHash(t).isEmpty(), "node 0 never saw a Prepare");
            h.crash(0);
            h.restart(0);
            assertEquals(2, h.engine(0).currentView(t), "the synced Status brings its view back");
            List<Effect> effects = h.inject(0, view1);
            assertTrue(effects.stream().noneMatch(e -> e instanceof Effect.Send s
                    && kindOf(s.envelope()) == Body.KindCase.VOTE), "R1: voted below its Status's view");
            assertTrue(h.engine(0).lockedTxHash(t).isEmpty());
            assertTrue(effects.stream().anyMatch(e -> e instanceof Effect.Send s
                    && kindOf(s.envelope()) == Body.KindCase.NACK
                    && body(s.envelope()).getNack().getReason() == io.dicemesh.protocol.NackReason.NACK_STALE_VIEW));
            h.clearHooks();
            h.advance(2_000);
            assertEquals(1, sameStateEverywhere(h, t, 0, 1, 2).getSeq(), "the slot commits in a later view");
        }
    }

    private static Body body(Envelope e) {
        try {
            return Body.parseFrom(e.getBody());
        } catch (InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aNodeThatCrashedBeforeRevealingRevealsTheSameNonceAfterItsRestart() {
        try (EngineHarness h = harness(3)) {
            TableId t = table(h, 3);
            // Node 1 never reveals; node 2, which coordinates the roll's slot, waits for it.
            h.dropIf(m -> m.kind() == Body.KindCase.DICE_REVEAL && m.from() == 1);
            long roll = h.command(0, new ClientRequest.Roll(t));
            h.advance(20);
            assertEquals(3, h.state(1, t).getRollCommitmentsCount(), "the commitments committed");
            assertNull(h.reply(0, roll));
            h.crash(1);
            h.clearHooks();
            h.restart(1);
            h.advance(100);
            ClientResult.Rolled rolled = assertInstanceOf(ClientResult.Rolled.class, h.reply(0, roll));
            List<byte[]> nonces = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                nonces.add(DiceNonces.derive(h.identity(i), t.toByteArray(), 1));
            }
            int[] dice = Dice.roll(Dice.seed(t.toByteArray(), 1, nonces));
            assertEquals(dice[0], rolled.roll().result().die1());
            assertEquals(dice[1], rolled.roll().result().die2());
            sameStateEverywhere(h, t, 0, 1, 2);
        }
    }
}
