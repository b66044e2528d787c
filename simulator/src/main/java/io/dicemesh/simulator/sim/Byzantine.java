package io.dicemesh.simulator.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.node.core.Effect;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.IntentBatch;
import io.dicemesh.protocol.PlaceBet;
import io.dicemesh.protocol.Prepare;
import io.dicemesh.protocol.Proposal;
import io.dicemesh.protocol.Status;
import io.dicemesh.protocol.Tx;
import io.dicemesh.protocol.Vote;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A lying player. Its engine is honest; this rewrites what it sends, signed with its own key, in the ways
 * DESIGN section 5 says a player may lie: different Prepares to different players, intent batches forged for
 * another player, two Statuses for one view, votes in stale views, and withheld reveals.
 */
public final class Byzantine implements Adversary {
    /** The lies this player tells. */
    public enum Behaviour {
        /** As coordinator, sends half the players a different (valid) tx than the other half. */
        EQUIVOCATE,
        /** As coordinator, adds an intent batch signed by itself but claiming another player. */
        FORGE_BATCH,
        /** Sends every Status twice: once as is and once with its lock changed. */
        DOUBLE_STATUS,
        /** With every Status, also votes in the view below it for a tx that does not exist. */
        STALE_VOTE,
        /** Never sends its dice reveals. */
        WITHHOLD_REVEAL,
        /**
         * Lies to get an answering player evicted: every Status it sends names the next player after it as gone
         * (X) and carries a made-up proof that this player lied (its envelopes claim the victim's key but carry no
         * valid signature).
         */
        ACCUSE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Set<Behaviour> behaviours;
    private final SplittableRandom random;
    private long accusations;

    public Byzantine(Set<Behaviour> behaviours, SplittableRandom random) {
        this.behaviours = EnumSet.copyOf(behaviours);
        this.random = random;
    }

    public static Byzantine of(SplittableRandom random, Behaviour... behaviours) {
        return new Byzantine(EnumSet.copyOf(List.of(behaviours)), random);
    }

    /** Statuses sent that named an answering player gone (ACCUSE). */
    public long accusations() {
        return accusations;
    }

    public Set<Behaviour> behaviours() {
        return EnumSet.copyOf(behaviours);
    }

    @Override
    public String name() {
        StringBuilder sb = new StringBuilder();
        for (Behaviour b : behaviours) {
            sb.append(sb.length() == 0 ? "" : "+").append(b.label());
        }
        return sb.toString();
    }

    @Override
    public List<Effect.Send> rewrite(SimNode self, Effect.Send send, Simulation sim) {
        Body body;
        try {
            body = Body.parseFrom(send.envelope().getBody());
        } catch (InvalidProtocolBufferException e) {
            return List.of(send);
        }
        boolean ownMessage = self.id().matches(send.envelope().getSender());
        if (!ownMessage) {
            return List.of(send);
        }
        Identity me = self.identity();
        switch (body.getKindCase()) {
            case DICE_REVEAL:
                return behaviours.contains(Behaviour.WITHHOLD_REVEAL) ? List.of() : List.of(send);
            case PREPARE:
                if (behaviours.contains(Behaviour.WITHHOLD_REVEAL) && (carriesReveals(body.getPrepare())
                        || body.getPrepare().getJustificationList().stream().anyMatch(Byzantine::showsReveals))) {
                    return List.of(); // its own reveal is inside: withhold the whole roll
                }
                return rewritePrepare(me, send, body.getPrepare(), sim);
            case CERTIFICATE_REPLY:
                if (behaviours.contains(Behaviour.WITHHOLD_REVEAL) && body.getCertificateReply().hasPrepare()
                        && carriesReveals(body.getCertificateReply().getPrepare())) {
                    return List.of(new Effect.Send(send.to(), Signatures.seal(me, Body.newBuilder()
                            .setCertificateReply(body.getCertificateReply().toBuilder().clearPrepare()).build())));
                }
                return List.of(send);
            case STATUS:
                return rewriteStatus(me, send, accuse(self, body.getStatus()));
            default:
                return List.of(send);
        }
    }

