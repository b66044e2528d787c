package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.game.Bet;
import io.dicemesh.node.game.CrapsTable;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.TableState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A table's committed state after its last slot: the craps table plus what the protocol needs (seq, hash chain,
 * batch numbers, dice round). Mutated only by {@link TxApplier}; round-trips exactly through {@link TableState}.
 */
final class TableModel {
    private final TableId id;
    private final TableRules wireRules;
    private final List<NodeId> seats;
    private final CrapsTable game;
    private final long[] lastBatchNo;
    private final long total;
    private long seq;
    private ByteString lastHash;
    private long rollNo;
    private List<Envelope> rollCommitments;
    private List<Integer> lastDice;
    private List<NodeId> active;
    private int diceAttempt;
    /** Per seat: how it was evicted (null: it was not), at which slot, and what its settlement paid and forfeited. */
    private final EvictionCause[] evictedCause;
    private final long[] evictedSeq;
    private final long[] evictedPaid;
    private final long[] evictedBond;

    private TableModel(TableId id, TableRules wireRules, List<NodeId> seats, CrapsTable game, long[] lastBatchNo,
            long total, long seq, ByteString lastHash, long rollNo, List<Envelope> rollCommitments,
            List<Integer> lastDice) {
        this.id = id;
        this.wireRules = wireRules;
        this.seats = List.copyOf(seats);
        this.game = game;
        this.lastBatchNo = lastBatchNo;
        this.total = total;
        this.seq = seq;
        this.lastHash = lastHash;
        this.rollNo = rollNo;
        this.rollCommitments = List.copyOf(rollCommitments);
        this.lastDice = List.copyOf(lastDice);
        this.evictedCause = new EvictionCause[seats.size()];
        this.evictedSeq = new long[seats.size()];
        this.evictedPaid = new long[seats.size()];
        this.evictedBond = new long[seats.size()];
        refreshActive();
    }

    /** The state at seq 0, right after a genesis every player accepted. */
    static TableModel fromGenesis(TableId id, Genesis genesis) {
        List<NodeId> seats = new ArrayList<>();
        long[] stacks = new long[genesis.getSeatsCount()];
        for (int i = 0; i < genesis.getSeatsCount(); i++) {
            seats.add(NodeId.of(genesis.getSeats(i).getPlayer()));
            stacks[i] = genesis.getSeats(i).getStack();
        }
        CrapsTable game = new CrapsTable(GameProtos.rules(genesis.getRules()), stacks, genesis.getBank());
        return new TableModel(id, genesis.getRules(), seats, game, new long[seats.size()], game.total(), 0,
                id.bytes(), 1, List.of(), List.of());
    }

    static TableModel fromProto(TableState s) {
        int n = s.getPlayersCount();
        List<NodeId> seats = new ArrayList<>(n);
        long[] stacks = new long[n];
        long[] withdrawn = new long[n];
        boolean[] activeSeats = new boolean[n];
        long[] batchNos = new long[n];
        for (int i = 0; i < n; i++) {
            PlayerState p = s.getPlayers(i);
            seats.add(NodeId.of(p.getPlayer()));
            stacks[i] = p.getStack();
            withdrawn[i] = p.getWithdrawn();
            activeSeats[i] = !p.getLeft();
            batchNos[i] = p.getLastBatchNo();
        }
        List<Bet> felt = new ArrayList<>(s.getFeltCount());
        for (io.dicemesh.protocol.Bet b : s.getFeltList()) {
            felt.add(GameProtos.bet(b));
        }
        CrapsTable game = CrapsTable.restore(GameProtos.rules(s.getRules()), stacks, s.getBank(), withdrawn,
                activeSeats, s.getPoint(), s.getShooter(), felt, s.getNextBetId());
        if (game.total() != s.getTotal()) {
            throw new IllegalStateException("stored state of table " + TableId.of(s.getTableId().toByteArray())
                    + " does not conserve its total");
        }
        TableModel m = new TableModel(new TableId(s.getTableId()), s.getRules(), seats, game, batchNos, s.getTotal(),
                s.getSeq(), s.getLastHash(), s.getRollNo(), s.getRollCommitmentsList(), s.getLastDiceList());
        m.diceAttempt = s.getDiceAttempt();
        for (int i = 0; i < n; i++) {
            PlayerState p = s.getPlayers(i);
            if (p.getEvicted() != EvictionCause.EVICTION_CAUSE_UNSPECIFIED) {
                m.evictedCause[i] = p.getEvicted();
                m.evictedSeq[i] = p.getEvictedSeq();
                m.evictedPaid[i] = p.getEvictedPaid();
                m.evictedBond[i] = p.getEvictedBond();
            }
        }
        return m;
    }

    /** An independent copy (through the stored form), for checking what a tx would do without doing it. */
    TableModel copy() {
        return fromProto(toProto());
    }

