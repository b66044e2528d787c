package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the protocol core through {@link EngineHarness}: a table of 3 or 4 players, one of whom may be a puppet
 * (a liar the fuzzer speaks for), and up to {@link #STEPS_MAX} steps the fuzzer picks: a validly signed message of
 * any table kind from the puppet, an outsider or a seated player, with fields near the real ones
 * ({@link FuzzedTableMessages}); a replay of something a node sent; the puppet doing its part honestly; honest
 * client commands (bets, take-downs, transfers, rolls, leaving); delivery; time passing; a link coming up; an honest
 * node crashing and restarting from its ledger. Honest players' keys sign anything but votes: a vote from every
 * player is a certificate, so forging theirs would make every player a liar.
 *
 * <p>What must hold after every step:
 *
 * <ul>
 *   <li>no exception escapes {@link NodeEngine#handle}: nothing a peer sends may throw;
 *   <li>the harness's checks after every event: no two nodes commit different txs at a slot, no node votes for two
 *       txs at a slot, every committed state conserves its tokens;
 *   <li>every honest engine holds at most {@link NodeEngine#heldBytesBudget()} bytes for messages.
 * </ul>
 *
 * <p>The committed inputs (in {@code EngineFuzzTestInputs/}) are random steps after fixed first choices (table size
 * and puppet: {@code random-steps-*}) and inputs fuzzing found. The fuzzing run loads {@link MemoizedSignatures}.
 */
class EngineFuzzTest {
    /** Steps per execution. */
    static final int STEPS_MAX = 24;
    /** The harness's seed: fixed, so that every input means the same keys, table and salts on every run. */
    static final long SEED = 1;
    /** Longest time one step lets pass. */
    static final long ADVANCE_MS_MAX = 10_000;
    static final long STACK = 1_000;
    static final long BANK = 100_000;

    @FuzzTest
    @Timeout(60)
    void nothingAPeerSendsThrowsOrOutgrowsTheHeldBytesBudget(FuzzedDataProvider data) {
        int n = data.consumeBoolean() ? 4 : 3;
        int puppet = data.consumeInt(-1, n - 1);
        try (EngineHarness h = new EngineHarness(n, SEED)) {
            List<Integer> seats = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                seats.add(i);
            }
            TableId table = h.createTable(seats, STACK, BANK, NodeEngineTest.RULES);
            if (puppet >= 0) {
                h.makePuppet(puppet);
            }
            Steps steps = new Steps(h, table, puppet, data);
            for (int s = 0; s < STEPS_MAX && data.remainingBytes() > 0; s++) {
                steps.next();
                steps.checkHeldBytes();
            }
        }
    }

    /** The fuzzer's moves on one harness. */
    private static final class Steps {
        private static final Identity OUTSIDER = Wire.identity("outsider");
        private static final long[] ADVANCE_MS = {1, 10, 50, 120, 500, 1_000, 3_000, 10_000};

        private final EngineHarness h;
        private final TableId table;
        private final int puppet;
        private final FuzzedDataProvider data;
        private final List<Integer> honest = new ArrayList<>();
        private final List<Identity> liars = new ArrayList<>();
        private final FuzzedTableMessages.Sent sent = new FuzzedTableMessages.Sent();
        private final FuzzedTableMessages messages;

        Steps(EngineHarness h, TableId table, int puppet, FuzzedDataProvider data) {
            this.h = h;
            this.table = table;
            this.puppet = puppet;
            this.data = data;
            List<NodeId> players = new ArrayList<>();
            for (int i = 0; i < h.size(); i++) {
                players.add(h.id(i));
                if (i != puppet) {
                    honest.add(i);
                }
            }
            if (puppet >= 0) {
                liars.add(h.identity(puppet));
            }
            liars.add(OUTSIDER);
            this.messages = new FuzzedTableMessages(data, table, players, liars, sent);
        }

        void next() {
            sent.update(h.sent());
            int op = data.consumeInt(0, 15);
            if (op < 6) {
                hostileMessage();
            } else if (op == 6) {
                replay();
            } else if (op == 7 && puppet >= 0) {
                puppetPlaysItsPart();
            } else if (op < 11) {
                command();
            } else if (op < 13) {
                h.pump();
            } else if (op < 15) {
                h.advance(data.consumeBoolean() ? data.pickValue(ADVANCE_MS) : data.consumeLong(0, ADVANCE_MS_MAX));
            } else if (data.consumeBoolean()) {
                h.linkUp(pickHonest(), data.consumeInt(0, h.size() - 1));
            } else {
                int i = pickHonest(); // a crash and a restart from what its ledger kept of the hostile input
                h.crash(i);
                h.restart(i);
            }
        }

        void checkHeldBytes() {
            for (int i : honest) {
                NodeEngine e = h.engine(i);
                long held = e.heldBytes();
                long budget = e.heldBytesBudget();
                assertTrue(held >= 0 && held <= budget, () -> "node " + i + " holds " + held
                        + " bytes for messages; its budget is " + budget);
            }
        }

        /** A message of any table kind, signed by a liar or by a seated player, to one honest node or to all. */
        private void hostileMessage() {
            Body.KindCase kind = FuzzedTableMessages.KINDS.get(data.consumeInt(0,
                    FuzzedTableMessages.KINDS.size() - 1));
            int signerIndex = data.consumeInt(-liars.size(), h.size() - 1);
            Identity signer;
            if (signerIndex < 0) {
                signer = liars.get(-signerIndex - 1);
            } else if (signerIndex == puppet || kind != Body.KindCase.VOTE) {
                signer = h.identity(signerIndex);
            } else {
                signer = liars.get(signerIndex % liars.size());
            }
            int to = pickHonest();
            if (h.id(to).equals(signer.nodeId())) { // a seated player's key: to the others (it knows what it sent)
                to = honest.get((honest.indexOf(to) + 1) % honest.size());
            }
            Body body = messages.body(kind, signer, state(to), h.engine(to).currentView(table));
            deliver(Signatures.seal(signer, body), to, signer);
        }

        /** Something a node really sent, again, to any honest node. */
        private void replay() {
            Envelope e = sent.pickAny(data);
            if (e != null) {
                h.inject(pickHonest(), e);
            }
        }

        /**
         * The puppet does what an honest player would at this point: votes for the latest Prepare it got, sends its
         * dice for the current roll, or its Status for the view the honest nodes are in.
         */
        private void puppetPlaysItsPart() {
            Identity me = h.identity(puppet);
            int observer = pickHonest();
            TableState s = state(observer);
            if (s.getPlayersCount() == 0) {
                return; // the observer lost the table in a crash and has not got it back yet
            }
            Envelope out = switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    Proposal p = latestPrepareToPuppet();
                    yield p == null ? null : Wire.vote(me, table, p.getSeq(), p.getView(), p.getTxHash());
                }
                case 1 -> s.getRollCommitmentsCount() > 0
                        ? Wire.reveal(me, table, s.getRollNo(), Wire.nonce(puppet))
                        : Wire.commitment(me, table, s.getRollNo(), Wire.nonce(puppet),
                                s.getPlayers(puppet).getLastBatchNo());
                default -> Wire.status(me, table, s.getSeq() + 1, Math.max(1, h.engine(observer).currentView(table)),
                        null);
            };
            if (out != null) {
                for (int i : honest) {
                    h.inject(i, out);
                }
            }
        }

        private Proposal latestPrepareToPuppet() {
            List<EngineHarness.Msg> inbox = h.inbox(puppet);
            for (int i = inbox.size() - 1; i >= 0; i--) {
                if (inbox.get(i).kind() == Body.KindCase.PREPARE) {
                    Prepare p = inbox.get(i).body().getPrepare();
                    return FuzzedTableMessages.Sent.bodyOf(p.getProposal()).getProposal();
                }
            }
            return null;
        }

        /** A client command at an honest node: a bet, a take-down, a transfer, a roll, leaving or a look. */
        private void command() {
            int i = pickHonest();
            TableState s = state(i);
            ClientRequest r = switch (data.consumeInt(0, 9)) {
                case 0, 1, 2 -> new ClientRequest.PlaceBet(table, data.pickValue(BetKind.values()),
                        data.consumeBoolean() ? data.pickValue(new long[] {5, 10, 25, 100, 500, 501, 4, 0, -5})
                                : data.consumeLong(), data.pickValue(new int[] {0, 4, 5, 6, 8, 9, 10, 7}),
                        betOnFelt(s));
                case 3 -> new ClientRequest.TakeDown(table, betOnFelt(s));
                case 4 -> new ClientRequest.Transfer(table, data.consumeBoolean() ? OUTSIDER.nodeId()
                        : h.id(data.consumeInt(0, h.size() - 1)), data.consumeLong(-5, 2_000));
                case 5 -> new ClientRequest.Leave(table);
                case 6, 7, 8 -> new ClientRequest.Roll(table);
                default -> new ClientRequest.ShowTable(table);
            };
            h.command(i, r);
        }

        private long betOnFelt(TableState s) {
            return s.getFeltCount() > 0 && data.consumeBoolean()
                    ? s.getFelt(data.consumeInt(0, s.getFeltCount() - 1)).getId() : data.consumeLong(0, 64);
        }

        /** To one honest node, or (as a broadcasting peer would) to every honest node but the signer. */
        private void deliver(Envelope e, int to, Identity signer) {
            if (data.consumeBoolean()) {
                h.inject(to, e);
                return;
            }
            for (int i : honest) {
                if (!h.id(i).equals(signer.nodeId())) {
                    h.inject(i, e);
                }
            }
        }

        private int pickHonest() {
            return honest.get(data.consumeInt(0, honest.size() - 1));
        }

        /**
         * The table as the node sees it. A node that crashed before anything it wrote for the table was synced has
         * lost it until a peer sends the genesis again: then an empty state, whose seq and roll are the first.
         */
        private TableState state(int node) {
            return h.engine(node).tableState(table).orElseGet(() -> TableState.newBuilder().setTableId(table.bytes())
                    .setLastHash(table.bytes()).setRollNo(1).build());
        }
    }
}
