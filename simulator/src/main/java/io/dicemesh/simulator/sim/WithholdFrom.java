package io.dicemesh.simulator.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.node.core.Effect;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Tx;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A player honest until one roll, then a withholder: from the first reveal it would send for roll {@code rollNo}
 * on, it sends none, as {@link Byzantine.Behaviour#WITHHOLD_REVEAL}. A sock puppet that sees the dice going
 * against its partner does this (a test picks the roll from an honest run of the same seed).
 */
public final class WithholdFrom implements Adversary {
    private final long rollNo;
    private final Byzantine withholder;
    private boolean withholding;

    public WithholdFrom(long rollNo, SplittableRandom random) {
        this.rollNo = rollNo;
        this.withholder = Byzantine.of(random, Byzantine.Behaviour.WITHHOLD_REVEAL);
    }

    @Override
    public List<Effect.Send> rewrite(SimNode self, Effect.Send send, Simulation sim) {
        if (!withholding && self.id().matches(send.envelope().getSender())) {
            try {
                withholding = revealedRoll(Body.parseFrom(send.envelope().getBody())) >= rollNo;
            } catch (InvalidProtocolBufferException e) {
                return List.of(send);
            }
        }
        return withholding ? withholder.rewrite(self, send, sim) : List.of(send);
    }

    /** The highest roll a reveal in this message is for (alone, in a Prepare's tx or a Status), or -1. */
    private static long revealedRoll(Body body) throws InvalidProtocolBufferException {
        List<Envelope> reveals = switch (body.getKindCase()) {
            case DICE_REVEAL -> List.of(Envelope.newBuilder().setBody(body.toByteString()).build());
            case PREPARE -> Tx.parseFrom(body.getPrepare().getTx()).getDiceRevealsList();
            case CERTIFICATE_REPLY -> body.getCertificateReply().hasPrepare()
                    ? Tx.parseFrom(Body.parseFrom(body.getCertificateReply().getPrepare().getBody()).getPrepare()
                            .getTx()).getDiceRevealsList() : List.of();
            case STATUS -> body.getStatus().getRevealsList();
            default -> List.of();
        };
        long highest = -1;
        for (Envelope e : reveals) {
            highest = Math.max(highest, Body.parseFrom(e.getBody()).getDiceReveal().getRollNo());
        }
        return highest;
    }

    public boolean withholding() {
        return withholding;
    }

    @Override
    public String name() {
        return "withhold-from-roll-" + rollNo;
    }
}
