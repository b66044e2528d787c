package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.node.ledger.Column;
import io.dicemesh.node.ledger.WriteBatch;
import io.dicemesh.protocol.Envelope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link EffectExecutor}: writes first (grouped, split at the batch limits), then the rest in order. */
@Timeout(30)
class EffectExecutorTest {
    private final List<String> done = new ArrayList<>();
    private final EffectExecutor executor = new EffectExecutor(new EffectExecutor.Io() {
        @Override
        public void write(WriteBatch batch, boolean sync) {
            assertTrue(batch.sizeBytes() <= WriteBatch.BATCH_BYTES_MAX, "a write over the batch limit");
            done.add("write " + batch.ops().size() + (sync ? " sync" : ""));
        }

        @Override
        public void send(NodeId to, Envelope envelope) {
            done.add("send");
        }

        @Override
        public void reply(long requestId, ClientResult result) {
            done.add("reply");
        }

        @Override
        public void event(Event event) {
            done.add("event");
        }
    });

    private static Effect.Persist persist(int index, int bytes, boolean sync) {
        return new Effect.Persist(WriteBatch.builder().put(Column.TABLES, new byte[] {(byte) index, (byte) (index >> 8)},
                new byte[bytes]).build(), sync);
    }

    @Test
    void everyWriteOfAStepGoesDownAsOneBeforeAnySend() {
        NodeId peer = Wire.identity("peer").nodeId();
        executor.execute(List.of(persist(1, 10, false), new Effect.Send(peer, Envelope.getDefaultInstance()),
                persist(2, 10, true), new Effect.Reply(1, new ClientResult.Joined(TableId.of(new byte[32])))));
        assertEquals(List.of("write 2 sync", "send", "reply"), done);
    }

    @Test
    void aStepWhoseWritesExceedOneBatchIsWrittenAsSeveralStillBeforeItsSends() {
        NodeId peer = Wire.identity("peer").nodeId();
        List<Effect> effects = new ArrayList<>();
        for (int i = 0; i < 70; i++) { // 70 MiB in all: over the 64 MiB of one batch
            effects.add(persist(i, 1 << 20, i == 69));
            effects.add(new Effect.Send(peer, Envelope.getDefaultInstance()));
        }
        assertTrue(executor.execute(effects));
        long writes = done.stream().filter(d -> d.startsWith("write")).count();
        assertEquals(2, writes, done.toString());
        assertEquals("write", done.get(0).substring(0, 5));
        assertEquals("write", done.get(1).substring(0, 5));
        assertTrue(done.get(1).endsWith("sync"), "the group holding the synced write is synced");
        assertEquals(70, done.stream().filter("send"::equals).count());
    }
}