    TableState toProto() {
        TableState.Builder b = TableState.newBuilder()
                .setTableId(id.bytes()).setSeq(seq).setLastHash(lastHash)
                .setBank(game.bank()).setPoint(game.point()).setShooter(game.shooter())
                .setNextBetId(game.nextBetId()).setRollNo(rollNo).addAllRollCommitments(rollCommitments)
                .setRules(wireRules).setTotal(total).addAllLastDice(lastDice).setDiceAttempt(diceAttempt);
        for (int i = 0; i < seats.size(); i++) {
            PlayerState.Builder p = PlayerState.newBuilder().setPlayer(seats.get(i).byteString())
                    .setStack(game.stack(i)).setLastBatchNo(lastBatchNo[i]).setLeft(!game.isActive(i))
                    .setWithdrawn(game.withdrawn(i));
            if (evictedCause[i] != null) {
                p.setEvicted(evictedCause[i]).setEvictedSeq(evictedSeq[i]).setEvictedPaid(evictedPaid[i])
                        .setEvictedBond(evictedBond[i]);
            }
            b.addPlayers(p);
        }
        for (Bet bet : game.felt()) {
            b.addFelt(GameProtos.wire(bet));
        }
        return b.build();
    }

    TableId id() {
        return id;
    }

    long seq() {
        return seq;
    }

    TableRules wireRules() {
        return wireRules;
    }

    ByteString lastHash() {
        return lastHash;
    }

    long rollNo() {
        return rollNo;
    }

    /** The attempt of the current roll: 0, and one more per restart after an eviction during it. */
    int diceAttempt() {
        return diceAttempt;
    }

    /** How the player at {@code seat} was evicted, or null if it was not. */
    EvictionCause evictedCause(int seat) {
        return evictedCause[seat];
    }

    long evictedSeq(int seat) {
        return evictedSeq[seat];
    }

    /** True once a roll's commitments are committed: the next tx must be that roll's reveals. */
    boolean awaitingReveals() {
        return !rollCommitments.isEmpty();
    }

    List<Envelope> rollCommitments() {
        return rollCommitments;
    }

    CrapsTable game() {
        return game;
    }

    long total() {
        return total;
    }

    List<NodeId> seats() {
        return seats;
    }

    /** Players still at the table, in seat order: the voters and coordinators of the next slot. */
    List<NodeId> active() {
        return active;
    }

    int seatOf(NodeId player) {
        return seats.indexOf(player);
    }

    boolean isActive(NodeId player) {
        int seat = seatOf(player);
        return seat >= 0 && game.isActive(seat);
    }

    long lastBatchNo(int seat) {
        return lastBatchNo[seat];
    }

    List<Integer> lastDice() {
        return lastDice;
    }


    /** Coordinator of slot {@code slot} in view {@code view}: active[(slot + view) mod n]. */
    NodeId coordinator(long slot, int view) {
        return active.get((int) Math.floorMod(slot + view, (long) active.size()));
    }

    /** Coordinator of a round without {@code excluded}: drawn the same way from the players who stay. */
    NodeId coordinator(long slot, int view, List<NodeId> excluded) {
        List<NodeId> stay = Exclusion.stayers(active, excluded);
        return stay.get((int) Math.floorMod(slot + view, (long) stay.size()));
    }

    boolean closed() {
        return active.isEmpty();
    }

    /**
     * DESIGN 5b: no roll with fewer than two active players, since a lone player would choose the dice. A table
     * seated for one player alone (a practice table against the bank) is the exception.
     */
    boolean mayRoll() {
        return active.size() >= 2 || (seats.size() == 1 && active.size() == 1);
    }

    // --- mutation, used by TxApplier only ---

    /** The id of the next bet request, accepted or refused: ids only grow, so none is ever reused. */
    long takeBetId() {
        return game.nextBetId();
    }

    void setLastBatchNo(int seat, long batchNo) {
        lastBatchNo[seat] = batchNo;
    }

    void recordCommitments(List<Envelope> commitments) {
        rollCommitments = List.copyOf(commitments);
    }

    void finishRoll(int die1, int die2) {
        rollCommitments = List.of();
        rollNo++;
        diceAttempt = 0;
        lastDice = List.of(die1, die2);
    }

    /** An eviction during a roll: its commitments are dropped and it starts again with fresh nonces. */
    void restartRoll() {
        rollCommitments = List.of();
        diceAttempt++;
    }

    void recordEviction(int seat, EvictionCause cause, long atSeq, long paid, long bond) {
        evictedCause[seat] = cause;
        evictedSeq[seat] = atSeq;
        evictedPaid[seat] = paid;
        evictedBond[seat] = bond;
    }

    void advance(long newSeq, ByteString newHash) {
        if (newSeq != seq + 1) {
            throw new IllegalStateException("table " + id + " applying seq " + newSeq + " after " + seq);
        }
        seq = newSeq;
        lastHash = newHash;
    }

    void refreshActive() {
        List<NodeId> a = new ArrayList<>();
        for (int i = 0; i < seats.size(); i++) {
            if (game.isActive(i)) {
                a.add(seats.get(i));
            }
        }
        active = Collections.unmodifiableList(a);
    }

    /** Conservation and the other table invariants; a failure is a bug and stops the node. */
    void checkInvariants() {
        game.checkInvariants();
        if (game.total() != total) {
            throw new IllegalStateException("table " + id + " total changed: " + game.total() + " != " + total);
        }
        if (!rollCommitments.isEmpty() && rollCommitments.size() != active.size()) {
            throw new IllegalStateException("table " + id + " holds " + rollCommitments.size()
                    + " commitments for " + active.size() + " players");
        }
    }
}
