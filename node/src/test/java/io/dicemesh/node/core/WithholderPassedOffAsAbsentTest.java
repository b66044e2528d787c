package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.EvictionCause;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.Vote;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A coordinator cannot pass its partner, who withheld its reveal, off as absent (an attacker's review found this):
 * it wrote reveal_missing = false and cause absence into the partner's Evict tx, nobody checked the flag, and the
 * withholder kept its bets at fair value and its reveal bond while the pair still got the roll restarted. Now an
 * eviction during a roll that does not name the reveal missing must carry that reveal, signed, opening its
 * commitment, and (even with the puppet's own reveal carried) only a missing reveal may restart a roll; the
 * honest player refuses the forged tx, and the withholder forfeits. Each forgery fails without its rule.
 */
@Timeout(60)
class WithholderPassedOffAsAbsentTest {
    @Test
    void anEvictTxWithoutTheWithholdersRevealCannotCallItAbsent() {
        run(Forgery.NO_REVEAL);
    }

    @Test
    void anEvictTxCarryingAnotherPlayersRevealCannotCallTheWithholderAbsent() {
        run(Forgery.ANOTHER_REVEAL);
    }

    /**
     * The partner holds its puppet's real reveal (colluders share it off the wire): carried in the Evict tx it is
     * genuine, but with every evicted player's reveal shown the roll must finish, not restart, so the tx is
     * refused (a third review found the reveal-carrying rule alone let this through).
     */
    @Test
    void anEvictTxCarryingThePuppetsOwnRevealCannotRestartTheRoll() {
        run(Forgery.PUPPETS_REVEAL);
    }

    private enum Forgery { NONE, NO_REVEAL, ANOTHER_REVEAL, PUPPETS_REVEAL }

    /** Control: the same run with node 1 honest evicts node 2 as a withholder, bond forfeited. */
    @Test
    void controlWithAnHonestCoordinatorTheWithholderForfeitsItsBond() {
        run(Forgery.NONE);
    }

    private static void run(Forgery forgery) {
        boolean forge = forgery != Forgery.NONE;
        try (EngineHarness h = new EngineHarness(3, NodeEngineTest.SEED)) {
            TableId t = h.createTable(List.of(0, 1, 2), 1000, 100_000, NodeEngineTest.RULES); // f = 0
            EvictionTest.bet(h, 0, t, BetKind.PASS, 100);
            EvictionTest.bet(h, 1, t, BetKind.PASS, 100);
            EvictionTest.bet(h, 2, t, BetKind.PASS, 100);
            // node 2 (the sock puppet) withholds: its reveal never leaves it, nor a Status or Prepare that could carry it
            h.dropIf(m -> m.from() == 2 && (m.kind() == Body.KindCase.DICE_REVEAL || m.kind() == Body.KindCase.STATUS
                    || m.kind() == Body.KindCase.PREPARE || m.kind() == Body.KindCase.CERTIFICATE_REPLY));
            // node 0 never gets node 1's Status in a view node 0 would coordinate: node 1 coordinates the Evict round
            h.dropIf(m -> m.from() == 1 && m.to() == 0 && m.kind() == Body.KindCase.STATUS
                    && m.body().getStatus().getExcludedCount() > 0
                    && (m.body().getStatus().getSeq() + m.body().getStatus().getView()) % 2 == 0);
            // node 1 (the partner) rewrites its Evict tx: its partner "absent", reveal not missing, settled as such
            Map<ByteString, ByteString> rewritten = new HashMap<>();
            h.replaceIf(m -> forge && m.from() == 1 && m.kind() == Body.KindCase.PREPARE
                    && txOf(m.body().getPrepare().getTx()).hasEvict(), env -> {
                        Prepare p = bodyOf(env).getPrepare();
                        Proposal prop = bodyOf(p.getProposal()).getProposal();
                        TableModel model = h.engine(0).tablesForTest().get(t).model();
                        // a reveal carried as the puppet's: settled as absent (the builder sets the cause and flag)
                        int revealer = forgery == Forgery.PUPPETS_REVEAL ? 2 : 1; // dropped on the wire, not lost
                        Envelope mine = h.sent(m2 -> m2.from() == revealer && m2.kind() == Body.KindCase.DICE_REVEAL)
                                .stream().reduce((a, b) -> b).orElseThrow().envelope();
                        Tx forged = Evictions.build(model, List.of(h.id(2)), Map.of(h.id(2), mine), x -> null);
                        if (forgery == Forgery.NO_REVEAL) {
                            forged = forged.toBuilder().setEvict(forged.getEvict().toBuilder().setEvictions(0,
                                    forged.getEvict().getEvictions(0).toBuilder().clearReveal())).build();
                        }
                        ByteString tx = forged.toByteString();
                        ByteString hash = Wire.hash(tx);
                        rewritten.put(prop.getTxHash(), hash);
                        Envelope proposal = Signatures.seal(h.identity(1), Body.newBuilder().setProposal(
                                prop.toBuilder().setTxHash(hash)).build());
                        return Signatures.seal(h.identity(1), Body.newBuilder().setPrepare(p.toBuilder()
                                .setProposal(proposal).setTx(tx)).build());
                    });
            h.replaceIf(m -> m.from() == 1 && m.kind() == Body.KindCase.VOTE
                    && rewritten.containsKey(m.body().getVote().getTxHash()), env -> {
                        Vote v = bodyOf(env).getVote();
                        return Signatures.seal(h.identity(1), Body.newBuilder().setVote(v.toBuilder()
                                .setTxHash(rewritten.get(v.getTxHash()))).build());
                    });
            long rollNo = h.state(0, t).getRollNo();
            h.command(0, new ClientRequest.Roll(t));
            boolean evicted = h.runUntil(() -> h.state(0, t).getPlayers(2).getEvicted()
                    != EvictionCause.EVICTION_CAUSE_UNSPECIFIED, 20_000);
            TableState s = h.state(0, t);
            PlayerState p2 = s.getPlayers(2);
            assertTrue(!forge || !rewritten.isEmpty(), "the partner never coordinated an Evict round");
            if (forge) {
                // the forged tx is refused; node 0 never coordinates here (node 1's Statuses are kept from it in
                // its views), so the table stays stalled with nobody settled as absent
                assertTrue(p2.getEvicted() != EvictionCause.EVICTION_ABSENCE, "the withholder was settled as absent: "
                        + p2 + " " + h.engine(0).debugState(t));
                assertEquals(rollNo, s.getRollNo());
                assertEquals(0, s.getDiceAttempt(), "the roll restarted");
            } else {
                assertTrue(evicted, "node 2 was never evicted: " + h.engine(0).debugState(t));
                assertEquals(EvictionCause.EVICTION_WITHHOLDING, p2.getEvicted());
                assertTrue(p2.getEvictedBond() > 0, "the withholder kept its bond");
                assertEquals(0, p2.getEvictedPaid(), "its pass line rode on the roll: forfeited");
            }
        }
    }

    private static Body bodyOf(Envelope e) {
        try {
            return Body.parseFrom(e.getBody());
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    private static Tx txOf(ByteString b) {
        try {
            return Tx.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            return Tx.getDefaultInstance();
        }
    }
}
