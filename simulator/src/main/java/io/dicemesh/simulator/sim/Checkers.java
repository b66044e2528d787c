package io.dicemesh.simulator.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.core.ApplyResult;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.TableId;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.Keys;
import io.dicemesh.node.ledger.LedgerLayout;
import io.dicemesh.protocol.Bet;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safety invariants of DESIGN section 9, checked on every event of every node as it happens: agreement,
 * atomicity across crashes, conservation, hash chains, nothing moved without its owner's signed intent, and no
 * lock that moved. A violation is recorded with the virtual time and node; the run then fails.
 */
public final class Checkers {
    /** Violations kept (the first ones matter; a broken run can produce thousands). */
    static final int VIOLATIONS_MAX = 100;

    private final Scheduler scheduler;
    private final EnvelopeVerifier verifier;
    private final List<Violation> violations = new ArrayList<>();
    private final Map<TableId, Map<Long, ByteString>> committedTx = new HashMap<>();
    private final Map<TableId, Map<Long, ByteString>> stateHashAt = new HashMap<>();
    private final Map<NodeId, Map<TableId, Map<Long, ByteString>>> locks = new HashMap<>();
    private final Map<NodeId, Map<TableId, TableState>> lastState = new HashMap<>();
    private final Set<NodeId> byzantine = new HashSet<>();
    private long commitsChecked;

    /** @param verifier an independent verifier (not the nodes'), to re-check every signed intent that commits */
    public Checkers(Scheduler scheduler, EnvelopeVerifier verifier) {
        this.scheduler = scheduler;
        this.verifier = verifier;
    }

    public void markByzantine(NodeId node) {
        byzantine.add(node);
    }

    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    public long commitsChecked() {
        return commitsChecked;
    }

    void fail(String checker, SimNode node, String message) {
        if (violations.size() < VIOLATIONS_MAX) {
            violations.add(new Violation(checker, scheduler.nowMs(), node == null ? -1 : node.index(), message));
        }
    }

    /** Every event a node emits passes through here, in order, as it happens. */
    void onEvent(SimNode node, Event event) {
        if (event instanceof Event.Voted v) {
            Map<Long, ByteString> slots = locks.computeIfAbsent(node.id(), n -> new HashMap<>())
                    .computeIfAbsent(v.table(), t -> new HashMap<>());
            ByteString before = slots.putIfAbsent(v.seq(), v.txHash());
            if (before != null && !before.equals(v.txHash())) {
                fail("lock-moved", node, "table " + v.table() + " seq " + v.seq() + ": voted for "
                        + hex(v.txHash()) + " after a lock on " + hex(before));
            }
        } else if (event instanceof Event.SlotCommitted c) {
            onCommit(node, c);
        }
    }

    private void onCommit(SimNode node, Event.SlotCommitted c) {
        commitsChecked++;
        boolean honest = !byzantine.contains(node.id());
        if (!ByteString.copyFrom(Sha256.hash(c.tx().toByteArray())).equals(c.txHash())) {
            fail("hash-chain", node, "seq " + c.seq() + " tx does not hash to its tx hash");
        }
        if (honest) {
            ByteString first = committedTx.computeIfAbsent(c.table(), t -> new HashMap<>())
                    .putIfAbsent(c.seq(), c.txHash());
            if (first != null && !first.equals(c.txHash())) {
                fail("agreement", node, "table " + c.table() + " seq " + c.seq() + ": committed " + hex(c.txHash())
                        + " where another honest peer committed " + hex(first));
            }
            ByteString stateHash = ByteString.copyFrom(Sha256.hash(c.state().toByteArray()));
            ByteString firstState = stateHashAt.computeIfAbsent(c.table(), t -> new HashMap<>())
                    .putIfAbsent(c.seq(), stateHash);
            if (firstState != null && !firstState.equals(stateHash)) {
                fail("agreement", node, "table " + c.table() + " seq " + c.seq() + ": state differs from a peer's");
            }
        }
        Tx tx;
        try {
            tx = Tx.parseFrom(c.tx());
        } catch (InvalidProtocolBufferException e) {
            fail("hash-chain", node, "committed tx does not parse");
            return;
        }
        TableState before = lastState.computeIfAbsent(node.id(), n -> new HashMap<>()).get(c.table());
        if (before != null) {
            if (c.seq() != before.getSeq() + 1) {
                fail("hash-chain", node, "table " + c.table() + " committed seq " + c.seq() + " after "
                        + before.getSeq());
            } else if (!tx.getPrevHash().equals(before.getLastHash())) {
                fail("hash-chain", node, "table " + c.table() + " seq " + c.seq() + " does not chain to seq "
                        + before.getSeq());
            }
        }
        if (!c.state().getLastHash().equals(c.txHash()) || c.state().getSeq() != c.seq()) {
            fail("hash-chain", node, "state after seq " + c.seq() + " does not name its tx");
        }
        checkConservation(node, c.table(), c.state());
        checkSignedIntents(node, tx);
        if (before != null) {
            checkOwnerConsent(node, before, c.state(), c.result());
        }
        lastState.get(node.id()).put(c.table(), c.state());
        Map<TableId, Map<Long, ByteString>> nodeLocks = locks.get(node.id());
        if (nodeLocks != null && nodeLocks.containsKey(c.table())) {
            nodeLocks.get(c.table()).keySet().removeIf(seq -> seq < c.seq());
        }
    }

