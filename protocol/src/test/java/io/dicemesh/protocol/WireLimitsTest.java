package io.dicemesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class WireLimitsTest {
    private static ByteString bytes(int n) {
        return ByteString.copyFrom(new byte[n]);
    }

    private static Envelope signed(Body body) {
        return Envelope.newBuilder().setProtocolVersion(WireLimits.PROTOCOL_VERSION).setSender(bytes(32))
                .setBody(body.toByteString()).setSignature(bytes(64)).build();
    }

    @Test
    void limitsMatchTheDesign() {
        assertEquals(1 << 20, WireLimits.FRAME_BYTES_MAX);
        assertEquals(16, WireLimits.PLAYERS_PER_TABLE_MAX);
        assertEquals(4096, WireLimits.INTENTS_PER_BATCH_MAX);
    }

    @Test
    void aPrepareWithTheLargestTxAndAFullJustificationFitsInOneFrame() {
        Envelope proposal = signed(Body.newBuilder().setProposal(Proposal.newBuilder().setTableId(bytes(32))
                .setSeq(Long.MAX_VALUE).setView(Integer.MAX_VALUE).setTxHash(bytes(32))).build());
        Prepare.Builder prepare = Prepare.newBuilder().setProposal(proposal).setTx(bytes(WireLimits.TX_BYTES_MAX));
        for (int i = 0; i < WireLimits.PLAYERS_PER_TABLE_MAX; i++) {
            Status.Builder status = Status.newBuilder().setTableId(bytes(32)).setSeq(Long.MAX_VALUE)
                    .setView(Integer.MAX_VALUE).setLockedProposal(proposal);
            while (signed(Body.newBuilder().setStatus(status).build()).getSerializedSize()
                    < WireLimits.STATUS_BYTES_MAX - 64) {
                status.addReveals(proposal); // filler: each Status at its kind's largest
            }
            prepare.addJustification(signed(Body.newBuilder().setStatus(status).build()));
        }
        Envelope frame = signed(Body.newBuilder().setPrepare(prepare).build());
        assertTrue(frame.getSerializedSize() <= WireLimits.FRAME_BYTES_MAX,
                "largest Prepare is " + frame.getSerializedSize() + " bytes");
    }

    @Test
    void aFullIntentBatchFitsInOneTx() {
        IntentBatch.Builder batch = IntentBatch.newBuilder().setTableId(bytes(32)).setPlayer(bytes(32))
                .setBatchNo(Long.MAX_VALUE);
        for (int i = 0; i < WireLimits.INTENTS_PER_BATCH_MAX; i++) {
            batch.addIntents(Intent.newBuilder().setIntentId(Long.MAX_VALUE).setPlaceBet(PlaceBet.newBuilder()
                    .setType(BetType.DONT_COME_ODDS).setAmount(Long.MAX_VALUE).setNumber(10)
                    .setOnBet(Long.MAX_VALUE)));
        }
        Envelope env = signed(Body.newBuilder().setIntentBatch(batch).build());
        Tx tx = Tx.newBuilder().setTableId(bytes(32)).setSeq(Long.MAX_VALUE).setPrevHash(bytes(32))
                .addIntentBatches(env).build();
        assertTrue(tx.getSerializedSize() <= WireLimits.TX_BYTES_MAX,
                "a tx with one full batch is " + tx.getSerializedSize() + " bytes");
    }
}
