package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.protocol.Body;
import java.util.Optional;

/** Which table a message concerns, read from its body before the table checks it. */
final class TableRouting {
    private TableRouting() {
    }

    static Optional<ByteString> tableIdOf(Body body) {
        return switch (body.getKindCase()) {
            case INTENT_BATCH -> Optional.of(body.getIntentBatch().getTableId());
            case DICE_COMMITMENT -> Optional.of(body.getDiceCommitment().getTableId());
            case DICE_REVEAL -> Optional.of(body.getDiceReveal().getTableId());
            case VOTE -> Optional.of(body.getVote().getTableId());
            case NACK -> Optional.of(body.getNack().getTableId());
            case STATUS -> Optional.of(body.getStatus().getTableId());
            case CERTIFICATE_QUERY -> Optional.of(body.getCertificateQuery().getTableId());
            case CERTIFICATE_REPLY -> Optional.of(body.getCertificateReply().getTableId());
            case PREPARE -> proposalTable(body);
            default -> Optional.empty();
        };
    }

    /** A Prepare names its table inside its signed proposal (checked later by the table itself). */
    private static Optional<ByteString> proposalTable(Body body) {
        try {
            return Optional.of(Body.parseFrom(body.getPrepare().getProposal().getBody()).getProposal().getTableId());
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }
}
