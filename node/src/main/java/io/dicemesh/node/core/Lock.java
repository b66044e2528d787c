package io.dicemesh.node.core;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.LockRecord;

/**
 * This node's lock at a slot: the Prepare it voted YES on and its vote. Once taken, it only ever votes for the
 * same tx at this slot (R2), in any later view. {@code excluded}: the X of the round it voted in, a bit per player
 * index (0 for an ordinary round).
 */
record Lock(long seq, int view, ByteString txHash, ByteString tx, Envelope prepare, Envelope proposal,
        Envelope vote, long excluded) {

    LockRecord toRecord() {
        return LockRecord.newBuilder().setPrepare(prepare).setVote(vote).build();
    }
}