    void checkConservation(SimNode node, TableId table, TableState s) {
        long sum = s.getBank();
        boolean negative = s.getBank() < 0;
        for (PlayerState p : s.getPlayersList()) {
            sum += p.getStack() + p.getWithdrawn();
            negative |= p.getStack() < 0 || p.getWithdrawn() < 0;
        }
        for (Bet b : s.getFeltList()) {
            sum += b.getStake();
            negative |= b.getStake() <= 0;
        }
        if (negative || sum != s.getTotal()) {
            fail("conservation", node, "table " + table + " seq " + s.getSeq() + ": tokens " + sum + " != total "
                    + s.getTotal() + (negative ? " (a negative amount)" : ""));
        }
    }

    /** Every intent batch in a committed tx carries its own player's valid signature. */
    private void checkSignedIntents(SimNode node, Tx tx) {
        for (Envelope e : tx.getIntentBatchesList()) {
            VerifyResult r = verifier.verify(e, Body.KindCase.INTENT_BATCH);
            if (!(r instanceof Verified v) || !v.sender().matches(v.body().getIntentBatch().getPlayer())) {
                fail("owner-consent", node, "a committed tx carries an intent batch that its player did not sign: "
                        + r);
            }
        }
    }

    /**
     * Stacks only shrink by their owner's accepted intents, and every new bet on the felt is its owner's accepted
     * bet: a roll moves tokens between felt, bank and stacks but never takes from a stack.
     */
    private void checkOwnerConsent(SimNode node, TableState before, TableState after, ApplyResult result) {
        Map<ByteString, Long> allowance = new HashMap<>();
        Set<Long> placedBets = new HashSet<>();
        for (ApplyResult.IntentOutcome o : result.intents()) {
            if (o.accepted() && (o.kind() == Intent.KindCase.PLACE_BET || o.kind() == Intent.KindCase.TRANSFER
                    || o.kind() == Intent.KindCase.LEAVE)) {
                allowance.merge(o.player().byteString(), Long.MAX_VALUE / 4, (a, b) -> a);
                if (o.kind() == Intent.KindCase.PLACE_BET) {
                    placedBets.add(o.betId());
                }
            }
        }
        for (int i = 0; i < Math.min(before.getPlayersCount(), after.getPlayersCount()); i++) {
            PlayerState b = before.getPlayers(i);
            PlayerState a = after.getPlayers(i);
            if (a.getStack() < b.getStack() && !allowance.containsKey(a.getPlayer())) {
                fail("owner-consent", node, "seq " + after.getSeq() + ": stack of "
                        + NodeId.of(a.getPlayer()) + " fell from " + b.getStack() + " to " + a.getStack()
                        + " without an accepted intent of its own");
            }
        }
        Set<Long> feltBefore = new HashSet<>();
        for (Bet bet : before.getFeltList()) {
            feltBefore.add(bet.getId());
        }
        for (Bet bet : after.getFeltList()) {
            if (!feltBefore.contains(bet.getId()) && !placedBets.contains(bet.getId())) {
                fail("owner-consent", node, "seq " + after.getSeq() + ": bet " + bet.getId()
                        + " appeared on the felt without its owner's accepted intent");
            }
        }
    }

    /**
     * After a restart: each table's state must be exactly the state some honest peer had at that seq (all of a
     * slot's effects or none), with its log holding every slot up to it and none beyond.
     */
    void onRestart(SimNode node) {
        Map<TableId, TableState> known = lastState.computeIfAbsent(node.id(), n -> new HashMap<>());
        known.clear();
        for (TableId table : node.engine().tableIds()) {
            TableState s = node.engine().tableState(table).orElseThrow();
            checkConservation(node, table, s);
            if (s.getSeq() > 0) {
                ByteString expected = stateHashAt.getOrDefault(table, Map.of()).get(s.getSeq());
                ByteString actual = ByteString.copyFrom(Sha256.hash(s.toByteArray()));
                if (expected != null && !expected.equals(actual)) {
                    fail("atomicity", node, "after restart table " + table + " at seq " + s.getSeq()
                            + " holds a state no peer had at that seq");
                }
            }
            long[] entries = {0, 0};
            node.store().scan(Column.TXLOG, table.toByteArray(), Keys.prefixEnd(table.toByteArray()), (k, v) -> {
                entries[0]++;
                entries[1] = Keys.readU64(k, k.length - 8);
                return true;
            });
            if (entries[0] != s.getSeq() || entries[1] != s.getSeq()) {
                fail("atomicity", node, "after restart table " + table + " is at seq " + s.getSeq() + " but its log"
                        + " holds " + entries[0] + " slots up to " + entries[1]);
            }
            if (node.store().get(Column.TABLES, LedgerLayout.tableKey(LedgerLayout.GENESIS, table.bytes())) == null) {
                fail("atomicity", node, "after restart table " + table + " has a state but no genesis record");
            }
            known.put(table, s);
        }
    }

    /** A sweep over every up node's tables (conservation); used at phase ends. */
    void sweep(List<SimNode> nodes) {
        for (SimNode n : nodes) {
            if (n.isUp()) {
                for (TableId t : n.engine().tableIds()) {
                    checkConservation(n, t, n.engine().tableState(t).orElseThrow());
                }
            }
        }
    }

    private static String hex(ByteString b) {
        return com.google.common.io.BaseEncoding.base16().lowerCase().encode(b.toByteArray()).substring(0, 12);
    }
}