    private static boolean carriesReveals(Envelope prepareEnvelope) {
        try {
            return carriesReveals(Body.parseFrom(prepareEnvelope.getBody()).getPrepare());
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private static boolean showsReveals(Envelope status) {
        try {
            return Body.parseFrom(status.getBody()).getStatus().getRevealsCount() > 0;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private static boolean carriesReveals(Prepare prepare) {
        try {
            return Tx.parseFrom(prepare.getTx()).getDiceRevealsCount() > 0;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private List<Effect.Send> rewritePrepare(Identity me, Effect.Send send, Prepare prepare, Simulation sim) {
        Tx tx;
        Proposal proposal;
        try {
            tx = Tx.parseFrom(prepare.getTx());
            proposal = Body.parseFrom(prepare.getProposal().getBody()).getProposal();
        } catch (InvalidProtocolBufferException e) {
            return List.of(send);
        }
        Tx altered = tx;
        if (behaviours.contains(Behaviour.FORGE_BATCH) && tx.getDiceRevealsCount() == 0) {
            altered = altered.toBuilder().addIntentBatches(forgedBatch(me, tx, sim)).build();
        }
        if (behaviours.contains(Behaviour.EQUIVOCATE) && sim.node(send.to()).index() % 2 == 1) {
            Tx other = alternative(altered);
            if (other != null) {
                altered = other;
            }
        }
        if (altered == tx) {
            return List.of(send);
        }
        return List.of(new Effect.Send(send.to(), resign(me, prepare, proposal, altered)));
    }

    /** A different tx that an honest player would still vote for: one batch fewer, or no commitments. */
    private static Tx alternative(Tx tx) {
        if (tx.getIntentBatchesCount() > 0) {
            List<Envelope> batches = new ArrayList<>(tx.getIntentBatchesList());
            batches.remove(batches.size() - 1);
            return tx.toBuilder().clearIntentBatches().addAllIntentBatches(batches).build();
        }
        if (tx.getDiceCommitmentsCount() > 0) {
            return tx.toBuilder().clearDiceCommitments().build();
        }
        return null;
    }

    /** An intent batch that spends another player's stack, signed by this player: a forgery. */
    private Envelope forgedBatch(Identity me, Tx tx, Simulation sim) {
        NodeId victim = null;
        for (SimNode n : sim.nodes()) {
            if (!n.id().equals(me.nodeId())) {
                victim = n.id();
                break;
            }
        }
        IntentBatch batch = IntentBatch.newBuilder().setTableId(tx.getTableId())
                .setPlayer((victim == null ? me.nodeId() : victim).byteString())
                .setBatchNo(1 + random.nextLong(1000))
                .addIntents(Intent.newBuilder().setIntentId(1).setPlaceBet(PlaceBet.newBuilder()
                        .setType(io.dicemesh.protocol.BetType.FIELD).setAmount(5)))
                .build();
        return Signatures.seal(me, Body.newBuilder().setIntentBatch(batch).build());
    }

    private static Envelope resign(Identity me, Prepare prepare, Proposal proposal, Tx tx) {
        ByteString txBytes = tx.toByteString();
        ByteString hash = ByteString.copyFrom(Sha256.hash(txBytes.toByteArray()));
        Envelope newProposal = Signatures.seal(me, Body.newBuilder().setProposal(proposal.toBuilder()
                .setTxHash(hash)).build());
        return Signatures.seal(me, Body.newBuilder().setPrepare(prepare.toBuilder().setProposal(newProposal)
                .setTx(txBytes)).build());
    }

    /** With ACCUSE, the Status names the next active player after this one as gone, with a forged proof. */
    private Status accuse(SimNode self, Status status) {
        if (!behaviours.contains(Behaviour.ACCUSE) || !self.isUp()) {
            return status;
        }
        io.dicemesh.protocol.TableState state = self.engine().tableState(
                io.dicemesh.node.core.TableId.of(status.getTableId().toByteArray())).orElse(null);
        if (state == null) {
            return status;
        }
        List<ByteString> active = new ArrayList<>();
        int mine = -1;
        for (io.dicemesh.protocol.PlayerState p : state.getPlayersList()) {
            if (!p.getLeft()) {
                mine = self.id().matches(p.getPlayer()) ? active.size() : mine;
                active.add(p.getPlayer());
            }
        }
        if (mine < 0 || active.size() < 2) {
            return status;
        }
        ByteString victim = active.get((mine + 1) % active.size());
        io.dicemesh.protocol.LiarProof.Builder proof = io.dicemesh.protocol.LiarProof.newBuilder().setPlayer(victim);
        for (int i = 0; i < 2; i++) {
            byte[] hash = new byte[Sha256.BYTES];
            random.nextBytes(hash);
            byte[] signature = new byte[64];
            random.nextBytes(signature);
            proof.addEnvelopes(Envelope.newBuilder()
                    .setProtocolVersion(io.dicemesh.protocol.WireLimits.PROTOCOL_VERSION).setSender(victim).setSignature(ByteString.copyFrom(signature))
                    .setBody(Body.newBuilder().setVote(Vote.newBuilder().setTableId(status.getTableId())
                            .setSeq(status.getSeq()).setView(status.getView()).setTxHash(ByteString.copyFrom(hash)))
                            .build().toByteString()));
        }
        accusations++;
        return status.toBuilder().clearExcluded().addExcluded(victim).clearLiarProofs().addLiarProofs(proof).build();
    }

    private List<Effect.Send> rewriteStatus(Identity me, Effect.Send send, Status status) {
        List<Effect.Send> out = new ArrayList<>();
        if (behaviours.contains(Behaviour.ACCUSE)) {
            send = new Effect.Send(send.to(), Signatures.seal(me, Body.newBuilder().setStatus(status).build()));
        }
        if (behaviours.contains(Behaviour.WITHHOLD_REVEAL) && status.getRevealsCount() > 0) {
            // a withholder shows no reveals in its Status either (its own would finish the roll)
            status = status.toBuilder().clearReveals().build();
            send = new Effect.Send(send.to(), Signatures.seal(me, Body.newBuilder().setStatus(status).build()));
        }
        out.add(send);
        if (behaviours.contains(Behaviour.DOUBLE_STATUS) && status.hasLockedProposal()) {
            Envelope other = Signatures.seal(me, Body.newBuilder().setStatus(status.toBuilder()
                    .clearLockedProposal()).build());
            out.add(new Effect.Send(send.to(), other));
        }
        if (behaviours.contains(Behaviour.STALE_VOTE) && status.getView() > 0) {
            byte[] bogus = new byte[Sha256.BYTES];
            random.nextBytes(bogus);
            Envelope vote = Signatures.seal(me, Body.newBuilder().setVote(Vote.newBuilder()
                    .setTableId(status.getTableId()).setSeq(status.getSeq()).setView(status.getView() - 1)
                    .setTxHash(ByteString.copyFrom(bogus))).build());
            out.add(new Effect.Send(send.to(), vote));
        }
        return out;
    }
}
